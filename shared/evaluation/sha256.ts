/**
 * SHA-256 (FIPS 180-4) over the UTF-8 bytes of a string, synchronous and small, for hidden
 * targeting: an app's document carries salted hashes of customer ids instead of the ids, and the
 * evaluator hashes the context's value to compare (WebCrypto's digest is async, so it cannot run
 * on the evaluation path). The round constants are derived from the primes, as the standard
 * defines them, instead of being shipped as a table.
 */
import { utf8 } from './murmur3';

const K: number[] = [];
const H: number[] = [];
const frac = (x: number) => ((x - Math.floor(x)) * 2 ** 32) | 0;
for (let n = 2, i = 0; i < 64; n++) {
  let prime = true;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) prime = false;
  if (prime) {
    if (i < 8) H[i] = frac(n ** 0.5);
    K[i++] = frac(n ** (1 / 3));
  }
}

const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

/** The digest as eight signed 32-bit words. */
export function sha256(s: string): number[] {
  const bytes = utf8(s);
  const length = bytes.length;
  const words = new Int32Array((((length + 8) >> 6) + 1) * 16);
  for (let i = 0; i < length; i++) words[i >> 2] |= bytes[i] << (24 - (i & 3) * 8);
  words[length >> 2] |= 0x80 << (24 - (length & 3) * 8);
  words[words.length - 1] = length * 8;
  let h = H;
  const w = new Int32Array(64);
  for (let j = 0; j < words.length; j += 16) {
    // The working variables a…h, newest first: each round puts a new `a` in front and adds to `e`.
    const v = h.slice();
    for (let i = 0; i < 64; i++) {
      const x = w[i - 15];
      const y = w[i - 2];
      w[i] =
        i < 16
          ? words[j + i]
          : w[i - 16] +
            (rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3)) +
            w[i - 7] +
            (rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10));
      const [a, b, c, , e, f, g, k] = v;
      const t = k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
      v.pop();
      v.unshift((t + (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0);
      v[4] = (v[4] + t) | 0;
    }
    h = h.map((x, i) => (x + v[i]) | 0);
  }
  return h;
}

/**
 * How a hidden targeting value is served and compared: the first 128 bits of
 * SHA-256(salt + value), as 32 hex digits.
 */
export function hideValue(salt: string, value: string): string {
  let out = '';
  for (const x of sha256(salt + value).slice(0, 4)) out += (x >>> 0).toString(16).padStart(8, '0');
  return out;
}
