/**
 * Go's `time.ParseDuration`, exactly (Go 1.19 `time/format.go`): the duration syntax of slo-exporter rule
 * files and of the events they judge (Envoy writes `"<n>ns"` for this reason). It differs from the Prometheus
 * syntax of src/lang/duration.ts: a sequence of decimal numbers, each with an optional fraction and a
 * required unit (`ns`, `us`, `µs` U+00B5, `μs` U+03BC, `ms`, `s`, `m`, `h`; no `d`, case-sensitive), an
 * optional leading sign, `0` alone needs no unit. Results are int64 nanoseconds, so overflow is an error as in
 * Go, and fractions are converted through float64 exactly as Go does (`1.0000000001h` keeps Go's rounding).
 * Verified against real Go by test/lang/go-parse.differential.test.ts.
 */

const UNIT_NS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00b5s', 1_000n], // µ MICRO SIGN
  ['\u03bcs', 1_000n], // μ GREEK SMALL LETTER MU
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);
const TWO_63 = 1n << 63n;
const UINT64 = (1n << 64n) - 1n;

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * Nanoseconds of a Go duration string, or undefined where Go's `time.ParseDuration` returns an error.
 * int64 nanoseconds exceed the integers a number holds exactly (2^53 ns is about 104 days), so results of
 * 2^53 ns or more are bigints; `<` and `>` compare numbers and bigints exactly, as Go compares int64s.
 */
export function parseGoDuration(text: string): number | bigint | undefined {
  // Short texts have digit runs under 2^53: exact in number arithmetic unless a product grows too large.
  if (text.length <= 15) {
    const fast = parse(text, false);
    if (fast !== TOO_LARGE) return fast;
  }
  return parse(text, true) as bigint | undefined;
}

const TOO_LARGE = Symbol('too large for number arithmetic');
const SAFE = 2 ** 53;

/** One pass of Go's algorithm, in bigint arithmetic or in number arithmetic (giving up when inexact). */
function parse(text: string, big: boolean): number | bigint | undefined | typeof TOO_LARGE {
  let s = text;
  let negative = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return big ? 0n : 0;
  if (s === '') return undefined;
  let total = 0n;
  let totalNumber = 0;
  let i = 0;
  const n = s.length;
  while (i < n) {
    if (!(s[i] === '.' || isDigit(s.charCodeAt(i)))) return undefined;
    // [0-9]*: Go's leadingInt, an error past 2^63.
    const intStart = i;
    for (; i < n && isDigit(s.charCodeAt(i)); i++);
    const intEnd = i;
    const pre = intEnd !== intStart;
    // (\.[0-9]*)?: Go's leadingFraction, which stops accumulating precision instead of failing.
    let fracStart = i;
    let fracEnd = i;
    if (i < n && s[i] === '.') {
      i++;
      fracStart = i;
      for (; i < n && isDigit(s.charCodeAt(i)); i++);
      fracEnd = i;
    }
    if (!pre && fracEnd === fracStart) return undefined;
    const unitStart = i;
    for (; i < n && !(s[i] === '.' || isDigit(s.charCodeAt(i))); i++);
    if (i === unitStart) return undefined; // missing unit
    const unit = UNIT_NS.get(s.slice(unitStart, i));
    if (unit === undefined) return undefined;
    if (big) {
      let v = 0n;
      for (let k = intStart; k < intEnd; k++) {
        if (v > TWO_63 / 10n) return undefined;
        v = v * 10n + BigInt(s.charCodeAt(k) - 48);
        if (v > TWO_63) return undefined;
      }
      let f = 0n;
      let scale = 1;
      for (let k = fracStart; k < fracEnd; k++) {
        if (f > (TWO_63 - 1n) / 10n) break; // Go keeps skipping digits once precision is exhausted
        const y = f * 10n + BigInt(s.charCodeAt(k) - 48);
        if (y > TWO_63) break;
        f = y;
        scale *= 10;
      }
      if (v > TWO_63 / unit) return undefined;
      v *= unit;
      if (f > 0n) {
        // Go: v += uint64(float64(f) * (float64(unit) / scale)); both conversions round to nearest even.
        v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
        if (v > TWO_63) return undefined;
      }
      total = (total + v) & UINT64; // uint64 arithmetic, as in Go
      if (total > TWO_63) return undefined;
    } else {
      // Every digit run is at most 14 digits here, so v, f and scale are exact.
      const v = intEnd > intStart ? Number(s.slice(intStart, intEnd)) : 0;
      const f = fracEnd > fracStart ? Number(s.slice(fracStart, fracEnd)) : 0;
      const unitNs = Number(unit);
      let ns = v * unitNs;
      if (ns >= SAFE) return TOO_LARGE;
      if (f > 0) ns += Math.trunc(f * (unitNs / 10 ** (fracEnd - fracStart)));
      totalNumber += ns;
      if (totalNumber >= SAFE) return TOO_LARGE;
    }
  }
  if (big) {
    if (negative) return -total;
    return total > TWO_63 - 1n ? undefined : total;
  }
  return negative && totalNumber !== 0 ? -totalNumber : totalNumber;
}
