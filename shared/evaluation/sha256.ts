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
  // The message, a 1 bit, zeros, and its length in bits: a whole number of 64-byte blocks.
  const words = new Int32Array((((length + 8) >> 6) + 1) * 16);
  for (let i = 0; i < length; i++) words[i >> 2] |= bytes[i] << (24 - (i & 3) * 8);
  words[length >> 2] |= 0x80 << (24 - (length & 3) * 8);
  words[words.length - 1] = length * 8;
  const h = H.slice();
  const w = new Int32Array(64);
  for (let j = 0; j < words.length; j += 16) {
    let [a, b, c, d, e, f, g, k] = h;
    for (let i = 0; i < 64; i++) {
      if (i < 16) w[i] = words[j + i];
      else {
        const x = w[i - 15];
        const y = w[i - 2];
        w[i] =
          w[i - 16] +
          (rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3)) +
          w[i - 7] +
          (rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10));
      }
      const t = k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
      k = g;
      g = f;
      f = e;
      e = (d + t) | 0;
      d = c;
      c = b;
      b = a;
      a = (t + (rotr(b, 2) ^ rotr(b, 13) ^ rotr(b, 22)) + ((b & c) ^ (b & d) ^ (c & d))) | 0;
    }
    h[0] = (h[0] + a) | 0;
    h[1] = (h[1] + b) | 0;
    h[2] = (h[2] + c) | 0;
    h[3] = (h[3] + d) | 0;
    h[4] = (h[4] + e) | 0;
    h[5] = (h[5] + f) | 0;
    h[6] = (h[6] + g) | 0;
    h[7] = (h[7] + k) | 0;
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
