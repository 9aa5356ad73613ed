/**
 * Exact arithmetic for the sufficient statistics. Values are kept as integers of 1/10,000 (four
 * decimal places), squares and products as integers of 1/10,000²; DynamoDB adds decimal numbers
 * exactly, so totals are the same whatever the order events arrive in, to the last digit.
 */

export const VALUE_DECIMALS = 4;
export const SCALE = 10n ** BigInt(VALUE_DECIMALS);
/** The largest magnitude a metric value may have; keeps every total within DynamoDB's 38 digits. */
export const MAX_VALUE = 1e9;

/** A metric value as an exact integer of 1/10,000, or a message saying why it cannot be one. */
export function toScaled(value: number): bigint | string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a finite number';
  if (Math.abs(value) > MAX_VALUE) return `must be between -${MAX_VALUE} and ${MAX_VALUE}`;
  const text = String(value);
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) {
    // Exponent notation here means a magnitude below 1e-6: more decimals than kept.
    return `must have at most ${VALUE_DECIMALS} decimal places`;
  }
  const fraction = m[3] ?? '';
  if (fraction.length > VALUE_DECIMALS) return `must have at most ${VALUE_DECIMALS} decimal places`;
  const digits = BigInt(m[2] + fraction.padEnd(VALUE_DECIMALS, '0'));
  return m[1] === '-' ? -digits : digits;
}

/** An exact integer of 10^-decimals as a decimal string, as DynamoDB stores numbers. */
export function formatScaled(n: bigint, decimals: number): string {
  const negative = n < 0n;
  const digits = (negative ? -n : n).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** Parses a decimal string (as DynamoDB returns numbers) into an exact integer of 10^-decimals. */
export function parseScaled(text: string, decimals: number): bigint {
  const m = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m) throw new RangeError(`not a decimal number: ${text}`);
  let whole = m[2] || '0';
  let fraction = m[3] ?? '';
  const exponent = Number(m[4] ?? 0);
  if (exponent > 0) {
    whole += fraction.slice(0, exponent).padEnd(exponent, '0');
    fraction = fraction.slice(exponent);
  } else if (exponent < 0) {
    fraction = whole.padStart(-exponent, '0').slice(whole.length + exponent) + fraction;
    whole = whole.slice(0, Math.max(0, whole.length + exponent)) || '0';
  }
  if (fraction.length > decimals && /[1-9]/.test(fraction.slice(decimals))) {
    throw new RangeError(`${text} has more than ${decimals} decimal places`);
  }
  const n = BigInt(whole + fraction.slice(0, decimals).padEnd(decimals, '0'));
  return m[1] === '-' ? -n : n;
}

/** A scaled total as a float, for the statistics engine. */
export function scaledToNumber(n: bigint, decimals: number): number {
  return Number(formatScaled(n, decimals));
}
