/**
 * The functions Go templates can call: Go 1.19 `text/template` builtins and the subset of Masterminds sprig
 * v3 (`TxtFuncMap`) that Iter8 provider files use, plus Iter8's own `toYaml` (src/lang/go-yaml.ts). Each function declares its Go parameter kinds, so the
 * executor converts and checks arguments as Go's reflection does:
 * - `value`: a `reflect.Value` parameter (builtins); a missing value arrives as `undefined`;
 * - `any`: `interface{}`; missing and nil arrive as `null`;
 * - `string`, `bool`: the Go basic type; anything else is an execution error;
 * - `map`: `map[string]interface{}`; missing arrives as `null` (a nil map).
 * A function reports a Go error by throwing {@link FuncError}.
 */
import {
  compareGoStrings,
  formatV,
  GoInt64,
  type GoMap,
  GoTime,
  type GoValue,
  intValue,
  isMap,
  quoteGo,
  sprint,
  sprintf,
  sprintln,
} from './go-template-fmt.js';
import { parseGoInt } from './go-template-parse.js';
import { toYaml } from './go-yaml.js';

export type ParamKind = 'value' | 'any' | 'string' | 'bool' | 'map';

/** A Go error returned (or a panic raised) by a template function. */
export class FuncError extends Error {}

/** A template function: fixed parameters, an optional variadic one, and the implementation. */
export interface GoFunc {
  params: ParamKind[];
  variadic?: ParamKind;
  call: (args: GoValue[]) => GoValue;
}

const fn = (params: ParamKind[], call: GoFunc['call'], variadic?: ParamKind): GoFunc =>
  variadic === undefined ? { params, call } : { params, call, variadic };

/** Go's truth of a value in `if`, `with`, `and`, `or`, `not` (text/template `isTrue`). */
export function truth(v: GoValue): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string') return v.length > 0;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (v instanceof GoInt64) return v.value !== 0n;
  if (v instanceof GoTime) return true;
  if (Array.isArray(v)) return v.length > 0;
  return Object.keys(v).length > 0;
}

type BasicKind = 'bool' | 'int' | 'float' | 'string' | 'invalid';

function basicKind(v: GoValue): BasicKind {
  if (typeof v === 'boolean') return 'bool';
  if (intValue(v) !== undefined) return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'string';
  return 'invalid';
}

const isNilish = (v: GoValue) => v === undefined || v === null;

function eq(args: GoValue[]): boolean {
  const [a, ...rest] = args;
  if (rest.length === 0) throw new FuncError('missing argument for comparison');
  const k1 = basicKind(a);
  for (const b of rest) {
    const k2 = basicKind(b);
    let same = false;
    if (k1 !== k2) {
      if (!isNilish(a) && !isNilish(b)) throw new FuncError('incompatible types for comparison');
    } else if (k1 === 'int') {
      same = intValue(a) === intValue(b);
    } else if (k1 !== 'invalid') {
      same = a === b;
    } else if (isNilish(a) || isNilish(b)) {
      same = isNilish(a) === isNilish(b);
    } else if (a instanceof GoTime && b instanceof GoTime) {
      same = a.ms === b.ms;
    } else {
      const kindOfA = Array.isArray(a) ? 'slice' : a instanceof GoTime ? 'struct' : 'map';
      const kindOfB = Array.isArray(b) ? 'slice' : b instanceof GoTime ? 'struct' : 'map';
      throw new FuncError(kindOfA === kindOfB ? 'non-comparable type' : 'non-comparable types');
    }
    if (same) return true;
  }
  return false;
}

function lt(a: GoValue, b: GoValue): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'invalid' || k2 === 'invalid') throw new FuncError('invalid type for comparison');
  if (k1 !== k2) throw new FuncError('incompatible types for comparison');
  if (k1 === 'bool') throw new FuncError('invalid type for comparison');
  if (k1 === 'string') return compareGoStrings(a as string, b as string) < 0;
  if (k1 === 'int') return intValue(a)! < intValue(b)!;
  return (a as number) < (b as number);
}

const le = (a: GoValue, b: GoValue) => lt(a, b) || eq([a, b]);

