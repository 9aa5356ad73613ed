/** IPv4 and IPv6 addresses and CIDR ranges, for the IN_CIDR operator and the remoteAddress strategy. */

/** Fields end in `_`: internal, so the SDK build shortens them. */

export interface IpRange {
  v6_: boolean;
  /** IPv4: one 32-bit word; IPv6: four. */
  words_: number[];
  prefix_: number;
}

const IPV4 =
  /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function parseV4(s: string): number | null {
  const m = IPV4.exec(s);
  if (!m) return null;
  return ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
}

function parseGroups(part: string): number[] | null {
  if (part === '') return [];
  const groups: number[] = [];
  for (const g of part.split(':')) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    groups.push(Number.parseInt(g, 16));
  }
  return groups;
}

function parseV6(input: string): number[] | null {
  let s = input;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  // An embedded IPv4 tail (::ffff:1.2.3.4) stands for the last two groups.
  const lastColon = s.lastIndexOf(':');
  if (lastColon >= 0 && s.includes('.', lastColon)) {
    const v4 = parseV4(s.slice(lastColon + 1));
    if (v4 === null) return null;
    s = `${s.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  let groups: number[];
  if (halves.length === 2) {
    const head = parseGroups(halves[0]);
    const rest = parseGroups(halves[1]);
    if (!head || !rest) return null;
    const missing = 8 - head.length - rest.length;
    if (missing < 1) return null;
    groups = [...head, ...new Array<number>(missing).fill(0), ...rest];
  } else {
    const all = parseGroups(halves[0]);
    if (!all) return null;
    groups = all;
  }
  if (groups.length !== 8) return null;
  const words: number[] = [];
  for (let i = 0; i < 8; i += 2) words.push(((groups[i] << 16) | groups[i + 1]) >>> 0);
  return words;
}

/** Parses an address; returns it as a full-length range, or null when it is not an address. */
export function parseIp(input: string): IpRange | null {
  const s = input.trim();
  const v4 = parseV4(s);
  if (v4 !== null) return { v6_: false, words_: [v4], prefix_: 32 };
  if (!s.includes(':')) return null;
  const v6 = parseV6(s);
  return v6 ? { v6_: true, words_: v6, prefix_: 128 } : null;
}

/** Parses `address` or `address/prefix`. */
export function parseCidr(input: string): IpRange | null {
  const s = input.trim();
  const slash = s.indexOf('/');
  if (slash < 0) return parseIp(s);
  const ip = parseIp(s.slice(0, slash));
  const bits = s.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(bits)) return null;
  const prefix = Number(bits);
  if (prefix > (ip.v6_ ? 128 : 32)) return null;
  return { ...ip, prefix_: prefix };
}

export function rangeContains(range: IpRange, ip: IpRange): boolean {
  if (range.v6_ !== ip.v6_) return false;
  let bits = range.prefix_;
  for (let i = 0; i < range.words_.length && bits > 0; i++) {
    const take = Math.min(bits, 32);
    const mask = take === 32 ? 0xffffffff : ~(0xffffffff >>> take) >>> 0;
    if ((range.words_[i] & mask) >>> 0 !== (ip.words_[i] & mask) >>> 0) return false;
    bits -= take;
  }
  return true;
}
