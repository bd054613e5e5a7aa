/**
 * Lexer and parser of Go `text/template` (Go 1.19 `text/template/parse`): turns template text into a tree of
 * nodes, with the parse-time checks Go makes (undefined functions and variables, `{{break}}` outside
 * `{{range}}`, pipeline shape, duplicate `define`). Errors are {@link GoTemplateError}s of kind `parse`.
 */

/**
 * A parse or execution error of a Go template. `line` is 1-based; `column` (execution errors only) is Go's:
 * the 0-based byte offset in that line of the node being evaluated. The message is Go's (`template:
 * NAME:LINE[:COLUMN]: DETAIL`). `sourceColumn` is the 1-based character (UTF-16) column of the offending token
 * or node, for editors: Go's parse errors give no column, its execution errors a 0-based byte offset.
 */
export class GoTemplateError extends Error {
  constructor(
    readonly kind: 'parse' | 'exec',
    readonly templateName: string,
    readonly line: number,
    readonly column: number | undefined,
    readonly detail: string,
    readonly sourceColumn: number,
  ) {
    super(`template: ${templateName}:${line}${column === undefined ? '' : `:${column}`}: ${detail}`);
    this.name = 'GoTemplateError';
  }
}

/**
 * Position of a node: 1-based line, `col` the 0-based byte offset in the line (as Go reports it), `column` the
 * 1-based character (UTF-16) column (as editors and slokit's config errors count).
 */
export interface Pos {
  line: number;
  col: number;
  column: number;
}

export type Operand =
  | { type: 'dot'; pos: Pos }
  | { type: 'nil'; pos: Pos }
  | { type: 'bool'; pos: Pos; value: boolean }
  | { type: 'string'; pos: Pos; value: string; text: string }
  | { type: 'number'; pos: Pos; text: string; int?: bigint; float?: number; isChar: boolean }
  | { type: 'field'; pos: Pos; idents: string[] }
  | { type: 'variable'; pos: Pos; name: string; idents: string[] }
  | { type: 'function'; pos: Pos; name: string }
  | { type: 'chain'; pos: Pos; node: Operand; idents: string[] }
  | { type: 'pipe'; pos: Pos; pipe: Pipe };

export interface Command {
  pos: Pos;
  args: Operand[];
}

export interface Pipe {
  pos: Pos;
  decl: string[];
  isAssign: boolean;
  cmds: Command[];
}

/** `if`, `with` or `range`: the pipeline, the body, and the `else` body if any. */
export interface ControlNode {
  type: 'if' | 'with' | 'range';
  pos: Pos;
  pipe: Pipe;
  list: Node[];
  elseList: Node[] | undefined;
}

export type Node =
  | { type: 'text'; text: string }
  | { type: 'action'; pos: Pos; pipe: Pipe }
  | ControlNode
  | { type: 'template'; pos: Pos; name: string; pipe: Pipe | undefined }
  | { type: 'break' | 'continue'; pos: Pos };

/** The trees of one parse: the main template (under its name) and every `define`/`block`. */
export type TreeSet = Map<string, Node[]>;

type TokenType =
  | 'text'
  | 'left'
  | 'right'
  | 'space'
  | 'field'
  | 'variable'
  | 'identifier'
  | 'keyword'
  | 'bool'
  | 'number'
  | 'char'
  | 'string'
  | 'rawString'
  | 'pipe'
  | 'declare'
  | 'assign'
  | 'comma'
  | 'lparen'
  | 'rparen'
  | 'dot'
  | 'error'
  | 'eof';

interface Token extends Pos {
  type: TokenType;
  value: string;
}

const KEYWORDS = new Set([
  'block',
  'break',
  'continue',
  'define',
  'else',
  'end',
  'if',
  'range',
  'nil',
  'template',
  'with',
]);

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlnum = (c: string) => /^[\p{L}\p{Nd}_]$/u.test(c);

class LexError extends Error {
  constructor(
    readonly at: number,
    message: string,
  ) {
    super(message);
  }
}

