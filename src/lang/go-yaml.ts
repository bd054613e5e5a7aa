/**
 * Iter8's template function `toYaml` (base/util.go `ToYAML`, the same as Helm's): `sigs.k8s.io/yaml.Marshal`
 * of the value with one trailing newline removed, and `""` when marshaling fails. `sigs.k8s.io/yaml.Marshal`
 * is `encoding/json.Marshal`, then the JSON text decoded by go-yaml v2 (`gopkg.in/yaml.v2` 2.4.0) into
 * `interface{}` and encoded again by go-yaml v2. So the output is go-yaml v2's: map keys in its "natural"
 * order (digit runs compared as numbers), block style, sequences not indented under their key, empty
 * collections as `{}`/`[]`, strings plain when they would read back as strings, double-quoted when they
 * would not (`"true"`, `"12"`, `""`, `"2020-02-01T09:44:40Z"`), single-quoted when an indicator forbids
 * plain (`'a: b'`), literal block (`|-`) when they contain a newline, and lines folded at 80 columns.
 *
 * This module ports exactly the parts of go-yaml v2 that such documents reach (`resolve.go` for the
 * plain-scalar check, `sorter.go` for key order, the `emitterc.go` state machine for block/flow collections and
 * the four scalar writers); anchors, tags and flow collections with items cannot occur. One difference: where
 * go-yaml's key order is not transitive (keys `01e3`, `0o7` and `1e3` together), Go's output depends on its
 * random map iteration order, and this port gives one of Go's possible outputs. Verified against
 * real Go by test/lang/go-template.differential.test.ts (scripts/go-template-oracle.go adds the same
 * `toYaml` to sprig's functions, as Iter8 did).
 */

import { parseGoFloat } from './go-float.js';
import { formatFloatShortest, GoInt64, type GoMap, GoTime, type GoValue } from './go-template-fmt.js';
import { parseGoInt } from './go-template-parse.js';

/**
 * Iter8's `toYaml`: the YAML text of `v` without its final newline; `""` where Go's marshaling fails: NaN or
 * ±Inf anywhere in `v`, or a string or map key go-yaml cannot read back from the JSON text (see `readable`
 * and `readableKey`).
 */
export function toYaml(v: GoValue): string {
  let node: YamlNode;
  try {
    node = toNode(v);
  } catch (error) {
    if (error instanceof UnsupportedValue) return '';
    throw error;
  }
  const out = new Emitter().document(node);
  return out.endsWith('\n') ? out.slice(0, -1) : out;
}

/** A value Go's marshaling refuses (see `toYaml`); `ToYAML` swallows the error and yields `""`. */
class UnsupportedValue extends Error {}

type Style = 'plain' | 'double' | 'literal';
type YamlNode =
  | { kind: 'scalar'; text: string; style: Style }
  | { kind: 'seq'; items: YamlNode[] }
  | { kind: 'map'; entries: [YamlNode & { kind: 'scalar' }, YamlNode][] };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** The node go-yaml decodes from the JSON of `v` (numbers re-typed as int, uint64 or float64 by their text). */
function toNode(v: GoValue): YamlNode {
  if (v === undefined || v === null) return { kind: 'scalar', text: 'null', style: 'plain' };
  if (typeof v === 'boolean') return { kind: 'scalar', text: String(v), style: 'plain' };
  if (typeof v === 'bigint') return { kind: 'scalar', text: v.toString(), style: 'plain' };
  if (v instanceof GoInt64) return { kind: 'scalar', text: v.value.toString(), style: 'plain' };
  if (typeof v === 'number') return { kind: 'scalar', text: floatText(v), style: 'plain' };
  if (typeof v === 'string') return stringNode(foldNextLines(readable(v)));
  if (v instanceof GoTime) return stringNode(rfc3339Nano(v));
  if (Array.isArray(v)) return { kind: 'seq', items: v.map(toNode) };
  const keys = Object.keys(v as GoMap).sort((a, b) => (keyLess(a, b) ? -1 : keyLess(b, a) ? 1 : 0));
  for (const key of keys) if (!readableKey(readable(key))) throw new UnsupportedValue();
  return { kind: 'map', entries: keys.map((k) => [stringNode(k), toNode((v as GoMap)[k])]) };
}

