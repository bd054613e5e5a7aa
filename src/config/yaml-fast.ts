/**
 * A fast reader for the plain YAML subset SLO files are written in, so that loading hundreds of them does not
 * pay for the full positioned parse (`yaml`'s Document model, ~1 ms per file cold). It is strictly a
 * shortcut: it accepts a text only when it is sure the full parser (yaml-source.ts: YAML 1.2 core schema,
 * `uniqueKeys: false`) reads it without any issue and into the very same value, and answers `undefined` for
 * everything else, which then goes through the full parser (so errors, positions and warnings are the
 * full parser's own).
 *
 * Accepted: block maps whose keys are identifiers (`[A-Za-z_][A-Za-z0-9_./#-]*`: a `#` not after a space is
 * text, as in plugin keys `custom/x.ts#Class`; not null/bool words, no
 * `__proto__`), each key once; block sequences (`- item`, compact `- key: value`, nested `- - x`); values on
 * the key's line: plain one-line scalars (core schema: null, bool, int, hex, octal, float, .inf, .nan, else
 * string), one-line single- or double-quoted strings without backslashes, `{}` and `[]`; comments and blank
 * lines; printable ASCII only. Anything else (tabs, `\r`, document markers, directives, anchors, aliases,
 * tags, flow collections with content, block scalars `|`/`>`, multi-line scalars, complex keys) is declined.
 * The subset's rules are from YAML 1.2.2 (https://yaml.org/spec/1.2.2/) and the core schema's resolution
 * as `yaml` (eemeli/yaml) implements it; test/config/yaml-fast.test.ts checks both readers agree.
 */

/** What the fast reader found: the value, and each scalar's source text (as `SourceDocument.sourceText`). */
export interface FastYaml {
  value: unknown;
  /** The scalar's text (quotes removed) at `path`; undefined for collections and missing paths. */
  sourceText(path: readonly PropertyKey[]): string | undefined;
}

/** A shadow of the value: map → Map of shadows, sequence → array of shadows, scalar → its source text. */
type Shadow = string | Map<string, Shadow> | Shadow[] | null;

interface Line {
  indent: number;
  text: string;
}

/** Thrown inside the reader when the text leaves the subset; never escapes `readFastYaml`. */
const DECLINE = Symbol('decline');

