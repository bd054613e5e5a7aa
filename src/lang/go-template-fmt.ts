/**
 * Go values as templates see them, and Go's `fmt` printing of them (Go 1.19 `fmt`): `%v` formatting,
 * `Sprint`, `Sprintln` and `Sprintf` with the verbs templates use.
 *
 * Value model: `undefined` = no value (missing map key), `null` = nil, string, boolean, `number` = float64,
 * `bigint` = int, arrays = `[]interface{}`, plain objects = `map[string]interface{}`, {@link GoTime} =
 * `time.Time`.
 */

import { formatFloatShortest } from '../domain/go-float.js';

/** A Go `int64` (sprig arithmetic results, int64 data such as Iter8's `elapsedTimeSeconds`). */
export class GoInt64 {
  constructor(readonly value: bigint) {}
}

/** The integer of a Go `int` (bigint) or `int64` value; undefined for other values. */
export const intValue = (v: GoValue): bigint | undefined =>
  typeof v === 'bigint' ? v : v instanceof GoInt64 ? v.value : undefined;

/** A `time.Time` (UTC; milliseconds since the Unix epoch). */
export class GoTime {
  constructor(readonly ms: number) {}
}

export type GoValue =
  | undefined
  | null
  | string
  | boolean
  | number
  | bigint
  | GoInt64
  | GoTime
  | GoValue[]
  | { [key: string]: GoValue };

export type GoMap = { [key: string]: GoValue };

export const isMap = (v: GoValue): v is GoMap =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  !(v instanceof GoTime) &&
  !(v instanceof GoInt64);

/** Go's type name of a value as `fmt` prints it in `%!verb(type=value)`. */
export function typeName(v: GoValue): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'bigint') return 'int';
  if (v instanceof GoInt64) return 'int64';
  if (v instanceof GoTime) return 'time.Time';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

// Moved to domain/ (the Keptn evaluator's messages print floats as Go's %v does); re-exported for go-yaml.
export { formatFloatShortest };

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Go's `time.Time.String()` for a UTC time (without monotonic reading). */
export function formatTimeString(t: GoTime): string {
  const d = new Date(t.ms);
  const frac = d.getUTCMilliseconds()
    ? `.${String(d.getUTCMilliseconds()).padStart(3, '0')}`.replace(/0+$/, '')
    : '';
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(
    d.getUTCMinutes(),
  )}:${pad2(d.getUTCSeconds())}${frac} +0000 UTC`;
}

/** `%v` of a value (Go's fmt with `%v`; floats with `g` shortest). */
export function formatV(v: GoValue): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return formatFloatShortest(v);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof GoInt64) return v.value.toString();
  if (v instanceof GoTime) return formatTimeString(v);
  if (Array.isArray(v)) return `[${v.map((e) => formatV(e)).join(' ')}]`;
  const keys = Object.keys(v).sort(compareGoStrings);
  return `map[${keys.map((k) => `${k}:${formatV(v[k])}`).join(' ')}]`;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Go's string order (bytes of UTF-8), which is code point order. JS `<` compares UTF-16 units, which agrees
 * except between a surrogate pair and a unit from U+E000 up, so only those strings take the slow path.
 */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : 1;
  const ca = [...a].map((c) => c.codePointAt(0)!);
  const cb = [...b].map((c) => c.codePointAt(0)!);
  for (let k = 0; k < Math.min(ca.length, cb.length); k++) if (ca[k] !== cb[k]) return ca[k]! - cb[k]!;
  return ca.length - cb.length;
}

/** Go's `fmt.Sprint`: spaces between operands when neither side is a string. */
export function sprint(args: GoValue[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatV(a);
  });
  return out;
}

/** Go's `fmt.Sprintln`: operands always separated by spaces, then a newline. */
export function sprintln(args: GoValue[]): string {
  return `${args.map((a) => formatV(a)).join(' ')}\n`;
}

/** Go's `strconv.Quote` (printable runes kept, others escaped). */
export function quoteGo(s: string, quote = '"'): string {
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (cp === 7) out += '\\a';
    else if (cp === 8) out += '\\b';
    else if (cp === 12) out += '\\f';
    else if (cp === 10) out += '\\n';
    else if (cp === 13) out += '\\r';
    else if (cp === 9) out += '\\t';
    else if (cp === 11) out += '\\v';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (/[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch) || cp === 0x20) out += ch;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}${quote}`;
}

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number | undefined;
  prec: number | undefined;
}

function padTo(s: string, spec: Spec, allowZero = true): string {
  if (spec.width === undefined || [...s].length >= spec.width) return s;
  const n = spec.width - [...s].length;
  if (spec.minus) return s + ' '.repeat(n);
  if (spec.zero && allowZero) {
    const sign = /^[+\- ]/.test(s) ? s[0]! : '';
    return sign + '0'.repeat(n) + s.slice(sign.length);
  }
  return ' '.repeat(n) + s;
}

function signed(s: string, negative: boolean, spec: Spec): string {
  if (negative) return `-${s}`;
  if (spec.plus) return `+${s}`;
  if (spec.space) return ` ${s}`;
  return s;
}

