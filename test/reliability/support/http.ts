/** HTTP helpers of the reliability suite: calls that retry the way a well-behaved client does. */

export interface Answer {
  status: number;
  body: unknown;
  text: string;
}

export async function request(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = options.token;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${url}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends the same request until it is answered by something other than 503 (or a refused
 * connection): what an SDK does with Retry-After. Returns every status seen, in order.
 */
export async function untilAnswered(
  send: () => Promise<Answer>,
): Promise<{ final: Answer; statuses: number[] }> {
  const statuses: number[] = [];
  for (;;) {
    let answer: Answer | undefined;
    try {
      answer = await send();
    } catch {
      statuses.push(0);
    }
    if (answer) {
      statuses.push(answer.status);
      if (answer.status !== 503) return { final: answer, statuses };
    }
    await sleep(100 + Math.random() * 200);
  }
}