/** Splits template text into tokens (Go's lexer, default delimiters); a lexical error is the last token. */
function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  // Start offsets of the lines, for positions by binary search.
  const lineStarts = [0];
  for (let k = text.indexOf('\n'); k !== -1; k = text.indexOf('\n', k + 1)) lineStarts.push(k + 1);
  let last = { line: 0, at: 0, col: 0 };
  const lineCol = (at: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    // Tokens come in text order: count bytes from the previous token when on its line, so that a long line
    // costs linear time, not quadratic (provider files may come from URLs).
    const from = last.line === lo + 1 && last.at <= at ? last : { at: lineStarts[lo]!, col: 0 };
    const col = from.col + Buffer.byteLength(text.slice(from.at, at));
    last = { line: lo + 1, at, col };
    return { line: lo + 1, col, column: at - lineStarts[lo]! + 1 };
  };
  // A lexical error ends the token stream with an error token: the parser reports it when it gets there, so
  // an earlier syntax error wins, as with Go's lexer running ahead of its parser.
  const fail = (at: number, message: string): never => {
    throw new LexError(at, message);
  };
  const push = (type: TokenType, value: string, at: number) => {
    tokens.push({ type, value, ...lineCol(at) });
  };
  try {
    lexText();
  } catch (error) {
    if (!(error instanceof LexError)) throw error;
    push('error', error.message, error.at);
    return tokens;
  }
  push('eof', '', text.length);
  return tokens;

  function lexText() {
    while (pos < text.length) {
      let open = text.indexOf('{{', pos);
      if (open === -1) open = text.length;
      const trimLeft = open < text.length && text[open + 2] === '-' && isSpace(text[open + 3] ?? '');
      let end = open;
      if (trimLeft) while (end > pos && isSpace(text[end - 1]!)) end--;
      if (end > pos) push('text', text.slice(pos, end), pos);
      if (open === text.length) break;
      pos = open + 2 + (trimLeft ? 2 : 0);
      // Comment: must follow the delimiter (and trim marker) directly and end right before the closing one.
      if (text.startsWith('/*', pos)) {
        const close = text.indexOf('*/', pos + 2);
        if (close === -1) fail(open, 'unclosed comment');
        let after = close + 2;
        let trimRight = false;
        if (text[after] !== undefined && isSpace(text[after]!) && text.startsWith('-}}', after + 1)) {
          trimRight = true;
          after += 2;
        }
        if (!text.startsWith('}}', after)) fail(open, 'comment ends before closing delimiter');
        pos = after + 2;
        if (trimRight) while (pos < text.length && isSpace(text[pos]!)) pos++;
        continue;
      }
      push('left', '{{', open);
      let parenDepth = 0;
      for (;;) {
        const start = pos;
        const c = text[pos];
        if (c === undefined) fail(start, 'unclosed action');
        if (isSpace(c!)) {
          while (pos < text.length && isSpace(text[pos]!)) pos++;
          if (text.startsWith('-}}', pos) && pos - start >= 1) {
            pos += 3;
            if (parenDepth > 0) fail(start, 'unclosed left paren');
            push('right', '}}', pos - 3);
            while (pos < text.length && isSpace(text[pos]!)) pos++;
            break;
          }
          push('space', text.slice(start, pos), start);
          continue;
        }
        if (text.startsWith('}}', pos)) {
          if (parenDepth > 0) fail(start, 'unclosed left paren');
          pos += 2;
          push('right', '}}', start);
          break;
        }
        if (c === '=') {
          pos++;
          push('assign', '=', start);
        } else if (c === ':') {
          if (text[pos + 1] !== '=') fail(start, 'expected :=');
          pos += 2;
          push('declare', ':=', start);
        } else if (c === '|') {
          pos++;
          push('pipe', '|', start);
        } else if (c === ',') {
          pos++;
          push('comma', ',', start);
        } else if (c === '(') {
          pos++;
          parenDepth++;
          push('lparen', '(', start);
        } else if (c === ')') {
          pos++;
          parenDepth--;
          if (parenDepth < 0) fail(start, 'unexpected right paren');
          push('rparen', ')', start);
        } else if (c === '"') {
          pos++;
          for (;;) {
            const d = text[pos];
            if (d === undefined || d === '\n') fail(start, 'unterminated quoted string');
            pos++;
            if (d === '\\') {
              if (text[pos] === undefined || text[pos] === '\n') fail(start, 'unterminated quoted string');
              pos++;
            } else if (d === '"') break;
          }
          push('string', text.slice(start, pos), start);
        } else if (c === '`') {
          const close = text.indexOf('`', pos + 1);
          if (close === -1) fail(start, 'unterminated raw quoted string');
          pos = close + 1;
          push('rawString', text.slice(start, pos), start);
        } else if (c === "'") {
          pos++;
          for (;;) {
            const d = text[pos];
            if (d === undefined || d === '\n') fail(start, 'unterminated character constant');
            pos++;
            if (d === '\\') {
              if (text[pos] === undefined || text[pos] === '\n')
                fail(start, 'unterminated character constant');
              pos++;
            } else if (d === "'") break;
          }
          push('char', text.slice(start, pos), start);
        } else if (c === '$') {
          pos++;
          while (pos < text.length && isAlnum(text[pos]!)) pos++;
          push('variable', text.slice(start, pos), start);
          checkTerminator();
        } else if (c === '.' && !/[0-9]/.test(text[pos + 1] ?? '')) {
          pos++;
          if (pos < text.length && isAlnum(text[pos]!)) {
            while (pos < text.length && isAlnum(text[pos]!)) pos++;
            push('field', text.slice(start, pos), start);
            checkTerminator();
          } else push('dot', '.', start);
        } else if (c === '+' || c === '-' || /[0-9.]/.test(c!)) {
          pos = scanNumber(pos);
          if (pos < text.length && isAlnum(text[pos]!)) {
            pos++;
            fail(start, `bad number syntax: "${text.slice(start, pos)}"`);
          }
          push('number', text.slice(start, pos), start);
        } else if (isAlnum(c!)) {
          while (pos < text.length && isAlnum(text[pos]!)) pos++;
          const word = text.slice(start, pos);
          push(
            KEYWORDS.has(word) ? 'keyword' : word === 'true' || word === 'false' ? 'bool' : 'identifier',
            word,
            start,
          );
          checkTerminator();
        } else {
          fail(start, `unrecognized character in action: ${JSON.stringify(c)}`);
        }
      }
    }
  }

  function checkTerminator() {
    const c = text[pos];
    if (c === undefined || isSpace(c) || '.,|:)('.includes(c) || text.startsWith('}}', pos)) return;
    fail(pos, `bad character ${JSON.stringify(c)}`);
  }

  function scanNumber(at: number): number {
    let i = at;
    if (text[i] === '+' || text[i] === '-') i++;
    let digits = '0123456789_';
    if (text[i] === '0' && /[xXoObB]/.test(text[i + 1] ?? '')) {
      const base = text[i + 1]!.toLowerCase();
      digits = base === 'x' ? '0123456789abcdefABCDEF_' : base === 'o' ? '01234567_' : '01_';
      i += 2;
    }
    while (i < text.length && digits.includes(text[i]!)) i++;
    if (text[i] === '.') {
      i++;
      while (i < text.length && digits.includes(text[i]!)) i++;
    }
    if (digits.length <= 11 && /[eE]/.test(text[i] ?? '')) {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      while (i < text.length && /[0-9_]/.test(text[i]!)) i++;
    }
    if (digits.length > 11 && /[pP]/.test(text[i] ?? '')) {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      while (i < text.length && /[0-9_]/.test(text[i]!)) i++;
    }
    return i;
  }
}

