// A minimal stand-in for the Lambda Node.js runtime, run on Node 22 by lambda-bundles-node22.test.ts:
// one process is one warm instance. It loads the bundle as Lambda does (LAMBDA_TASK_ROOT and
// _HANDLER, `index.handler` -> the `handler` export of index.mjs), then answers invocations read as
// JSON lines on stdin ({ id, event }) with { id, result } or { id, error } on stdout, each line behind
// ANSWER_MARK so that whatever the function itself logs there stays apart from the answers.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const ANSWER_MARK = '\u0000lambda-answer ';
const answer = (message) => process.stdout.write(`${ANSWER_MARK}${JSON.stringify(message)}\n`);

const taskRoot = process.env.LAMBDA_TASK_ROOT;
const [moduleName, exportName] = (process.env._HANDLER ?? '').split('.');
const timeoutMs = Number(process.env.OMNILAB_TEST_TIMEOUT_SECONDS ?? 10) * 1000;

let handler;
try {
  const mod = await import(pathToFileURL(join(taskRoot, `${moduleName}.mjs`)).href);
  handler = mod[exportName];
  if (typeof handler !== 'function') throw new Error(`${moduleName}.${exportName} is not a function`);
  answer({ id: 'init', result: { node: process.version } });
} catch (e) {
  answer({
    id: 'init',
    error: { errorType: 'Runtime.ImportModuleError', errorMessage: String(e?.stack ?? e) },
  });
  process.exitCode = 1;
  await new Promise((resolve) => process.stdout.write('', resolve));
  process.exit();
}

function context() {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:000000000000:function:${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: randomUUID(),
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

// One invocation at a time, as one Lambda instance takes them.
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() === '') continue;
  const { id, event } = JSON.parse(line);
  try {
    const result = await handler(event, context());
    // The runtime serializes the result to JSON: what cannot survive that does not reach API Gateway.
    answer({ id, result: result === undefined ? null : JSON.parse(JSON.stringify(result)) });
  } catch (e) {
    answer({ id, error: { errorType: e?.name ?? 'Error', errorMessage: String(e?.message ?? e) } });
  }
}
