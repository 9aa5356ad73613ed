/**
 * Event ids for the ingestion API's deduplication: `crypto.randomUUID`, or a v4-shaped id where the
 * runtime has none.
 */
let counter = 0;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0').slice(-width);
}

/**
 * A UUID v4 for the ingestion key. `crypto.randomUUID` is missing in WeChat mini programs, React
 * Native and non-secure browser contexts; there a v4-shaped id from Math.random, the clock and a
 * counter is unique enough to deduplicate retries of one client's events.
 */
export function eventId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  counter = (counter + 1) & 0xffff;
  const r = () => Math.floor(Math.random() * 0x10000);
  const time = Date.now();
  return `${hex(time, 8)}-${hex(counter, 4)}-4${hex(r(), 3)}-${hex(0x8000 | (r() & 0x3fff), 4)}-${hex(r(), 4)}${hex(r(), 4)}${hex(r(), 4)}`;
}