/** Go's interpretation of a quoted string or character literal body (`strconv.Unquote` escapes). */
export function unquoteGo(body: string, quote: string): string | undefined {
  let out = '';
  for (let i = 0; i < body.length; ) {
    const c = body[i]!;
    if (c === quote) return undefined;
    if (c !== '\\') {
      const cp = body.codePointAt(i)!;
      out += String.fromCodePoint(cp);
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const e = body[i + 1];
    i += 2;
    const simple: Record<string, string> = {
      a: '\x07',
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      v: '\v',
      '\\': '\\',
    };
    if (e !== undefined && Object.hasOwn(simple, e)) out += simple[e];
    else if (e === quote) out += quote;
    else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i, i + n);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) return undefined;
      const v = Number.parseInt(hex, 16);
      i += n;
      if (e === 'x') {
        if (quote === "'" || v < 0x80) out += String.fromCharCode(v);
        else return undefined; // a raw byte above 0x7f cannot be represented in a JS string
      } else {
        if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) return undefined;
        out += String.fromCodePoint(v);
      }
    } else if (e !== undefined && /[0-7]/.test(e)) {
      const oct = body.slice(i - 1, i + 2);
      if (!/^[0-7]{3}$/.test(oct)) return undefined;
      const v = Number.parseInt(oct, 8);
      if (v > 255) return undefined;
      if (quote !== "'" && v >= 0x80) return undefined;
      out += String.fromCharCode(v);
      i += 2;
    } else return undefined;
  }
  return out;
}