/** Characters `encoding/json` writes raw but go-yaml's reader refuses ("control characters are not allowed"). */
const UNREADABLE = /[\u007f-\u0084\u0086-\u009f\ufffe\uffff]/;
/**
 * A raw NEL starts a new line inside the quoted JSON string, and go-yaml refuses a line there that starts
 * with a document marker (`---` or `...` then a blank or a break): "found unexpected document indicator".
 */
const DOCUMENT_MARKER_LINE = /\u0085(?:---|\.\.\.)[ \u0085]/;

/** `s` when go-yaml can read it back from the JSON text; throws UnsupportedValue otherwise. */
function readable(s: string): string {
  if (UNREADABLE.test(s) || DOCUMENT_MARKER_LINE.test(s)) throw new UnsupportedValue();
  return s;
}

/**
 * `encoding/json` writes U+0085 (NEL) raw, and go-yaml's double-quoted scalar reads it as a line break and
 * folds it: one NEL and the spaces around it become one space, each further NEL of the run a newline.
 */
const foldNextLines = (s: string) =>
  s.includes('\u0085')
    ? s.replace(/[ \u0085]*\u0085[ \u0085]*/g, (run) => {
        const breaks = run.split('\u0085').length - 1;
        return breaks === 1 ? ' ' : '\n'.repeat(breaks - 1);
      })
    : s;

/**
 * Whether go-yaml can read the key back from the JSON flow mapping: a simple key cannot span lines (a raw NEL
 * is a line break) nor run over 1024 characters, quotes and `encoding/json` escapes included.
 */
function readableKey(key: string): boolean {
  if (key.includes('\u0085')) return false;
  let length = 2;
  for (const c of key) {
    const cp = c.codePointAt(0)!;
    if (c === '"' || c === '\\' || c === '\n' || c === '\r' || c === '\t') length += 2;
    else if (cp < 0x20 || c === '<' || c === '>' || c === '&' || cp === 0x2028 || cp === 0x2029) length += 6;
    else length += 1;
  }
  return length <= 1024;
}

/**
 * A float64 after the JSON round trip: JSON writes it as JavaScript does (`1e+21`, `1e-7`, `-0`), go-yaml
 * reads integral texts as int (or uint64 above int64) and formats floats with `strconv.FormatFloat(f, 'g', -1)`.
 */
function floatText(f: number): string {
  if (!Number.isFinite(f)) throw new UnsupportedValue();
  const json = JSON.stringify(f);
  if (/^-?\d+$/.test(json)) {
    const n = BigInt(json);
    if ((n >= INT64_MIN && n <= INT64_MAX) || (n > 0n && n <= UINT64_MAX)) return n.toString();
  }
  return formatFloatShortest(f);
}

/** go-yaml's `stringv` style choice (the emitter may still change it, see `selectStyle`). */
function stringNode(s: string): YamlNode & { kind: 'scalar' } {
  const style: Style = s.includes('\n')
    ? 'literal'
    : resolvesToString(s) && !isBase60Float(s)
      ? 'plain'
      : 'double';
  return { kind: 'scalar', text: s, style };
}

/** `time.Time` as `encoding/json` writes it (RFC 3339 with nanoseconds, trailing zeros dropped), in UTC. */
function rfc3339Nano(t: GoTime): string {
  const iso = new Date(t.ms).toISOString();
  return iso.replace(/\.(\d{3})Z$/, (_, ms: string) => (ms === '000' ? 'Z' : `.${ms.replace(/0+$/, '')}Z`));
}

// ---- resolve.go: would this text, written plain, read back as a string? ----

const RESOLVE_SPECIAL = new Set(
  'y Y yes Yes YES true True TRUE on On ON n N no No NO false False FALSE off Off OFF ~ null Null NULL .nan .NaN .NAN .inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF'.split(
    ' ',
  ),
);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