/** html/js/urlquery argument rule: one string is used as is, otherwise `fmt.Sprint` of all. */
const evalArgs = (args: GoValue[]) =>
  args.length === 1 && typeof args[0] === 'string'
    ? args[0]
    : sprint(args.map((a) => (a === undefined || a === null ? '<no value>' : a)));

function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) =>
    c === '\0'
      ? '\uFFFD'
      : c === '"'
        ? '&#34;'
        : c === "'"
          ? '&#39;'
          : c === '&'
            ? '&amp;'
            : c === '<'
              ? '&lt;'
              : '&gt;',
  );
}

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\\' || ch === "'" || ch === '"') out += `\\${ch}`;
    else if (ch === '<' || ch === '>' || ch === '&' || ch === '=')
      out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    else if (cp < 0x20) out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    else if (cp < 0x80 || /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch) || ch === ' ') out += ch;
    else out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}

/** Go's `url.QueryEscape`. */
export function queryEscape(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s)) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function indexArg(index: GoValue, cap: number): number {
  if (isNilish(index)) throw new FuncError('cannot index slice/array with nil');
  const x = intValue(index);
  if (x === undefined) throw new FuncError('cannot index slice/array with type');
  if (x < 0n || x > BigInt(cap)) throw new FuncError(`index out of range: ${x}`);
  return Number(x);
}

function index(args: GoValue[]): GoValue {
  let [item, ...indexes] = args;
  if (isNilish(item)) throw new FuncError('index of untyped nil');
  for (const ix of indexes) {
    if (item === null) throw new FuncError('index of nil pointer');
    if (typeof item === 'string' || Array.isArray(item)) {
      const len: number = typeof item === 'string' ? Buffer.byteLength(item) : item.length;
      const x = indexArg(ix, len);
      if (x === len) throw new FuncError(`index out of range: ${x}`);
      item = typeof item === 'string' ? BigInt(Buffer.from(item)[x]!) : item[x];
    } else if (isMap(item)) {
      if (isNilish(ix)) throw new FuncError('value is nil; should be of type string');
      if (typeof ix !== 'string') throw new FuncError('value has wrong type; should be string');
      item = Object.hasOwn(item, ix) ? item[ix] : null;
    } else throw new FuncError("can't index item of this type");
  }
  return item;
}

/** sprig's `slice` (it replaces the builtin in `TxtFuncMap`): lists only, indexes through cast.ToInt. */
function slice(args: GoValue[]): GoValue {
  const [list, ...indexes] = args;
  if (!Array.isArray(list)) throw new FuncError(`list should be type of slice or array but ${kindOf(list)}`);
  if (list.length === 0) return null;
  const start = indexes.length > 0 ? Number(toInt64(indexes[0])) : 0;
  const end = indexes.length > 1 ? Number(toInt64(indexes[1])) : list.length;
  if (start < 0 || end < start || end > list.length)
    throw new FuncError('runtime error: slice bounds out of range');
  return list.slice(start, end);
}

/** Go's builtin `len`: bytes of a string, elements of a slice or map. */
function length(v: GoValue): GoValue {
  if (isNilish(v)) throw new FuncError('len of nil pointer');
  if (typeof v === 'string') return BigInt(Buffer.byteLength(v));
  if (Array.isArray(v)) return BigInt(v.length);
  if (isMap(v)) return BigInt(Object.keys(v).length);
  throw new FuncError('len of type');
}

// ---- sprig ----

/** sprig's `strval`: a string as is, anything else (nil too) as fmt's `%v` prints it. */
const strval = (v: GoValue): string => (typeof v === 'string' ? v : formatV(v ?? null));

/** sprig's `empty`. */
export function empty(v: GoValue): boolean {
  if (isNilish(v)) return true;
  if (v instanceof GoTime) return false;
  return !truth(v);
}

/** spf13/cast `ToInt64` with errors read as 0, as sprig's arithmetic uses it. */
function toInt64(v: GoValue): bigint {
  const int = intValue(v);
  if (int !== undefined) return int;
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || Math.abs(v) >= 2 ** 63) return -(2n ** 63n); // amd64's conversion result
    return BigInt(Math.trunc(v));
  }
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string') return parseGoInt(trimZeroDecimal(v)) ?? 0n;
  return 0n;
}

