/**
 * Go's `strconv` for float64: `ParseFloat` and the shortest `FormatFloat` (`%v`). In domain/ because the Keptn
 * evaluator's criteria and messages need them; lang/go-float.ts and lang/go-template-fmt.ts re-export them.
 *
 * `strconv.ParseFloat(s, 64)`, exactly: rule files and events written for slo-exporter (Go) must mean the
 * same numbers here. JavaScript's `Number()` differs on many inputs: it trims spaces (`" 12"`), reads `""` as
 * 0, accepts `0x10` and `0b1`, rejects `1_000`, `inf` and `0x1p4`, and returns Infinity for `1e400` where Go
 * reports a range error.
 *
 * Accepted syntax (Go 1.19 `strconv/atof.go`, `readFloat` and `special`): an optional sign; `inf`,
 * `infinity` (any case, signed or not) or `nan` (any case, unsigned); decimal digits with an optional point
 * and an optional `e` exponent; hexadecimal `0x` mantissas that must carry a `p` (binary) exponent;
 * underscores only between digits or after a base prefix. Exponent digits stop accumulating once the
 * exponent reaches 10000 (Go's saturation, so `1` followed by 200000 zeros and `e-200000` overflows).
 * Decimal values are rounded correctly (Go and `Number()` both round to nearest even, so the canonical
 * digit string is handed to `Number()`); hexadecimal values are rounded by a port of Go's `atofHex`.
 * Verified against real Go by test/lang/go-parse.differential.test.ts.
 */

const MAX_MANT_DIGITS_HEX = 16; // 16 hex digits fill Go's uint64 mantissa
const UINT64 = (1n << 64n) - 1n;

/** The float64 Go's `strconv.ParseFloat(text, 64)` returns, or undefined where Go returns an error. */
export function parseGoFloat(text: string): number | undefined {
  const plain = plainDecimal(text);
  if (plain !== undefined) return plain;
  const special = parseSpecial(text);
  if (special !== undefined) return special;
  return readFloat(text);
}

/**
 * Fast path for the common case, digits with at most one point (`200`, `0.127`): Go and `Number()` read
 * those alike (both round correctly), so the full scan is not needed. Undefined for anything else.
 */
function plainDecimal(s: string): number | undefined {
  const n = s.length;
  if (n === 0 || n > 64) return undefined;
  let digits = 0;
  let dot = false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && !dot) dot = true;
    else return undefined;
  }
  return digits > 0 ? Number(s) : undefined;
}

const lower = (c: number) => c | 0x20;
const isDigit = (c: number) => c >= 48 && c <= 57;

/** `inf`, `infinity` (signed or not) and `nan`, only when they are the whole text. */
function parseSpecial(s: string): number | undefined {
  const n = s.length;
  if (n < 3 || n > 9) return undefined;
  let i = 0;
  let sign = 1;
  const c = s.charCodeAt(0);
  if (c === 43 || c === 45) {
    sign = c === 45 ? -1 : 1;
    i = 1;
  }
  const length = n - i;
  if ((length === 3 || length === 8) && sameLetters(s, i, length === 3 ? 'inf' : 'infinity'))
    return sign * Number.POSITIVE_INFINITY;
  if (i === 0 && length === 3 && sameLetters(s, 0, 'nan')) return Number.NaN;
  return undefined;
}

/** True when `s` from `at` spells `word` (lower case) in any case, ASCII only as in Go. */
function sameLetters(s: string, at: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) {
    let c = s.charCodeAt(at + k);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== word.charCodeAt(k)) return false;
  }
  return true;
}

