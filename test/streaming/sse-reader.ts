/** A raw Server-Sent Events reader over fetch, for tests: what an EventSource would receive. */
export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

export interface SseReader {
  status: number;
  headers: Headers;
  /** The next event, or undefined when none comes within `timeoutMs` (or the stream ended). */
  next(timeoutMs: number): Promise<SseMessage | undefined>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string>): Promise<SseReader> {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  const queue: SseMessage[] = [];
  const waiters: (() => void)[] = [];
  let ended = false;
  const wake = () => {
    for (const w of waiters.splice(0)) w();
  };
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      const reader = res.body?.getReader();
      while (reader) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let at = buffer.indexOf('\n\n');
        while (at >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const message: SseMessage = { event: 'message', data: '' };
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':') || line === '') continue;
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'id') message.id = value;
            else if (field === 'event') message.event = value;
            else if (field === 'data') data.push(value);
          }
          if (data.length > 0) {
            message.data = data.join('\n');
            queue.push(message);
            wake();
          }
          at = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted by close()
    }
    ended = true;
    wake();
  })();
  return {
    status: res.status,
    headers: res.headers,
    async next(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (queue.length === 0 && !ended && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, Math.max(0, deadline - Date.now()));
        });
      }
      return queue.shift();
    },
    close: () => abort.abort(),
  };
}