/** Go's `strconv.ParseInt(text, 0, 64)`: optional sign, base prefixes, underscores; undefined on error. */
export function parseGoInt(text: string): bigint | undefined {
  let s = text;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  let digits: RegExp = /^[0-9]+$/;
  let prefix = '';
  if (/^0[xX]/.test(s)) {
    prefix = '0x';
    digits = /^[0-9a-fA-F]+$/;
    s = s.slice(2);
  } else if (/^0[oO]/.test(s)) {
    prefix = '0o';
    digits = /^[0-7]+$/;
    s = s.slice(2);
  } else if (/^0[bB]/.test(s)) {
    prefix = '0b';
    digits = /^[01]+$/;
    s = s.slice(2);
  } else if (/^0[0-9_]/.test(s)) {
    prefix = '0o';
    digits = /^[0-7]+$/;
    s = s.slice(1);
  }
  if (s.includes('_')) {
    // Underscores only between digits or after a base prefix (Go's underscoreOK).
    if (!/^_?[^_]+(_[^_]+)*$/.test(s) || (s.startsWith('_') && prefix === '')) return undefined;
    s = s.replaceAll('_', '');
  }
  if (!digits.test(s)) return undefined;
  const v = BigInt(`${prefix}${s}`) * (neg ? -1n : 1n);
  return BigInt.asIntN(64, v) === v ? v : undefined;
}

/** Go's float syntax for template number constants (decimal or hexadecimal, underscores allowed). */
function parseGoFloatConstant(text: string): number | undefined {
  const s = text.replaceAll('_', '');
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    const v = Number(s);
    return Number.isFinite(v) ? v : undefined;
  }
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(s);
  if (hex && (hex[2] || hex[3])) {
    const mant = Number.parseInt(`${hex[2]}${hex[3]}` || '0', 16);
    const v = mant * 2 ** (Number(hex[4]) - 4 * hex[3]!.length);
    return hex[1] === '-' ? -v : v;
  }
  return undefined;
}

/**
 * Nesting allowed in one template: parenthesized pipelines plus `if`/`with`/`range`/`block` bodies (an `else if`
 * counts as one more level). The parser and the executor recurse once per level and the JS stack holds about
 * 2000 levels, so deeper text (untrusted: provider files may come from URLs) is a parse error rather than a
 * stack overflow. Go 1.19 has no such limit; later Go stops nested parentheses at 10000 with the same message.
 */
export const MAX_NESTING_DEPTH = 500;

/** Options of a parse: the names of the functions the template may call. */
export interface ParseOptions {
  functions: ReadonlySet<string>;
}

/**
 * Parses `text` as a template named `name`. Returns the tree set (main tree under `name`, plus each
 * `define`/`block`). Throws GoTemplateError (kind `parse`).
 */