function resolvesToString(s: string): boolean {
  if (s === '') return false; // null
  const c = s[0]!;
  const hint =
    c === '+' || c === '-' ? 'S' : c >= '0' && c <= '9' ? 'D' : 'yYnNtTfFoO~'.includes(c) ? 'M' : c;
  if (hint !== 'S' && hint !== 'D' && hint !== 'M' && hint !== '.') return true;
  if (RESOLVE_SPECIAL.has(s)) return false;
  if (hint === 'M') return true;
  if (hint === '.') return parseGoFloat(s) === undefined;
  if (isTimestamp(s)) return false;
  const plain = s.replaceAll('_', '');
  if (parseGoInt(plain) !== undefined || parseGoUint(plain) !== undefined) return false;
  if (YAML_STYLE_FLOAT.test(plain) && parseGoFloat(plain) !== undefined) return false;
  // ParseInt(text[2:], 2, 64) after `0b` takes a sign of its own (`0b-1` is -1).
  const binary = plain.startsWith('0b')
    ? plain.slice(2)
    : plain.startsWith('-0b')
      ? `-${plain.slice(3)}`
      : '';
  const m = /^([+-]?)([01]+)$/.exec(binary);
  if (!m) return true;
  const n = BigInt(`0b${m[2]}`);
  if (m[1] === '-') return n > -INT64_MIN;
  return n > (m[1] === '' && plain.startsWith('0b') ? UINT64_MAX : INT64_MAX);
}

/** Go's `strconv.ParseUint(s, 0, 64)` (no sign; `0b`/`0o`/`0x` prefixes, a leading `0` means octal). */
function parseGoUint(s: string): bigint | undefined {
  let digits = s;
  let base = 10;
  if (s[0] === '0') {
    const p = s.length >= 3 ? s[1]!.toLowerCase() : '';
    base = p === 'b' ? 2 : p === 'x' ? 16 : 8;
    digits = p === 'b' || p === 'o' || p === 'x' ? s.slice(2) : s.slice(1);
  } else if (s === '') return undefined;
  const valid = { 2: /^[01]*$/, 8: /^[0-7]*$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]*$/ }[base]!;
  if (!valid.test(digits)) return undefined;
  const prefix = { 2: '0b', 8: '0o', 10: '', 16: '0x' }[base]!;
  const n = digits === '' ? 0n : BigInt(`${prefix}${digits}`);
  return n <= UINT64_MAX ? n : undefined;
}

const isBase60Float = (s: string) => /^[-+0-9]/.test(s) && s.includes(':') && BASE60_FLOAT.test(s);

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const TIMESTAMP_FORMATS = [
  /^(\d{4})-(\d{1,2})-(\d{1,2})[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})([.,]\d+)?(Z|[+-]\d\d:\d\d)$/,
  /^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})([.,]\d+)?$/,
  /^(\d{4})-(\d{1,2})-(\d{1,2})$/,
];

/** go-yaml's `parseTimestamp`: `time.Parse` with its four layouts, ranges checked as Go does. */
function isTimestamp(s: string): boolean {
  for (const format of TIMESTAMP_FORMATS) {
    const m = format.exec(s);
    if (!m) continue;
    const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map(Number) as number[];
    const leap = year! % 4 === 0 && (year! % 100 !== 0 || year! % 400 === 0);
    const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month! - 1];
    if (days !== undefined && day! >= 1 && day! <= days && hour < 24 && minute < 60 && second < 60)
      return true;
  }
  return false;
}

// ---- sorter.go: go-yaml's key order ----

const isLetter = (c: string) => /\p{L}/u.test(c);
const isDigit = (c: string) => /\p{Nd}/u.test(c);

/** go-yaml v2 `keyList.Less` for two string keys: letters by code point, digit runs by numeric value. */
function keyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++)
      an = BigInt.asIntN(64, an * 10n + BigInt(ar[ai]!.codePointAt(0)! - 48));
    for (; bi < br.length && isDigit(br[bi]!); bi++)
      bn = BigInt.asIntN(64, bn * 10n + BigInt(br[bi]!.codePointAt(0)! - 48));
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
  }
  return ar.length < br.length;
}

// ---- emitterc.go ----

const BEST_INDENT = 2;
const BEST_WIDTH = 80;

const isBreak = (c: string | undefined) =>
  c === '\r' || c === '\n' || c === '\u0085' || c === '\u2028' || c === '\u2029';
const isBlank = (c: string | undefined) => c === ' ' || c === '\t';
/** go-yaml's `is_printable` (on UTF-8 bytes), as code points. */
function isPrintable(c: string): boolean {
  const cp = c.codePointAt(0)!;
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
  );
}

