/**
 * Python's `repr()`/`str()` of a float, which slo-generator's messages and PromQL text contain: shortest
 * round-trip digits like JavaScript, but `1.0` for integral values, exponents from 1e16 and below 1e-4
 * written `1e-05`, and `inf`/`nan`.
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = x.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const text = String(x); // fixed notation in this range, shortest digits
  return /[.e]/.test(text) ? text : `${text}.0`;
}