export function parseTree(text: string, name: string, options: ParseOptions): TreeSet {
  const tokens = lex(text);
  const trees: TreeSet = new Map();
  let i = 0;
  let vars: string[] = ['$'];
  let rangeDepth = 0;
  let treeName = name;
  let nesting = 0;

  const fail = (tok: Token, message: string): never => {
    throw new GoTemplateError('parse', name, tok.line, undefined, message, tok.column);
  };
  /** Parses one nested level with `parse`, failing at `tok` beyond MAX_NESTING_DEPTH. */
  const nested = <T>(tok: Token, parse: () => T): T => {
    if (nesting === MAX_NESTING_DEPTH) fail(tok, 'max expression depth exceeded');
    nesting++;
    const result = parse();
    nesting--;
    return result;
  };
  const next = () => {
    const t = tokens[i++]!;
    if (t.type === 'error') fail(t, t.value);
    return t;
  };
  const peek = () => tokens[i]!;
  const nextNonSpace = () => {
    let t = next();
    while (t.type === 'space') t = next();
    return t;
  };
  const peekNonSpace = () => {
    let j = i;
    while (tokens[j]!.type === 'space') j++;
    return tokens[j]!;
  };
  const describe = (t: Token) =>
    t.type === 'eof' ? 'EOF' : t.type === 'right' ? '"}}"' : `${JSON.stringify(t.value)}`;
  const unexpected = (t: Token, context: string): never => fail(t, `unexpected ${describe(t)} in ${context}`);
  const expect = (type: TokenType, context: string) => {
    const t = nextNonSpace();
    if (t.type !== type) unexpected(t, context);
    return t;
  };
  const posOf = (t: Token): Pos => ({ line: t.line, col: t.col, column: t.column });

  const addTree = (treeKey: string, list: Node[], at: Token) => {
    const existing = trees.get(treeKey);
    if (existing === undefined || isEmptyTree(existing)) trees.set(treeKey, list);
    else if (!isEmptyTree(list)) fail(at, `template: multiple definition of template "${treeKey}"`);
  };

  // Main tree: items until EOF; `define` blocks are collected on the side.
  const main: Node[] = [];
  for (;;) {
    const t = peek();
    if (t.type === 'eof') break;
    if (t.type === 'left') {
      const save = i;
      next();
      const kw = nextNonSpace();
      if (kw.type === 'keyword' && kw.value === 'define') {
        parseDefinition(t);
        continue;
      }
      i = save;
    }
    const node = textOrAction();
    if (node.kind === 'end' || node.kind === 'else')
      fail(node.tok, `unexpected ${describe(node.tok).replaceAll('"', '')}`);
    if (node.kind === 'node') main.push(node.node);
  }
  addTree(name, main, tokens[tokens.length - 1]!);
  return trees;

  function parseDefinition(at: Token) {
    const nameTok = nextNonSpace();
    if (nameTok.type !== 'string' && nameTok.type !== 'rawString') unexpected(nameTok, 'define clause');
    const defName = stringValue(nameTok);
    expect('right', 'define clause');
    const savedVars = vars;
    const savedName = treeName;
    vars = ['$'];
    treeName = defName;
    const [list, end] = itemList();
    if (end.kind !== 'end') fail(end.tok, 'unexpected {{else}} in define clause');
    addTree(defName, list, at);
    vars = savedVars;
    treeName = savedName;
  }

  type Item =
    | { kind: 'node'; node: Node }
    | { kind: 'none' }
    | { kind: 'end'; tok: Token }
    | { kind: 'else'; tok: Token; elseIf: boolean };

  function itemList(): [Node[], Extract<Item, { kind: 'end' | 'else' }>] {
    const list: Node[] = [];
    for (;;) {
      if (peek().type === 'eof') fail(peek(), `unexpected EOF`);
      const item = textOrAction();
      if (item.kind === 'end' || item.kind === 'else') return [list, item];
      if (item.kind === 'node') list.push(item.node);
    }
  }

  function textOrAction(): Item {
    const t = next();
    if (t.type === 'text') return { kind: 'node', node: { type: 'text', text: t.value } };
    if (t.type !== 'left') return unexpected(t, 'input');
    if (peekNonSpace().type === 'left') return unexpected(peekNonSpace(), 'input');
    return action(t);
  }

  function action(left: Token): Item {
    const t = nextNonSpace();
    if (t.type === 'keyword') {
      switch (t.value) {
        case 'block':
          return { kind: 'node', node: nested(t, () => blockControl(t)) };
        case 'break':
        case 'continue': {
          if (rangeDepth === 0) fail(t, `{{${t.value}}} outside {{range}}`);
          expect('right', t.value);
          return { kind: 'node', node: { type: t.value, pos: posOf(t) } };
        }
        case 'else': {
          if (peekNonSpace().type === 'keyword' && peekNonSpace().value === 'if')
            return { kind: 'else', tok: t, elseIf: true };
          expect('right', 'else');
          return { kind: 'else', tok: t, elseIf: false };
        }
        case 'end':
          expect('right', 'end');
          return { kind: 'end', tok: t };
        case 'if':
        case 'with':
        case 'range':
          return { kind: 'node', node: nested(t, () => control(t.value as ControlNode['type'], t)) };
        case 'template':
          return { kind: 'node', node: templateControl() };
        case 'define':
          return fail(t, 'unexpected "define" in command');
      }
    }
    i--;
    while (tokens[i - 1]!.type === 'space') i--;
    return { kind: 'node', node: { type: 'action', pos: posOf(left), pipe: pipeline('command', 'right') } };
  }

  function control(kind: 'if' | 'with' | 'range', t: Token): Node {
    const mark = vars.length;
    const pipe = pipeline(kind, 'right');
    if (kind === 'range') rangeDepth++;
    const [list, end] = itemList();
    if (kind === 'range') rangeDepth--;
    let elseList: Node[] | undefined;
    if (end.kind === 'else') {
      if (end.elseIf && kind !== 'if') fail(end.tok, 'unexpected <if> in input');
      if (end.elseIf) {
        nextNonSpace(); // the `if`
        elseList = [nested(end.tok, () => control('if', end.tok))];
      } else {
        const [l, e] = itemList();
        if (e.kind !== 'end') fail(e.tok, 'expected end; found {{else}}');
        elseList = l;
      }
    }
    vars.length = mark;
    return { type: kind, pos: posOf(t), pipe, list, elseList };
  }

  function templateControl(): Node {
    const nameTok = nextNonSpace();
    if (nameTok.type !== 'string' && nameTok.type !== 'rawString') unexpected(nameTok, 'template clause');
    const tmplName = stringValue(nameTok);
    let pipe: Pipe | undefined;
    if (nextNonSpace().type !== 'right') {
      i--;
      pipe = pipeline('template clause', 'right');
    }
    return { type: 'template', pos: posOf(nameTok), name: tmplName, pipe };
  }

  function blockControl(t: Token): Node {
    const nameTok = nextNonSpace();
    if (nameTok.type !== 'string' && nameTok.type !== 'rawString') unexpected(nameTok, 'block clause');
    const blockName = stringValue(nameTok);
    const pipe = pipeline('block clause', 'right');
    const savedVars = vars;
    const savedRange = rangeDepth;
    vars = ['$'];
    rangeDepth = 0;
    const [list, end] = itemList();
    if (end.kind !== 'end') fail(end.tok, 'unexpected {{else}} in block clause');
    addTree(blockName, list, t);
    vars = savedVars;
    rangeDepth = savedRange;
    return { type: 'template', pos: posOf(nameTok), name: blockName, pipe };
  }

  function stringValue(t: Token): string {
    if (t.type === 'rawString') return t.value.slice(1, -1).replaceAll('\r', '');
    const v = unquoteGo(t.value.slice(1, -1), '"');
    if (v === undefined) fail(t, `invalid syntax`);
    return v!;
  }

  function pipeline(context: string, end: 'right' | 'rparen'): Pipe {
    const start = peekNonSpace();
    const pipe: Pipe = { pos: posOf(start), decl: [], isAssign: false, cmds: [] };
    // Declarations: `$x :=`, `$x =`, or `$i, $v :=` (range only).
    const save = i;
    const v = nextNonSpace();
    if (v.type === 'variable') {
      const after = nextNonSpace();
      if (after.type === 'declare' || after.type === 'assign') {
        pipe.decl.push(v.value);
        pipe.isAssign = after.type === 'assign';
        if (after.type === 'declare') vars.push(v.value);
      } else if (after.type === 'comma') {
        const v2 = nextNonSpace();
        const op = nextNonSpace();
        if (context !== 'range' || v2.type !== 'variable' || (op.type !== 'declare' && op.type !== 'assign'))
          fail(after, `too many declarations in ${context}`);
        pipe.decl.push(v.value, v2.value);
        pipe.isAssign = op.type === 'assign';
        if (op.type === 'declare') vars.push(v.value, v2.value);
      } else i = save;
    } else i = save;
    for (;;) {
      const t = nextNonSpace();
      if (t.type === end) {
        checkPipeline(pipe, context, t);
        return pipe;
      }
      if (t.type === 'eof' || t.type === 'right' || t.type === 'rparen') unexpected(t, context);
      i--;
      pipe.cmds.push(command());
    }
  }

  function checkPipeline(pipe: Pipe, context: string, t: Token) {
    if (pipe.cmds.length === 0) fail(t, `missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, k) => {
      const kind = c.args[0]!.type;
      if (kind === 'bool' || kind === 'dot' || kind === 'nil' || kind === 'number' || kind === 'string')
        fail(t, `non executable command in pipeline stage ${k + 2}`);
    });
  }

  function command(): Command {
    const first = peekNonSpace();
    const cmd: Command = { pos: posOf(first), args: [] };
    for (;;) {
      while (peek().type === 'space') next();
      const op = operand();
      if (op !== undefined) cmd.args.push(op);
      const t = next();
      if (t.type === 'space') {
        const n = peekNonSpace();
        if (n.type === 'right' || n.type === 'rparen') {
          break;
        }
        if (n.type === 'pipe') {
          nextNonSpace();
          break;
        }
        continue;
      }
      if (t.type === 'right' || t.type === 'rparen') {
        i--;
        break;
      }
      if (t.type === 'pipe') break;
      unexpected(t, 'operand');
    }
    if (cmd.args.length === 0) fail(first, 'empty command');
    return cmd;
  }

  function operand(): Operand | undefined {
    const node = term();
    if (node === undefined) return undefined;
    if (peek().type !== 'field') return node;
    const chainPos = posOf(peek()); // Go positions a field chain at its second field
    const idents: string[] = [];
    while (peek().type === 'field') idents.push(next().value.slice(1));
    switch (node.type) {
      case 'field':
        return { ...node, pos: chainPos, idents: [...node.idents, ...idents] };
      case 'variable':
        return { ...node, pos: chainPos, idents: [...node.idents, ...idents] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        return fail(tokens[i - 1]!, `unexpected . after term ${JSON.stringify(node.type)}`);
      default:
        return { type: 'chain', pos: chainPos, node, idents };
    }
  }

  function term(): Operand | undefined {
    const t = next();
    const pos = posOf(t);
    switch (t.type) {
      case 'identifier':
        if (!options.functions.has(t.value)) fail(t, `function "${t.value}" not defined`);
        return { type: 'function', pos, name: t.value };
      case 'dot':
        return { type: 'dot', pos };
      case 'keyword':
        if (t.value === 'nil') return { type: 'nil', pos };
        break;
      case 'variable':
        if (!vars.includes(t.value)) fail(t, `undefined variable "${t.value}"`);
        return { type: 'variable', pos, name: t.value, idents: [] };
      case 'field':
        return { type: 'field', pos, idents: [t.value.slice(1)] };
      case 'bool':
        return { type: 'bool', pos, value: t.value === 'true' };
      case 'char':
      case 'number':
        return numberNode(t);
      case 'lparen': {
        const pipe = nested(t, () => pipeline('parenthesized pipeline', 'rparen'));
        return { type: 'pipe', pos, pipe };
      }
      case 'string':
      case 'rawString':
        return { type: 'string', pos, value: stringValue(t), text: t.value };
    }
    i--;
    return undefined;
  }

  function numberNode(t: Token): Operand {
    const pos = posOf(t);
    if (t.type === 'char') {
      const v = unquoteGo(t.value.slice(1, -1), "'");
      if (v === undefined || [...v].length !== 1) fail(t, `malformed character constant: ${t.value}`);
      const cp = BigInt(v!.codePointAt(0)!);
      return { type: 'number', pos, text: t.value, int: cp, float: Number(cp), isChar: true };
    }
    const text = t.value;
    if (/[iI]$/.test(text)) fail(t, `complex constants are not supported: ${text}`);
    let int = parseGoInt(text);
    let float = parseGoFloatConstant(text);
    if (int !== undefined) float = Number(int);
    else if (float !== undefined && Number.isInteger(float) && Math.abs(float) < 2 ** 63) int = BigInt(float);
    if (int === undefined && float === undefined) fail(t, `illegal number syntax: "${text}"`);
    // An integer too large for int64 and uint64 is rejected at parse time; one that fits uint64 fails later.
    if (int === undefined && !/[.eEpP]/.test(text) && !/^[xX]/.test(text.replace(/^[+-]?0/, ''))) {
      const u = /^\+?\d[\d_]*$/.test(text) ? BigInt(text.replace(/[+_]/g, '')) : undefined;
      if (u === undefined || u >= 2n ** 64n) fail(t, `integer overflow: "${text}"`);
    }
    return { type: 'number', pos, text, int, float, isChar: false };
  }
}

/** Go's parse.IsEmptyTree: only whitespace text (and comments, already dropped) counts as empty. */
function isEmptyTree(list: Node[]): boolean {
  return list.every((n) => n.type === 'text' && n.text.trim() === '' && !/[^ \t\r\n]/.test(n.text));
}
