/**
 * RFC 3339 date-times with a zone (`2026-12-01T09:00:00Z`, `2026-12-01T10:00:00.5+01:00`): the only
 * times omnilab takes from people. A time without a zone means a different instant to each reader
 * (SDKs in Go, Rust and Java read RFC 3339 only), and JavaScript's Date.parse rolls impossible dates
 * over (`2022-02-30` becomes 2 March): both are refused here instead.
 */

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * The instant (milliseconds since the epoch) an RFC 3339 date-time with a zone names, or null when
 * `input` is not one: no zone, a space or lower-case `t`/`z`, a day the month does not have, hour 24,
 * a leap second (no SDK clock shows one), or text around it.
 */
export function parseRfc3339(input: string): number | null {
  const m = RFC3339.exec(input);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const millis = m[7] === undefined ? 0 : Number(`${m[7]}00`.slice(0, 3));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  return date.getTime() - offsetMinutes * 60_000;
}