const KEY = /^([A-Za-z_][A-Za-z0-9_./#-]*):(?: +|$)/;
const NOT_STRING_KEY = /^(?:[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE|__proto__)$/;
// Printable ASCII and newlines only: no tabs, no `\r`, no byte order mark, nothing the spec forbids.
const OUTSIDE_SUBSET = /[^\n\x20-\x7e]/;
// Where a plain scalar may start: not an indicator (`- ? : , [ ] { } # & * ! | > ' " % @ \``).
const PLAIN_START = /^(?:[A-Za-z0-9._/(~$=+^<;]|-[0-9.])/;

const INT = /^[-+]?[0-9]+$/;
const OCT = /^0o[0-7]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT_SPECIAL = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;

/** A plain scalar's value under the YAML 1.2 core schema (yaml's tests and resolvers, in its order). */
function resolvePlain(text: string): unknown {
  if (NULL.test(text)) return null;
  if (BOOL.test(text)) return text[0] === 't' || text[0] === 'T';
  if (OCT.test(text)) return Number.parseInt(text.substring(2), 8);
  if (INT.test(text)) return Number.parseInt(text, 10);
  if (HEX.test(text)) return Number.parseInt(text.substring(2), 16);
  if (FLOAT_SPECIAL.test(text)) {
    if (text.slice(-3).toLowerCase() === 'nan') return Number.NaN;
    return text[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (FLOAT_EXP.test(text) || FLOAT.test(text)) return Number.parseFloat(text);
  return text;
}

/** Content lines (comments and blank lines dropped) with their indentation. */
function contentLines(text: string): Line[] {
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    let indent = 0;
    while (raw.charCodeAt(indent) === 32) indent++;
    if (indent === raw.length || raw.charCodeAt(indent) === 35) continue; // blank or `#` comment
    lines.push({ indent, text: raw.slice(indent) });
  }
  return lines;
}

const isItem = (line: Line) => line.text === '-' || line.text.startsWith('- ');

/** A value written on a key's (or item's) line: [value, source text]. Declines what is not in the subset. */
function inlineScalar(text: string): [unknown, Shadow] {
  const first = text[0];
  if (first === '"' || first === "'") {
    const close = text.indexOf(first, 1);
    if (close < 0) throw DECLINE;
    let content = text.slice(1, close);
    let rest = text.slice(close + 1);
    if (first === "'") {
      // `''` is an escaped quote inside single quotes.
      while (rest.startsWith("'")) {
        const next = rest.indexOf("'", 1);
        if (next < 0) throw DECLINE;
        content += `'${rest.slice(1, next)}`;
        rest = rest.slice(next + 1);
      }
    } else if (content.includes('\\')) throw DECLINE;
    if (rest !== '' && !/^ +(?:#.*)?$/.test(rest)) throw DECLINE;
    return [content, content];
  }
  if (text === '{}' || text === '[]' || /^(?:\{\}|\[\]) +(?:#.*)?$/.test(text)) {
    const value = text[0] === '{' ? {} : [];
    return [value, Array.isArray(value) ? [] : new Map()];
  }
  if (!PLAIN_START.test(text)) throw DECLINE;
  const comment = text.indexOf(' #');
  const plain = (comment < 0 ? text : text.slice(0, comment)).trimEnd();
  // `: ` would be a nested map (an error), a trailing `:` a key.
  if (plain.includes(': ') || plain.endsWith(':')) throw DECLINE;
  return [resolvePlain(plain), plain];
}

/** Reads block nodes from the content lines; every method declines (throws DECLINE) outside the subset. */
class BlockReader {
  #i = 0;
  constructor(readonly lines: Line[]) {}

  get done(): boolean {
    return this.#i >= this.lines.length;
  }

  /** The block node whose first line is the current one, at that line's indentation. */
  node(): [unknown, Shadow] {
    const line = this.lines[this.#i]!;
    return isItem(line) ? this.#sequence(line.indent, false) : this.#map(line.indent);
  }

  /** The value after `key:` or `-` with nothing on the line: a nested block deeper than `parent`, or null. */
  #nested(parent: number, sequenceAtParent: boolean): [unknown, Shadow] {
    const next = this.lines[this.#i];
    if (!next) return [null, ''];
    if (next.indent > parent) return this.node();
    // A map's value may be a sequence at the map's own indentation; it ends at the map's next key.
    if (sequenceAtParent && next.indent === parent && isItem(next)) return this.#sequence(parent, true);
    return [null, ''];
  }

  /** After a value written on its line, nothing may continue it deeper than its block (a multi-line scalar). */
  #endOfScalar(indent: number): void {
    const next = this.lines[this.#i];
    if (next && next.indent > indent) throw DECLINE;
  }

  #map(indent: number): [Record<string, unknown>, Shadow] {
    const value: Record<string, unknown> = {};
    const shadow = new Map<string, Shadow>();
    for (let line = this.lines[this.#i]; line && line.indent === indent; line = this.lines[this.#i]) {
      const match = KEY.exec(line.text);
      if (!match) throw DECLINE;
      const key = match[1]!;
      // An implicit key is at most 1024 characters long (YAML 1.2.2, 7.4.2); the full parser says so.
      if (key.length > 1000 || NOT_STRING_KEY.test(key) || shadow.has(key)) throw DECLINE;
      const rest = line.text.slice(match[0].length);
      this.#i++;
      let entry: [unknown, Shadow];
      if (rest === '' || rest.startsWith('#')) entry = this.#nested(indent, true);
      else {
        entry = inlineScalar(rest);
        this.#endOfScalar(indent);
      }
      value[key] = entry[0];
      shadow.set(key, entry[1]);
    }
    this.#checkDedent(indent);
    return [value, shadow];
  }

  /** `inMapValue`: the sequence is a map's value at the map's indentation, so the map's next key ends it. */
  #sequence(indent: number, inMapValue: boolean): [unknown[], Shadow] {
    const value: unknown[] = [];
    const shadow: Shadow[] = [];
    for (let line = this.lines[this.#i]; line && line.indent === indent; line = this.lines[this.#i]) {
      if (!isItem(line)) {
        if (inMapValue) break;
        throw DECLINE;
      }
      let offset = 1;
      while (line.text.charCodeAt(offset) === 32) offset++;
      const rest = line.text.slice(offset);
      let entry: [unknown, Shadow];
      if (rest === '' || rest.startsWith('#')) {
        this.#i++;
        entry = this.#nested(indent, false);
      } else if (KEY.test(rest) || rest === '-' || rest.startsWith('- ')) {
        // A compact block (`- key: v` or `- - x`): its first line continues after the dash.
        this.lines[this.#i] = { indent: indent + offset, text: rest };
        entry = this.node();
      } else {
        this.#i++;
        entry = inlineScalar(rest);
        this.#endOfScalar(indent);
      }
      value.push(entry[0]);
      shadow.push(entry[1]);
    }
    this.#checkDedent(indent);
    return [value, shadow];
  }

  /** A block ends at a shallower line; a line between the block and its parent's indentation is an error. */
  #checkDedent(indent: number): void {
    const next = this.lines[this.#i];
    if (next && next.indent > indent) throw DECLINE;
  }
}

/**
 * Reads `text` when it is in the subset described in the module comment; undefined otherwise (the caller
 * then uses the full parser). A text read here has no YAML issue and the value the full parser gives.
 */
export function readFastYaml(text: string): FastYaml | undefined {
  if (OUTSIDE_SUBSET.test(text)) return undefined;
  const lines = contentLines(text);
  if (lines.length === 0 || lines.some((l) => /^(?:---|\.\.\.|%)/.test(l.text) && l.indent === 0))
    return undefined;
  try {
    const reader = new BlockReader(lines);
    const [value, shadow] = reader.node();
    if (!reader.done) return undefined;
    return { value, sourceText: (path) => sourceAt(shadow, path) };
  } catch (error) {
    if (error === DECLINE) return undefined;
    throw error;
  }
}

/** The shadow's scalar text at `path`, following the full parser's lookup rules (map keys as strings). */
function sourceAt(shadow: Shadow, path: readonly PropertyKey[]): string | undefined {
  let node: Shadow | undefined = shadow;
  for (const part of path) {
    if (node instanceof Map) node = node.get(String(part));
    else if (Array.isArray(node) && typeof part === 'number') node = node[part];
    else return undefined;
  }
  return typeof node === 'string' ? node : undefined;
}