/** What `yaml_emitter_analyze_scalar` finds out about a scalar's text. */
interface Analysis {
  multiline: boolean;
  flowPlainAllowed: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

function analyze(value: string): Analysis {
  const chars = [...value];
  if (chars.length === 0) {
    return {
      multiline: false,
      flowPlainAllowed: false,
      blockPlainAllowed: true,
      singleQuotedAllowed: true,
      blockAllowed: false,
    };
  }
  let blockIndicators = value.startsWith('---') || value.startsWith('...');
  let flowIndicators = blockIndicators;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  let precededByWhitespace = true;
  chars.forEach((c, i) => {
    const last = i === chars.length - 1;
    const followedByWhitespace = last || isBlank(chars[i + 1]);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) {
        flowIndicators = true;
        blockIndicators = true;
      } else if (c === '?' || c === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      } else if (c === '-' && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else if (',?[]{}'.includes(c)) {
      flowIndicators = true;
    } else if (c === ':') {
      flowIndicators = true;
      if (followedByWhitespace) blockIndicators = true;
    } else if (c === '#' && precededByWhitespace) {
      flowIndicators = true;
      blockIndicators = true;
    }
    if (!isPrintable(c)) special = true;
    if (c === ' ') {
      if (i === 0) leadingSpace = true;
      if (last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (last) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlank(c) || isBreak(c) || c === '\0';
  });
  const a: Analysis = {
    multiline: lineBreaks,
    flowPlainAllowed: true,
    blockPlainAllowed: true,
    singleQuotedAllowed: true,
    blockAllowed: true,
  };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak || lineBreaks) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
  }
  if (trailingSpace) a.blockAllowed = false;
  if (breakSpace) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
  }
  if (spaceBreak || special) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
    a.blockAllowed = false;
  }
  if (flowIndicators) a.flowPlainAllowed = false;
  if (blockIndicators) a.blockPlainAllowed = false;
  return a;
}

const DOUBLE_QUOTED_ESCAPES: Record<number, string> = {
  0: '0',
  7: 'a',
  8: 'b',
  9: 't',
  10: 'n',
  11: 'v',
  12: 'f',
  13: 'r',
  27: 'e',
  34: '"',
  92: '\\',
  133: 'N',
  160: '_',
  8232: 'L',
  8233: 'P',
};

/** The go-yaml v2 emitter's state while writing one document (column counts characters, as go-yaml does). */
class Emitter {
  private out = '';
  private column = 0;
  private indent = -1;
  private readonly indents: number[] = [];
  private whitespace = true;
  private indention = true;
  private mappingContext = false;
  private simpleKeyContext = false;

  /** The whole document `yaml.Marshal` writes for `node`, final newline included. */
  document(node: YamlNode): string {
    this.node(node, false, false);
    this.writeIndent(); // document end
    return this.out;
  }

  private node(node: YamlNode, mapping: boolean, simpleKey: boolean): void {
    this.mappingContext = mapping;
    this.simpleKeyContext = simpleKey;
    if (node.kind === 'scalar') this.scalar(node);
    else if (node.kind === 'seq') {
      if (node.items.length === 0) this.emptyFlow('[', ']');
      else this.blockSequence(node.items);
    } else if (node.entries.length === 0) this.emptyFlow('{', '}');
    else this.blockMapping(node.entries);
  }

  /** An empty collection, written in flow style as go-yaml does (`[]`, `{}`). */
  private emptyFlow(open: string, close: string): void {
    this.writeIndicator(open, true, true, false);
    this.writeIndicator(close, false, false, false);
  }

