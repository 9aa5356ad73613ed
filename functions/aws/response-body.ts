/**
 * Reading an AWS answer's body with a bound: at most `limit` bytes are buffered (a declared
 * Content-Length over it is refused before reading, a body that grows past it is cut off), so a
 * broken or hostile endpoint cannot fill a function's memory. Shared by the DynamoDB client and
 * the other signed calls (functions/aws/aws-request.ts).
 */
import { AwsResponseTooLargeError } from './dynamodb-errors';

/**
 * 32 MiB: twice DynamoDB's largest answer (BatchGetItem, 16 MB of items), room for its JSON,
 * and far under a function's memory.
 */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export async function readBody(response: Response, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => {});
    throw new AwsResponseTooLargeError(limit, response.status);
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new AwsResponseTooLargeError(limit, response.status);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