function formatInt(v: bigint, verb: string, spec: Spec): string {
  const neg = v < 0n;
  const abs = neg ? -v : v;
  let digits: string;
  switch (verb) {
    case 'd':
    case 'v':
      digits = abs.toString();
      break;
    case 'x':
      digits = abs.toString(16);
      if (spec.sharp) digits = `0x${digits}`;
      break;
    case 'X':
      digits = abs.toString(16).toUpperCase();
      if (spec.sharp) digits = `0X${digits}`;
      break;
    case 'o':
      digits = abs.toString(8);
      if (spec.sharp) digits = `0${digits}`;
      break;
    case 'b':
      digits = abs.toString(2);
      break;
    default:
      digits = abs.toString();
  }
  if (spec.prec !== undefined) {
    if (spec.prec === 0 && v === 0n) digits = '';
    else digits = digits.padStart(spec.prec, '0');
    return padTo(signed(digits, neg, spec), spec, false);
  }
  return padTo(signed(digits, neg, spec), spec, !spec.minus);
}

function formatFloat(f: number, verb: string, spec: Spec): string {
  if (!Number.isFinite(f)) {
    const s = Number.isNaN(f) ? 'NaN' : f > 0 ? (spec.plus ? '+Inf' : spec.space ? ' Inf' : 'Inf') : '-Inf';
    const r = Number.isNaN(f) ? (spec.plus ? '+NaN' : spec.space ? ' NaN' : 'NaN') : s;
    return padTo(r, spec, false);
  }
  const neg = f < 0 || Object.is(f, -0);
  const a = Math.abs(f);
  let s: string;
  switch (verb) {
    case 'f':
    case 'F':
      s = toFixedExact(a, spec.prec ?? 6);
      break;
    case 'e':
    case 'E': {
      s = toExponentialExact(a, spec.prec ?? 6);
      if (verb === 'E') s = s.toUpperCase();
      break;
    }
    case 'g':
    case 'G':
    case 'v': {
      if (spec.prec === undefined) s = formatFloatShortest(a);
      else {
        const p = spec.prec === 0 ? 1 : spec.prec;
        const [, expText] = toExponentialExact(a, p - 1).split('e') as [string, string];
        const exp = Number(expText);
        if (exp < -4 || exp >= p) s = toExponentialExact(a, p - 1);
        else s = toFixedExact(a, Math.max(p - 1 - exp, 0));
        if (!spec.sharp && s.includes('.')) s = s.replace(/(\.\d*?)0+(e|$)/, '$1$2').replace(/\.(e|$)/, '$1');
      }
      if (verb === 'G') s = s.toUpperCase();
      break;
    }
    default:
      s = String(a);
  }
  return padTo(signed(s, neg, spec), spec, !spec.minus);
}

/**
 * The exact decimal expansion of a finite non-negative float64: `value = 0.digits × 10^point`. Go rounds
 * `%f`/`%e` ties to even on this exact value; JS `toFixed` rounds ties up, hence this.
 */
function exactDecimal(a: number): { digits: string; point: number } {
  if (a === 0) return { digits: '0', point: 1 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, a);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let exp = biased - 1075;
  if (biased === 0) exp = -1074;
  else mant |= 1n << 52n;
  if (exp >= 0) {
    const digits = (mant << BigInt(exp)).toString();
    return { digits, point: digits.length };
  }
  const digits = (mant * 5n ** BigInt(-exp)).toString();
  return { digits, point: digits.length + exp };
}

/** Rounds `0.digits × 10^point` to `keep` significant digits, half to even; returns the new digits and point. */
function roundDigits(digits: string, point: number, keep: number): { digits: string; point: number } {
  if (keep < 0) return { digits: '0', point };
  if (digits.length <= keep) return { digits: digits.padEnd(keep, '0'), point };
  const head = digits.slice(0, keep);
  const rest = digits.slice(keep);
  const half = rest[0]! > '5' || (rest[0] === '5' && /[1-9]/.test(rest.slice(1)));
  const tie = rest[0] === '5' && !/[1-9]/.test(rest.slice(1));
  const odd = head.length > 0 && Number(head[head.length - 1]) % 2 === 1;
  if (!(half || (tie && odd))) return { digits: head, point };
  if (head === '') return { digits: '1', point: point + 1 };
  const up = (BigInt(head) + 1n).toString();
  return up.length > head.length ? { digits: up.slice(0, keep), point: point + 1 } : { digits: up, point };
}

/** `%.{prec}f` of a non-negative float64, rounded as Go does. */
function toFixedExact(a: number, prec: number): string {
  const { digits, point } = exactDecimal(a);
  const r = roundDigits(digits, point, point + prec);
  let ds = r.digits;
  const p = r.point;
  if (ds === '0' || ds === '') ds = '';
  const intPart = p > 0 ? ds.slice(0, p).padEnd(p, '0') : '0';
  const frac = p >= 0 ? ds.slice(p) : '0'.repeat(-p) + ds;
  const fracPadded = frac.padEnd(prec, '0').slice(0, prec);
  return prec > 0 ? `${intPart || '0'}.${fracPadded}` : intPart || '0';
}

