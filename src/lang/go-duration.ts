/**
 * Go's `time.ParseDuration`, exactly (Go 1.19 `time/format.go`): the duration syntax of slo-exporter rule
 * files and of the events they judge (Envoy writes `"<n>ns"` for this reason). It differs from the Prometheus
 * syntax of src/lang/duration.ts: a sequence of decimal numbers, each with an optional fraction and a
 * required unit (`ns`, `us`, `µs` U+00B5, `μs` U+03BC, `ms`, `s`, `m`, `h`; no `d`, case-sensitive), an
 * optional leading sign, `0` alone needs no unit. Results are int64 nanoseconds, so overflow is an error as in
 * Go, and fractions are converted through float64 exactly as Go does (`1.0000000001h` keeps Go's rounding).
 * Verified against real Go by test/lang/go-parse.differential.test.ts.
 */

/**
 * Nanoseconds of the unit `s.slice(start, end)`, or 0 for an unknown unit: `ns`, `us`, `µs` (U+00B5 MICRO
 * SIGN), `μs` (U+03BC GREEK SMALL LETTER MU), `ms`, `s`, `m`, `h`. Read from character codes, without slicing.
 */
function unitNs(s: string, start: number, end: number): number {
  const c0 = s.charCodeAt(start);
  if (end - start === 1) return c0 === 115 ? 1e9 : c0 === 109 ? 6e10 : c0 === 104 ? 3.6e12 : 0; // s m h
  if (end - start !== 2 || s.charCodeAt(start + 1) !== 115) return 0; // every other unit ends in "s"
  if (c0 === 110) return 1; // ns
  if (c0 === 117 || c0 === 0xb5 || c0 === 0x3bc) return 1e3; // us µs μs
  return c0 === 109 ? 1e6 : 0; // ms
}
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
function parse(s: string, big: boolean): number | bigint | undefined | typeof TOO_LARGE {
  const n = s.length;
  let i = 0;
  let negative = false;
  if (n > 0 && (s.charCodeAt(0) === 45 || s.charCodeAt(0) === 43)) {
    negative = s.charCodeAt(0) === 45;
    i = 1;
  }
  if (n - i === 1 && s.charCodeAt(i) === 48) return big ? 0n : 0; // "0"
  if (i === n) return undefined;
  let total = 0n;
  let totalNumber = 0;
  while (i < n) {
    if (!(s.charCodeAt(i) === 46 || isDigit(s.charCodeAt(i)))) return undefined;
    // [0-9]*: Go's leadingInt, an error past 2^63.
    const intStart = i;
    for (; i < n && isDigit(s.charCodeAt(i)); i++);
    const intEnd = i;
    // (\.[0-9]*)?: Go's leadingFraction, which stops accumulating precision instead of failing.
    let fracStart = i;
    let fracEnd = i;
    if (i < n && s.charCodeAt(i) === 46) {
      i++;
      fracStart = i;
      for (; i < n && isDigit(s.charCodeAt(i)); i++);
      fracEnd = i;
    }
    if (intEnd === intStart && fracEnd === fracStart) return undefined; // no digits, e.g. ".s"
    const unitStart = i;
    for (; i < n && !(s.charCodeAt(i) === 46 || isDigit(s.charCodeAt(i))); i++);
    if (i === unitStart) return undefined; // missing unit
    const unit = unitNs(s, unitStart, i);
    if (unit === 0) return undefined; // unknown unit
    if (big) {
      const bigUnit = BigInt(unit);
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
      if (v > TWO_63 / bigUnit) return undefined;
      v *= bigUnit;
      if (f > 0n) {
        // Go: v += uint64(float64(f) * (float64(unit) / scale)); both conversions round to nearest even.
        v += BigInt(Math.trunc(Number(f) * (unit / scale)));
        if (v > TWO_63) return undefined;
      }
      total = (total + v) & UINT64; // uint64 arithmetic, as in Go
      if (total > TWO_63) return undefined;
    } else {
      // Every digit run is at most 14 digits here, so v, f and scale are exact.
      let v = 0;
      for (let k = intStart; k < intEnd; k++) v = v * 10 + (s.charCodeAt(k) - 48);
      let f = 0;
      let scale = 1;
      for (let k = fracStart; k < fracEnd; k++) {
        f = f * 10 + (s.charCodeAt(k) - 48);
        scale *= 10;
      }
      let ns = v * unit;
      if (ns >= SAFE) return TOO_LARGE;
      if (f > 0) ns += Math.trunc(f * (unit / scale));
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