  private blockSequence(items: YamlNode[]): void {
    this.increaseIndent(false, this.mappingContext && !this.indention);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.node(item, false, false);
    }
    this.popIndent();
  }

  private blockMapping(entries: [YamlNode & { kind: 'scalar' }, YamlNode][]): void {
    this.increaseIndent(false, false);
    for (const [key, value] of entries) {
      this.writeIndent();
      // yaml_emitter_check_simple_key: one line and at most 128 bytes.
      if (!analyze(key.text).multiline && Buffer.byteLength(key.text) <= 128) {
        this.node(key, true, true);
        this.writeIndicator(':', false, false, false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.node(key, true, false);
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.node(value, true, false);
    }
    this.popIndent();
  }

  private scalar(node: YamlNode & { kind: 'scalar' }): void {
    const style = this.selectStyle(node.style, analyze(node.text));
    this.increaseIndent(true, false);
    const allowBreaks = !this.simpleKeyContext;
    if (style === 'plain') this.writePlain(node.text, allowBreaks);
    else if (style === 'single') this.writeSingleQuoted(node.text, allowBreaks);
    else if (style === 'double') this.writeDoubleQuoted(node.text, allowBreaks);
    else this.writeLiteral(node.text);
    this.popIndent();
  }

  /**
   * `yaml_emitter_select_scalar_style` (block context: flow collections never hold scalars here; an empty
   * string never asks for plain, as it would read back as null).
   */
  private selectStyle(requested: Style, a: Analysis): Style | 'single' {
    let style: Style | 'single' = requested;
    if (this.simpleKeyContext && a.multiline) style = 'double';
    if (style === 'plain' && !a.blockPlainAllowed) style = 'single';
    if (style === 'single' && !a.singleQuotedAllowed) style = 'double';
    if (style === 'literal' && (!a.blockAllowed || this.simpleKeyContext)) style = 'double';
    return style;
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  private popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  private put(text: string): void {
    this.out += text;
    this.column += [...text].length;
  }

  private putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }

  private writeBreak(c: string): void {
    if (c === '\n') this.putBreak();
    else {
      this.out += c;
      this.column = 0;
    }
  }

  private writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace))
      this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }

  private writeIndicator(
    indicator: string,
    needWhitespace: boolean,
    isWhitespace: boolean,
    isIndention: boolean,
  ) {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.put(indicator);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  /** A plain scalar (never multi-line: line breaks rule the plain style out), folded past 80 columns. */
  private writePlain(value: string, allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    let spaces = false;
    const chars = [...value];
    chars.forEach((c, i) => {
      if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && chars[i + 1] !== ' ') this.writeIndent();
        else this.put(c);
        spaces = true;
      } else {
        this.put(c);
        this.indention = false;
        spaces = false;
      }
    });
    this.whitespace = false;
    this.indention = false;
  }

  private writeSingleQuoted(value: string, allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    const chars = [...value];
    chars.forEach((c, i) => {
      if (c === ' ') {
        const fold = i > 0 && i < chars.length - 1 && chars[i + 1] !== ' ';
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && fold) this.writeIndent();
        else this.put(c);
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === '\n') this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(c === "'" ? "''" : c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    });
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDoubleQuoted(value: string, allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    const bom = value.startsWith('\uFEFF'); // go-yaml's is_bom looks at the value's first bytes only
    let spaces = false;
    const chars = [...value];
    chars.forEach((c, i) => {
      if (!isPrintable(c) || bom || isBreak(c) || c === '"' || c === '\\') {
        const cp = c.codePointAt(0)!;
        const short = DOUBLE_QUOTED_ESCAPES[cp];
        if (short !== undefined) this.put(`\\${short}`);
        else {
          const [letter, width] = cp <= 0xff ? ['x', 2] : cp <= 0xffff ? ['u', 4] : ['U', 8];
          this.put(`\\${letter}${cp.toString(16).toUpperCase().padStart(width, '0')}`);
        }
        spaces = false;
      } else if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1) {
          this.writeIndent();
          if (chars[i + 1] === ' ') this.put('\\');
        } else this.put(c);
        spaces = true;
      } else {
        this.put(c);
        spaces = false;
      }
    });
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeLiteral(value: string): void {
    this.writeIndicator('|', true, false, false);
    const chars = [...value];
    if (chars[0] === ' ' || isBreak(chars[0])) this.writeIndicator(String(BEST_INDENT), false, false, false);
    const last = chars.length - 1;
    const chomp = !isBreak(chars[last]) ? '-' : last === 0 || isBreak(chars[last - 1]) ? '+' : '';
    if (chomp) this.writeIndicator(chomp, false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of chars) {
      if (isBreak(c)) {
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(c);
        this.indention = false;
        breaks = false;
      }
    }
  }
}