/** `%.{prec}e` of a non-negative float64, rounded as Go does (at least two exponent digits). */
function toExponentialExact(a: number, prec: number): string {
  if (a === 0) return `0${prec > 0 ? `.${'0'.repeat(prec)}` : ''}e+00`;
  const { digits, point } = exactDecimal(a);
  const lead = digits.search(/[1-9]/);
  const r = roundDigits(digits.slice(lead), point - lead, prec + 1);
  const exp = r.point - 1;
  const m = prec > 0 ? `${r.digits[0]}.${r.digits.slice(1)}` : r.digits[0];
  return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** Go's wrong-verb notation: the value is printed with `%v` under the same flags, width and precision. */
function badVerb(verb: string, v: GoValue, spec: Spec): string {
  if (v === undefined || v === null) return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeName(v)}=${formatOne(v, 'v', spec)})`;
}

function formatOne(v: GoValue, verb: string, spec: Spec): string {
  if (verb === 'T') return padTo(typeName(v), spec, false);
  if (v === undefined || v === null) {
    return verb === 'v' ? padTo('<nil>', spec, false) : badVerb(verb, v, spec);
  }
  // Elements of slices and maps take the verb and flags one by one; a nil element prints `<nil>`.
  const element = (e: GoValue) =>
    e === undefined || e === null ? padTo('<nil>', spec, false) : formatOne(e, verb, spec);
  if (Array.isArray(v)) return `[${v.map(element).join(' ')}]`;
  if (isMap(v)) {
    const keys = Object.keys(v).sort(compareGoStrings);
    return `map[${keys.map((k) => `${element(k)}:${element(v[k])}`).join(' ')}]`;
  }
  if (typeof v === 'string') {
    switch (verb) {
      case 'v':
      case 's':
        return padTo(spec.prec === undefined ? v : [...v].slice(0, spec.prec).join(''), spec, false);
      case 'q':
        return padTo(quoteGo(spec.prec === undefined ? v : [...v].slice(0, spec.prec).join('')), spec, false);
      case 'x':
      case 'X': {
        const bytes = [...Buffer.from(v)].map((b) => b.toString(16).padStart(2, '0'));
        const hex = bytes.join(spec.space ? ' ' : '');
        return padTo(verb === 'X' ? hex.toUpperCase() : hex, spec, false);
      }
      default:
        return badVerb(verb, v, spec);
    }
  }
  if (typeof v === 'boolean') {
    return verb === 'v' || verb === 't' ? padTo(v ? 'true' : 'false', spec, false) : badVerb(verb, v, spec);
  }
  const int = intValue(v);
  if (int !== undefined) {
    if ('vdxXob'.includes(verb)) return formatInt(int, verb, spec);
    const rune = int >= 0n && int <= 0x10ffffn && !(int >= 0xd800n && int < 0xe000n) ? Number(int) : 0xfffd;
    if (verb === 'c') return padTo(String.fromCodePoint(rune), spec, false);
    if (verb === 'q') return padTo(quoteGo(String.fromCodePoint(rune), "'"), spec, false);
    if (verb === 'U') return padTo(`U+${int.toString(16).toUpperCase().padStart(4, '0')}`, spec, false);
    return badVerb(verb, v, spec);
  }
  if (typeof v === 'number') {
    if ('vfFeEgG'.includes(verb)) return formatFloat(v, verb, spec);
    return badVerb(verb, v, spec);
  }
  return verb === 'v' || verb === 's' ? padTo(formatV(v), spec, false) : badVerb(verb, v, spec);
}

/** Go's `fmt.Sprintf(format, args...)` for the value model above, with Go's error notations. */
export function sprintf(format: string, args: GoValue[]): string {
  let out = '';
  let argIndex = 0;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct === -1) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = {
      minus: false,
      plus: false,
      sharp: false,
      space: false,
      zero: false,
      width: undefined,
      prec: undefined,
    };
    for (; i < format.length; i++) {
      const c = format[i];
      if (c === '-') spec.minus = true;
      else if (c === '+') spec.plus = true;
      else if (c === '#') spec.sharp = true;
      else if (c === ' ') spec.space = true;
      else if (c === '0') spec.zero = !spec.minus;
      else break;
    }
    const num = /^\d+/.exec(format.slice(i));
    if (num) {
      spec.width = Number(num[0]);
      i += num[0].length;
    }
    if (format[i] === '.') {
      i++;
      const p = /^\d+/.exec(format.slice(i));
      spec.prec = p ? Number(p[0]) : 0;
      if (p) i += p[0].length;
    }
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argIndex >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatOne(args[argIndex++], verb, spec);
  }
  if (argIndex < args.length) {
    out += `%!(EXTRA ${args
      .slice(argIndex)
      .map((a) => (a === undefined || a === null ? '<nil>' : `${typeName(a)}=${formatV(a)}`))
      .join(', ')})`;
  }
  return out;
}
