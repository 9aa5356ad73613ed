/**
 * MurmurHash3 x86 32-bit over the UTF-8 bytes of a string, as Unleash's Rust engine (Yggdrasil)
 * hashes. The Node SDK `unleash-client` hashes only the low byte of each UTF-16 unit instead, so
 * the two disagree on non-ASCII ids; omnilab follows UTF-8 so that every channel agrees.
 *
 * Keys are always `groupId:id`, and `groupId:` is fixed per strategy, so the hash state after the
 * prefix is computed once at compile time and each evaluation hashes only the id's bytes.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/**
 * The state of a hash after its fixed prefix: full blocks mixed, and the 0–3 pending bytes packed
 * into one number (a typed array per prefix would cost more memory than the whole evaluation needs).
 * Fields end in `_`: internal, so the SDK build shortens them.
 */
export interface HashPrefix {
  readonly h_: number;
  readonly tail_: number;
  readonly tailLength_: number;
  readonly length_: number;
}

// One scratch buffer for the bytes being hashed: evaluation is synchronous and not re-entrant.
let scratch = new Uint8Array(256);

/** Writes the UTF-8 bytes of `s` into `scratch` from `offset`; returns the end offset. */
function encodeInto(s: string, offset: number): number {
  const needed = offset + s.length * 3;
  if (needed > scratch.length) {
    const grown = new Uint8Array(Math.max(needed, scratch.length * 2));
    grown.set(scratch.subarray(0, offset));
    scratch = grown;
  }
  const buf = scratch;
  let p = offset;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      buf[p++] = c;
      continue;
    }
    if (c < 0x800) {
      buf[p++] = 0xc0 | (c >> 6);
      buf[p++] = 0x80 | (c & 0x3f);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        buf[p++] = 0xf0 | (c >> 18);
        buf[p++] = 0x80 | ((c >> 12) & 0x3f);
        buf[p++] = 0x80 | ((c >> 6) & 0x3f);
        buf[p++] = 0x80 | (c & 0x3f);
        continue;
      }
      // A lone surrogate encodes as U+FFFD, as TextEncoder does.
      c = 0xfffd;
    }
    buf[p++] = 0xe0 | (c >> 12);
    buf[p++] = 0x80 | ((c >> 6) & 0x3f);
    buf[p++] = 0x80 | (c & 0x3f);
  }
  return p;
}

/** The UTF-8 bytes of `s`, in the shared scratch buffer: valid until the next call into this module. */
export function utf8(s: string): Uint8Array {
  const end = encodeInto(s, 0);
  return scratch.subarray(0, end);
}

function mixBlocks(h: number, buf: Uint8Array, end: number): number {
  const blocks = end - (end & 3);
  for (let i = 0; i < blocks; i += 4) {
    let k = buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return h;
}

function finish(h: number, buf: Uint8Array, end: number, length: number): number {
  const rest = end & 3;
  const i = end - rest;
  let k = 0;
  if (rest === 3) k ^= buf[i + 2] << 16;
  if (rest >= 2) k ^= buf[i + 1] << 8;
  if (rest >= 1) {
    k ^= buf[i];
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hashPrefix(prefix: string, seed: number): HashPrefix {
  const end = encodeInto(prefix, 0);
  const rest = end & 3;
  const at = end - rest;
  let tail = 0;
  for (let i = 0; i < rest; i++) tail |= scratch[at + i] << (8 * i);
  return { h_: mixBlocks(seed | 0, scratch, end), tail_: tail, tailLength_: rest, length_: end };
}

/** The hash of `prefix + s`, given the prefix's precomputed state. */
export function hashWithPrefix(prefix: HashPrefix, s: string): number {
  const n = prefix.tailLength_;
  for (let i = 0; i < n; i++) scratch[i] = (prefix.tail_ >>> (8 * i)) & 0xff;
  const end = encodeInto(s, n);
  const buf = scratch;
  return finish(mixBlocks(prefix.h_, buf, end), buf, end, prefix.length_ - n + end);
}

export function murmur3(s: string, seed = 0): number {
  const end = encodeInto(s, 0);
  return finish(mixBlocks(seed | 0, scratch, end), scratch, end, end);
}
