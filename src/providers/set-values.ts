/**
 * `--set` values as Helm reads them (Iter8's CLI passed `--set` through Helm): `a.b=c` sets `{a: {b: c}}`;
 * one argument may hold several assignments separated by commas (`a=1,b=2`); `list[0]=x` sets a list item;
 * `a={x,y}` sets a list; a backslash escapes the next character (`\,` `\.` `\=`). Values are typed as
 * Helm's `typedVal` types them: `true`/`false` (any case) are booleans, `null` (any case) is null, an
 * integer without a leading zero (`0`, `42`, `-7`, within int64) is a number, anything else (`1.5`, `007`,
 * `2020-02-01T09:44:40Z`) stays text. Pure.
 */
import type { Values } from './values.js';

/** A `--set` argument that cannot be read; the message names the argument. */
export class SetValueError extends Error {
  override name = 'SetValueError';
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Helm's typing of one `--set` value (see the module comment). */
export function typedSetValue(text: string): unknown {
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (text === '0') return 0;
  if (text !== '' && text[0] !== '0' && /^[+-]?[0-9]+$/.test(text)) {
    const n = BigInt(text);
    if (n >= INT64_MIN && n <= INT64_MAX) return Number(n);
  }
  return text;
}

/** Splits `text` at unescaped `separator`s, removing the escapes of other characters only where asked. */
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[i + 1];
      i++;
    } else if (c === '{') {
      depth++;
      current += c;
    } else if (c === '}') {
      depth = Math.max(0, depth - 1);
      current += c;
    } else if (c === separator && depth === 0) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

const dropEscapes = (text: string) => text.replace(/\\(.)/g, '$1');

/** The path of a key: dotted names, `name[3]` indexes. */
function keyPath(key: string, arg: string): (string | number)[] {
  const path: (string | number)[] = [];
  for (const raw of splitUnescaped(key, '.')) {
    const m = /^(.*?)((?:\[\d+\])*)$/.exec(raw)!;
    const name = dropEscapes(m[1]!);
    if (name === '') throw new SetValueError(`--set ${arg}: empty name in key "${key}"`);
    path.push(name);
    for (const index of m[2]!.matchAll(/\[(\d+)\]/g)) {
      const n = Number(index[1]);
      if (n > 65536) throw new SetValueError(`--set ${arg}: list index ${n} is too large`);
      path.push(n);
    }
  }
  return path;
}

function assign(target: Values, path: readonly (string | number)[], value: unknown): void {
  let node: Record<string | number, unknown> = target;
  for (let i = 0; i < path.length; i++) {
    const part = path[i]!;
    const last = i === path.length - 1;
    if (last) {
      node[part] = value;
      return;
    }
    const next = path[i + 1]!;
    const existing = Object.hasOwn(node, part) ? node[part] : undefined;
    const wantList = typeof next === 'number';
    const fits = wantList
      ? Array.isArray(existing)
      : typeof existing === 'object' && existing !== null && !Array.isArray(existing);
    if (!fits) node[part] = wantList ? [] : {};
    const child = node[part] as unknown[] | Values;
    if (Array.isArray(child)) while (child.length < (next as number)) child.push(null);
    node = child as Record<string | number, unknown>;
  }
}

/**
 * Applies one `--set` argument to `target` (changed in place). Throws SetValueError for an assignment
 * without `=` or with an empty name.
 */
export function applySetArgument(target: Values, arg: string): void {
  for (const item of splitUnescaped(arg, ',')) {
    if (item === '') continue;
    const eq = indexOfUnescaped(item, '=');
    if (eq < 0) throw new SetValueError(`--set ${arg}: expected key=value, got "${item}"`);
    const path = keyPath(item.slice(0, eq), arg);
    const raw = item.slice(eq + 1);
    const list = /^\{(.*)\}$/s.exec(raw);
    const value = list
      ? list[1] === ''
        ? []
        : splitUnescaped(list[1]!, ',').map((v) => typedSetValue(dropEscapes(v)))
      : typedSetValue(dropEscapes(raw));
    assign(target, path, value);
  }
}

function indexOfUnescaped(text: string, c: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === c) return i;
  }
  return -1;
}