/** cast's trimZeroDecimal: `12.000` → `12`; anything else unchanged. */
function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === '.') return foundZero ? s.slice(0, i - 1) : s;
    if (c !== '0') return s;
    foundZero = true;
  }
  return s;
}

const wrap64 = (v: bigint) => new GoInt64(BigInt.asIntN(64, v));

function kindOf(v: GoValue): string {
  if (isNilish(v)) return 'invalid';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'bigint') return 'int';
  if (v instanceof GoInt64) return 'int64';
  if (v instanceof GoTime) return 'struct';
  return Array.isArray(v) ? 'slice' : 'map';
}

function strslice(v: GoValue): string[] {
  if (Array.isArray(v)) return v.filter((e) => e !== null && e !== undefined).map(strval);
  if (isNilish(v)) return [];
  return [strval(v)];
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Go's `base64.StdEncoding.DecodeString` (a port of `decodeQuantum`: padding required, `\r` and `\n` skipped);
 * sprig's b64dec answers Go's error text instead of failing.
 */
function b64dec(s: string): string {
  const src = Buffer.from(s);
  const out: number[] = [];
  const corrupt = (at: number) => `illegal base64 data at input byte ${at}`;
  const isNewline = (b: number | undefined) => b === 10 || b === 13;
  let si = 0;
  while (si < src.length) {
    const buf = [0, 0, 0, 0];
    let dlen = 4;
    let trailing: string | undefined;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Buffer.from(out).toString();
        return corrupt(si - j);
      }
      const c = src[si++]!;
      const value = B64.indexOf(String.fromCharCode(c));
      if (value !== -1) {
        buf[j] = value;
        continue;
      }
      if (isNewline(c)) {
        j--;
        continue;
      }
      if (c !== 61 || j < 2) return corrupt(si - 1); // 61 is '='
      if (j === 2) {
        while (si < src.length && isNewline(src[si])) si++;
        if (si === src.length) return corrupt(src.length);
        if (src[si] !== 61) return corrupt(si - 1);
        si++;
      }
      while (si < src.length && isNewline(src[si])) si++;
      if (si < src.length) trailing = corrupt(si);
      dlen = j;
      break;
    }
    const value = (buf[0]! << 18) | (buf[1]! << 12) | (buf[2]! << 6) | buf[3]!;
    out.push(...[(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff].slice(0, dlen - 1));
    if (trailing !== undefined) return trailing;
  }
  return Buffer.from(out).toString();
}

/** Go's `encoding/json` Marshal (sorted keys, HTML-safe escapes); sprig's toJson yields "" on error. */
function toJson(v: GoValue): string {
  const enc = (x: GoValue): string => {
    if (x === undefined || x === null) return 'null';
    if (typeof x === 'string') return jsonString(x);
    if (typeof x === 'boolean') return x ? 'true' : 'false';
    if (typeof x === 'bigint') return x.toString();
    if (x instanceof GoInt64) return x.value.toString();
    if (typeof x === 'number') {
      if (!Number.isFinite(x)) throw new FuncError('unsupported value');
      return Object.is(x, -0) ? '-0' : JSON.stringify(x);
    }
    if (x instanceof GoTime) return jsonString(new Date(x.ms).toISOString().replace(/\.000Z$/, 'Z'));
    if (Array.isArray(x)) return `[${x.map(enc).join(',')}]`;
    const keys = Object.keys(x).sort(compareGoStrings);
    return `{${keys.map((k) => `${jsonString(k)}:${enc(x[k])}`).join(',')}}`;
  };
  try {
    return enc(v);
  } catch {
    return '';
  }
}

function jsonString(s: string): string {
  return JSON.stringify(s)
    .replace(/[<>&\u2028\u2029\b\f]/g, (c) =>
      c === '\b' ? '\\u0008' : c === '\f' ? '\\u000c' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    )
    .replace(/\\[bf]/g, (e) => (e === '\\b' ? '\\u0008' : '\\u000c'));
}

