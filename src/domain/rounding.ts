/**
 * Python-compatible rounding.
 *
 * slo-generator rounds with Python's `round(x, n)`, which rounds the *exact* binary value of the double
 * half-to-even. `Math.round` and `toFixed` round ties away from zero (or up), so 0.25 → 0.3 in JS but 0.2 in
 * Python. Reports must match slo-generator bit for bit, so this module reimplements the exact algorithm with
 * BigInt arithmetic on the double's mantissa and exponent.
 */

const view = new DataView(new ArrayBuffer(8));

/** Decomposes a finite double into an exact `mantissa * 2^exponent` with an integer mantissa. */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const sign = hi >>> 31 ? -1n : 1n;
  const biased = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return { mantissa: sign * fraction, exponent: -1074 };
  return { mantissa: sign * (fraction | (1n << 52n)), exponent: biased - 1075 };
}

/**
 * Rounds `x` to `digits` decimal places exactly as Python 3's `round(x, digits)` does for floats:
 * round-half-even on the exact value, then the nearest double to the decimal result.
 * NaN and ±Infinity are returned unchanged, as Python does.
 */
export function pythonRound(x: number, digits = 0): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const { mantissa, exponent } = decompose(x);
  if (exponent >= 0) return x; // an integer already
  const scale = 10n ** BigInt(digits);
  const numerator = mantissa * scale;
  const denominator = 1n << BigInt(-exponent);
  const negative = numerator < 0n;
  const abs = negative ? -numerator : numerator;
  let quotient = abs / denominator;
  const twiceRemainder = (abs % denominator) * 2n;
  if (twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2n === 1n)) {
    quotient += 1n;
  }
  // Number(q) / 10^digits is one correctly rounded IEEE division while q < 2^53 and digits <= 22.
  const result = Number(quotient) / Number(scale);
  return negative ? -result : result;
}

/** Python's `int(x)` on a float: truncation toward zero. */
export function pythonInt(x: number): number {
  return Math.trunc(x);
}