/** Port of Go's readFloat + atof64 for finite syntax; undefined on a syntax or range error. */
function readFloat(s: string): number | undefined {
  const n = s.length;
  let i = 0;
  let negative = false;
  if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) {
    negative = s.charCodeAt(i) === 45;
    i++;
  }
  let base = 10;
  if (i + 2 < n && s.charCodeAt(i) === 48 && lower(s.charCodeAt(i + 1)) === 120) {
    base = 16;
    i += 2;
  }
  let underscores = false;
  let sawDot = false;
  let sawDigits = false;
  let nd = 0; // significant digits seen (leading zeros excluded)
  let dp = 0; // position of the decimal point, in digits
  const mantissaStart = i;
  let mantissa = 0n; // first 16 significant hex digits
  let ndMant = 0;
  let truncated = false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 95) {
      underscores = true;
      continue;
    }
    if (c === 46) {
      if (sawDot) break;
      sawDot = true;
      dp = nd;
      continue;
    }
    let value: number;
    if (isDigit(c)) value = c - 48;
    else if (base === 16 && lower(c) >= 97 && lower(c) <= 102) value = lower(c) - 87;
    else break;
    sawDigits = true;
    if (value === 0 && nd === 0) {
      dp--; // leading zeros move the point, they are not significant
      continue;
    }
    nd++;
    if (base === 16) {
      if (ndMant < MAX_MANT_DIGITS_HEX) {
        mantissa = mantissa * 16n + BigInt(value);
        ndMant++;
      } else if (value !== 0) truncated = true;
    }
  }
  if (!sawDigits) return undefined;
  const mantissaEnd = i;
  if (!sawDot) dp = nd;
  if (base === 16) {
    dp *= 4;
    ndMant *= 4;
  }
  let exponentDigits = 0;
  if (i < n && lower(s.charCodeAt(i)) === (base === 16 ? 112 : 101)) {
    i++;
    if (i >= n) return undefined;
    let sign = 1;
    if (s.charCodeAt(i) === 43) i++;
    else if (s.charCodeAt(i) === 45) {
      i++;
      sign = -1;
    }
    if (i >= n || !isDigit(s.charCodeAt(i))) return undefined;
    let e = 0;
    for (; i < n && (isDigit(s.charCodeAt(i)) || s.charCodeAt(i) === 95); i++) {
      const c = s.charCodeAt(i);
      if (c === 95) {
        underscores = true;
        continue;
      }
      exponentDigits++;
      if (e < 10000) e = e * 10 + (c - 48); // Go stops accumulating here
    }
    dp += e * sign;
  } else if (base === 16) {
    return undefined; // a hexadecimal mantissa needs a p exponent
  }
  if (i !== n) return undefined;
  if (underscores && !underscoreOK(s)) return undefined;
  if (base === 16) {
    const exp = mantissa !== 0n ? dp - ndMant : 0;
    return atofHex(mantissa, exp, negative, truncated);
  }
  let value: number;
  if (nd === 0) value = 0;
  else if (!underscores && exponentDigits <= 5) {
    // Plain decimal text whose exponent Go reads exactly: Number() reads the same value.
    value = Math.abs(Number(s));
  } else {
    // The significant digits (no point, underscores or leading zeros) as 0.ddd × 10^dp, dp as Go computed it.
    const digits = s.slice(mantissaStart, mantissaEnd).replace(/[._]/g, '').replace(/^0+/, '');
    value = Number(`0.${digits}e${dp}`);
  }
  if (value === Infinity) return undefined; // Go: value out of range
  return negative ? -value : value;
}

/** Go's underscoreOK: underscores only between digits, or between a base prefix and a digit. */
function underscoreOK(text: string): boolean {
  let s = text;
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes(String.fromCharCode(lower(s.charCodeAt(1))))) {
    i = 2;
    saw = '0';
    hex = lower(s.charCodeAt(1)) === 120;
  }
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c) || (hex && lower(c) >= 97 && lower(c) <= 102)) {
      saw = '0';
      continue;
    }
    if (c === 95) {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

const MANT_BITS = 52n;
const BIAS = -1023;
const MAX_EXP = (1 << 11) + BIAS - 2;
const MIN_EXP = BIAS + 1;

/** Port of Go's atofHex for float64: rounds mantissa * 2^exp to nearest even; undefined on overflow. */
function atofHex(mant: bigint, exp2: number, negative: boolean, truncated: boolean): number | undefined {
  let mantissa = mant;
  let exp = exp2 + Number(MANT_BITS);
  while (mantissa !== 0n && mantissa >> (MANT_BITS + 2n) === 0n) {
    mantissa = (mantissa << 1n) & UINT64;
    exp--;
  }
  if (truncated) mantissa |= 1n;
  while (mantissa >> (1n + MANT_BITS + 2n) !== 0n) {
    mantissa = (mantissa >> 1n) | (mantissa & 1n);
    exp++;
  }
  while (mantissa > 1n && exp < MIN_EXP - 2) {
    mantissa = (mantissa >> 1n) | (mantissa & 1n);
    exp++;
  }
  let round = mantissa & 3n;
  mantissa >>= 2n;
  round |= mantissa & 1n;
  exp += 2;
  if (round === 3n) {
    mantissa++;
    if (mantissa === 1n << (1n + MANT_BITS)) {
      mantissa >>= 1n;
      exp++;
    }
  }
  if (mantissa >> MANT_BITS === 0n) exp = BIAS; // subnormal or zero
  if (exp > MAX_EXP) return undefined;
  const bits =
    (mantissa & ((1n << MANT_BITS) - 1n)) | (BigInt(exp - BIAS) << MANT_BITS) | (negative ? 1n << 63n : 0n);
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, bits);
  return view.getFloat64(0);
}

/** Go's `strconv.FormatFloat(f, 'g', -1, 64)` as `%v` prints a float64. */
export function formatFloatShortest(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Number.POSITIVE_INFINITY) return '+Inf';
  if (f === Number.NEGATIVE_INFINITY) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mant, expText] = Math.abs(f).toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const digits = mant.replace('.', '');
  const sign = f < 0 ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp >= digits.length - 1) return `${sign}${digits}${'0'.repeat(exp - digits.length + 1)}`;
  if (exp >= 0) return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
}