/** Go's strings.ToUpper/ToLower with simple (one rune to one rune) case mapping. */
function mapCase(s: string, upper: boolean): string {
  let out = '';
  for (const ch of s) {
    // U+0130 is the one letter whose full lower case (JS) is two runes but whose simple one (Go) is `i`.
    const m = upper ? ch.toUpperCase() : ch === '\u0130' ? 'i' : ch.toLowerCase();
    out += [...m].length === 1 ? m : ch;
  }
  return out;
}

/** Go's time layout formatting (the reference-time tokens templates use), in UTC. */
function formatDate(layout: string, t: GoTime): string {
  const d = new Date(t.ms);
  const months = [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ];
  const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  const p2 = (n: number) => String(n).padStart(2, '0');
  const h = d.getUTCHours();
  const tokens: [string, () => string][] = [
    ['January', () => months[d.getUTCMonth()]!],
    ['Jan', () => months[d.getUTCMonth()]!.slice(0, 3)],
    ['Monday', () => days[d.getUTCDay()]!],
    ['Mon', () => days[d.getUTCDay()]!.slice(0, 3)],
    ['MST', () => 'UTC'],
    ['2006', () => String(d.getUTCFullYear()).padStart(4, '0')],
    ['Z07:00', () => 'Z'],
    ['Z0700', () => 'Z'],
    ['Z07', () => 'Z'],
    ['-07:00', () => '+00:00'],
    ['-0700', () => '+0000'],
    ['-07', () => '+00'],
    ['.000', () => `.${String(d.getUTCMilliseconds()).padStart(3, '0')}`],
    ['01', () => p2(d.getUTCMonth() + 1)],
    ['02', () => p2(d.getUTCDate())],
    ['03', () => p2(h % 12 === 0 ? 12 : h % 12)],
    ['04', () => p2(d.getUTCMinutes())],
    ['05', () => p2(d.getUTCSeconds())],
    ['06', () => p2(d.getUTCFullYear() % 100)],
    ['_2', () => String(d.getUTCDate()).padStart(2, ' ')],
    ['15', () => p2(h)],
    ['PM', () => (h >= 12 ? 'PM' : 'AM')],
    ['pm', () => (h >= 12 ? 'pm' : 'am')],
    ['1', () => String(d.getUTCMonth() + 1)],
    ['2', () => String(d.getUTCDate())],
    ['3', () => String(h % 12 === 0 ? 12 : h % 12)],
    ['4', () => String(d.getUTCMinutes())],
    ['5', () => String(d.getUTCSeconds())],
  ];
  let out = '';
  for (let i = 0; i < layout.length; ) {
    const tok = tokens.find(([k]) => layout.startsWith(k, i));
    if (tok) {
      out += tok[1]();
      i += tok[0].length;
    } else out += layout[i++];
  }
  return out;
}

/** `and`/`or` never reach their `call`: the executor evaluates them lazily (Go 1.18+ short-circuit). */
function evaluatedByExecutor(): never {
  throw new Error('and/or are evaluated by the executor');
}

/** The builtins of Go 1.19 text/template and the sprig functions supported, by name. */
export const FUNCS: ReadonlyMap<string, GoFunc> = new Map<string, GoFunc>([
  // builtins
  ['and', fn(['value'], evaluatedByExecutor, 'value')],
  ['or', fn(['value'], evaluatedByExecutor, 'value')],
  ['not', fn(['value'], ([v]) => !truth(v))],
  ['eq', fn(['value'], eq, 'value')],
  ['ne', fn(['value', 'value'], ([a, b]) => !eq([a, b]))],
  ['lt', fn(['value', 'value'], ([a, b]) => lt(a, b))],
  ['le', fn(['value', 'value'], ([a, b]) => le(a, b))],
  ['gt', fn(['value', 'value'], ([a, b]) => !le(a, b))],
  ['ge', fn(['value', 'value'], ([a, b]) => !lt(a, b))],
  ['len', fn(['value'], ([v]) => length(v))],
  ['index', fn(['value'], index, 'value')],
  ['slice', fn(['any'], slice, 'any')],
  ['print', fn([], (args) => sprint(args), 'any')],
  ['printf', fn(['string'], ([f, ...args]) => sprintf(f as string, args), 'any')],
  ['println', fn([], (args) => sprintln(args), 'any')],
  ['html', fn([], (args) => htmlEscape(evalArgs(args)), 'any')],
  ['js', fn([], (args) => jsEscape(evalArgs(args)), 'any')],
  ['urlquery', fn([], (args) => queryEscape(evalArgs(args)), 'any')],
  [
    'call',
    fn(
      ['value'],
      ([f]) => {
        throw new FuncError(isNilish(f) ? 'call of nil' : `non-function of type ${kindOf(f)}`);
      },
      'value',
    ),
  ],
  // sprig
  ['default', fn(['any'], ([d, ...given]) => (given.length === 0 || empty(given[0]) ? d : given[0]), 'any')],
  ['empty', fn(['any'], ([v]) => empty(v))],
  ['coalesce', fn([], (args) => args.find((a) => !empty(a)) ?? null, 'any')],
  ['ternary', fn(['any', 'any', 'bool'], ([t, f, c]) => (c ? t : f))],
  ['kindOf', fn(['any'], ([v]) => kindOf(v))],
  [
    'fail',
    fn(['string'], ([msg]) => {
      throw new FuncError(msg as string);
    }),
  ],
  ['b64enc', fn(['string'], ([s]) => Buffer.from(s as string).toString('base64'))],
  ['b64dec', fn(['string'], ([s]) => b64dec(s as string))],
  [
    'quote',
    fn(
      [],
      (args) =>
        args
          .filter((a) => !isNilish(a))
          .map((a) => quoteGo(strval(a)))
          .join(' '),
      'any',
    ),
  ],
  [
    'squote',
    fn(
      [],
      (args) =>
        args
          .filter((a) => !isNilish(a))
          .map((a) => `'${strval(a)}'`)
          .join(' '),
      'any',
    ),
  ],
  ['trim', fn(['string'], ([s]) => (s as string).replace(/^[\s\u0085\u00a0]+|[\s\u0085\u00a0]+$/gu, ''))],
  ['upper', fn(['string'], ([s]) => mapCase(s as string, true))],
  ['lower', fn(['string'], ([s]) => mapCase(s as string, false))],
  [
    'replace',
    fn(['string', 'string', 'string'], ([o, n, s]) =>
      o === ''
        ? [...(s as string)].map((c) => `${n}${c}`).join('') + (n as string)
        : (s as string).split(o as string).join(n as string),
    ),
  ],
  ['join', fn(['string', 'any'], ([sep, v]) => strslice(v).join(sep as string))],
  ['toJson', fn(['any'], ([v]) => toJson(v))],
  ['toYaml', fn(['any'], ([v]) => toYaml(v))],
  ['list', fn([], (args) => args.map((a) => (a === undefined ? null : a)), 'any')],
  [
    'dict',
    fn(
      [],
      (args) => {
        const out: GoMap = {};
        for (let i = 0; i < args.length; i += 2)
          out[strval(args[i])] = i + 1 < args.length ? (args[i + 1] ?? null) : '';
        return out;
      },
      'any',
    ),
  ],
  ['hasKey', fn(['map', 'string'], ([m, k]) => isMap(m) && Object.hasOwn(m, k as string))],
  ['add', fn([], (args) => wrap64(args.reduce<bigint>((s, a) => s + toInt64(a), 0n)), 'any')],
  ['sub', fn(['any', 'any'], ([a, b]) => wrap64(toInt64(a) - toInt64(b)))],
  [
    'mul',
    fn(
      ['any'],
      ([a, ...rest]) => wrap64(rest.reduce<bigint>((s, x) => BigInt.asIntN(64, s * toInt64(x)), toInt64(a))),
      'any',
    ),
  ],
  [
    'div',
    fn(['any', 'any'], ([a, b]) => {
      const d = toInt64(b);
      if (d === 0n) throw new FuncError('runtime error: integer divide by zero');
      return wrap64(toInt64(a) / d);
    }),
  ],
  ['now', fn([], () => new GoTime(Date.now()))],
  [
    'date',
    fn(['string', 'any'], ([layout, v]) => {
      const unix = intValue(v);
      const t =
        v instanceof GoTime
          ? v
          : unix !== undefined
            ? new GoTime(Number(unix) * 1000)
            : new GoTime(Date.now());
      return formatDate(layout as string, t);
    }),
  ],
]);
