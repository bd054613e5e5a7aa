/**
 * YAML/JSON text → plain value, keeping source positions so later validation errors can say where a field is.
 * JSON is parsed by the same YAML 1.2 parser (JSON is a subset), so both get the same positions and errors.
 * YAML 1.2's core schema is used, with `<<` merge keys (which PyYAML, slo-generator's parser, supports): it
 * keeps `y`/`n`, dates and version-like strings as strings, where full YAML 1.1 would change their meaning.
 */
import type { Document, Node, Pair, YAMLError, YAMLMap } from 'yaml';
import { type ConfigIssue, formatPath } from './errors.js';
import { readFastYaml } from './yaml-fast.js';
import { yamlLibrary } from './yaml-library.js';

/** A parsed config document: its value and a way to find where any field was written. */
export interface SourceDocument {
  file: string;
  value: unknown;
  /** Line/column of the node at `path` (or of key `key` inside it); falls back to the nearest ancestor. */
  locate(path: readonly PropertyKey[], key?: string): { line: number; column: number };
  /** The text of the scalar at `path` as written (`1.0` stays `1.0`), or undefined if there is none. */
  sourceText(path: readonly PropertyKey[]): string | undefined;
  /** Path (map keys, sequence indices) of the innermost node whose text contains `offset`. */
  pathAt(offset: number): PropertyKey[];
}

/**
 * Nodes that aliases may add to one document ("billion laughs" guard): at least 1,000, and as many as the text
 * has characters, so a value is never more than about twice the size of its file, while a rule file that
 * reuses an anchor in every rule still loads. yaml's own `maxAliasCount` counts references to an anchor, not
 * the nodes they expand to, so a large anchor referenced a few hundred times would pass it.
 */
const aliasBudget = (text: string) => Math.max(1000, text.length);

/**
 * Parses YAML or JSON text. Problems are returned as issues (all of them), never thrown. `doc.value` is
 * undefined when the text could not be read as a value (a syntax error); with only duplicate keys it is built
 * (the later value wins, as YAML libraries do) so callers can still report every other problem at once.
 *
 * Texts in the plain subset of yaml-fast.ts are read by that reader (same value, no issues); their
 * positioned document is built only if a position is asked for, which happens when something is wrong.
 */
export function parseSource(text: string, file: string): { doc: SourceDocument; issues: ConfigIssue[] } {
  const fast = readFastYaml(text);
  if (!fast) return parsePositioned(text, file);
  let positioned: SourceDocument | undefined;
  const full = () => {
    positioned ??= parsePositioned(text, file).doc;
    return positioned;
  };
  const doc: SourceDocument = {
    file,
    value: fast.value,
    locate: (path, key) => full().locate(path, key),
    sourceText: fast.sourceText,
    pathAt: (offset) => full().pathAt(offset),
  };
  return { doc, issues: [] };
}

/** `parseSource` with the full parser: every text, every issue, positions from the start. */
export function parsePositioned(text: string, file: string): { doc: SourceDocument; issues: ConfigIssue[] } {
  const { isAlias, isMap, isNode, isScalar, LineCounter, parseDocument } = yamlLibrary();
  const lineCounter = new LineCounter();
  // yaml's own `uniqueKeys` check compares every key with every other (quadratic): `duplicateKeys` is linear.
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, merge: true });
  const position = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const issueAt = (offset: number, message: string): ConfigIssue => ({
    file,
    ...position(offset),
    path: '',
    message: `invalid YAML: ${message}`,
  });
  // Warnings (an unknown tag, say) change what a value means: they are errors here.
  const issues = [...document.errors, ...document.warnings].map((error) =>
    issueAt(error.pos[0], yamlErrorMessage(error)),
  );
  const duplicates = duplicateKeys(document);
  const index = new WeakMap<YAMLMap, Map<string, Pair>>();
  const child = (node: unknown, part: PropertyKey) => childOf(node, part, index);
  const locate = (path: readonly PropertyKey[], key?: string) => {
    let node: unknown = document.contents;
    let best = node && isNode(node) && node.range ? node.range[0] : 0;
    for (const part of path) {
      const next = child(node, part);
      if (!next) break;
      node = next;
      if (isNode(node) && node.range) best = node.range[0];
    }
    if (key !== undefined && isMap(node)) {
      const pair = pairsOf(node, index).get(key);
      if (pair && isNode(pair.key) && pair.key.range) best = pair.key.range[0];
    }
    return position(best);
  };
  const sourceText = (path: readonly PropertyKey[]) => {
    let node: unknown = document.contents;
    for (const part of path) {
      node = child(node, part);
      if (isAlias(node)) node = node.resolve(document);
    }
    return isScalar(node) && typeof node.source === 'string' ? node.source : undefined;
  };
  const pathAt = (offset: number) => pathOfOffset(document.contents, offset);
  let value: unknown;
  const readable = !issues.length;
  for (const { key, offset, first } of duplicates) {
    const where = position(first);
    issues.push({
      file,
      ...position(offset),
      path: formatPath([...pathAt(offset).slice(0, -1), key]),
      message: `duplicate key "${key}" (first written at line ${where.line}, column ${where.column}); keys of a map must be unique`,
    });
  }
  const budget = aliasBudget(text);
  const excessive = readable ? aliasOverBudget(document, budget) : undefined;
  if (excessive !== undefined) {
    issues.push(
      issueAt(
        excessive,
        `excessive aliases: they would add more than ${budget} nodes (the limit grows with the file's size)`,
      ),
    );
  } else if (readable) {
    try {
      value = document.toJS({ maxAliasCount: -1 }); // bounded by aliasOverBudget
    } catch (error) {
      // Errors found while building values carry no position and may quote user text: find the node.
      const found = buildErrorAt(document, String((error as Error).message));
      issues.push(issueAt(found.offset, found.message));
    }
  }
  issues.sort((x, y) => x.line - y.line || x.column - y.column);
  return { doc: { file, value, locate, sourceText, pathAt }, issues };
}

/**
 * A parser message without the text it quotes: a tag is the start of a value (`password: ${PW}` with a
 * secret starting with `!` reads as a tag), so it is never shown.
 */
function yamlErrorMessage(error: YAMLError): string {
  if (error.code === 'TAG_RESOLVE_FAILED')
    return 'unresolved tag (a value starting with "!" is read as a YAML tag; quote the value)';
  return error.message.split('\n')[0] ?? error.message;
}

/**
 * The node that made `toJS` throw, and a message that does not quote user text. One pass over the document:
 * anchors are tracked as they are defined (as YAML resolves them) and each anchored node is searched for
 * nested aliases at most once, so a file of many aliases costs linear time here too.
 */
function buildErrorAt(document: Document, thrown: string): { offset: number; message: string } {
  const { isAlias, isMap, isNode, isScalar, isSeq, visit } = yamlLibrary();
  const anchors = new Map<string, Node>();
  let found: { offset: number; message: string } | undefined;
  let firstAlias: number | undefined;
  const at = (node: Node | Pair['key'], message: string) => {
    found = { offset: isNode(node) && node.range ? node.range[0] : 0, message };
    return visit.BREAK;
  };
  visit(document, {
    Node(_, node) {
      if (isNode(node) && node.anchor && !isAlias(node)) anchors.set(node.anchor, node);
    },
    Alias(_, alias) {
      firstAlias ??= alias.range?.[0];
      const target = anchors.get(alias.source);
      if (!target) return at(alias, `alias "*${alias.source}" refers to no anchor defined before it`);
      return undefined;
    },
    Pair(_, pair) {
      if (!isScalar(pair.key) || pair.key.source !== '<<') return undefined;
      const mergeable = (node: unknown) => isMap(node) || (isAlias(node) && isMap(anchors.get(node.source)));
      const ok = isSeq(pair.value) ? pair.value.items.every(mergeable) : mergeable(pair.value);
      return ok ? undefined : at(pair.key, 'merge sources (<<) must be maps or aliases of maps');
    },
  });
  if (found) return found;
  return { offset: firstAlias ?? 0, message: thrown.split('\n')[0]!.replace(/:.*$/, '') };
}

/**
 * The offset of the alias at which the nodes added by aliases, in document order, pass `budget`; undefined
 * when they never do. Each node's expanded size is computed once (anchors may only name earlier nodes, and an
 * alias inside its own anchor counts as one node), so this costs linear time however the aliases nest.
 */
function aliasOverBudget(document: Document, budget: number): number | undefined {
  const { isAlias, isMap, isNode, isPair, isSeq, visit } = yamlLibrary();
  const anchors = new Map<string, Node>();
  const sizes = new WeakMap<object, number>();
  const sizing = new WeakSet<object>();
  const sizeOf = (node: unknown): number => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      return target ? sizeOf(target) : 1;
    }
    if (!node || typeof node !== 'object') return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (sizing.has(node)) return 1;
    sizing.add(node);
    let size = 1;
    if (isMap(node) || isSeq(node))
      for (const item of node.items)
        size += isPair(item) ? sizeOf(item.key) + sizeOf(item.value) : sizeOf(item);
    sizes.set(node, size);
    return size;
  };
  let added = 0;
  let over: number | undefined;
  visit(document, {
    Node(_, node) {
      if (isNode(node) && node.anchor && !isAlias(node)) anchors.set(node.anchor, node);
    },
    Alias(_, alias) {
      added += sizeOf(alias);
      if (added <= budget) return undefined;
      over = alias.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return over;
}

/**
 * Scalar keys repeated within one map (merge keys `<<` may repeat), in one pass per map. Keys are compared as
 * the value's object keys will be (`6` and `"6"` are the same key), so no value silently replaces another.
 */
function duplicateKeys(document: Document): { key: string; offset: number; first: number }[] {
  const { isScalar, visit } = yamlLibrary();
  const found: { key: string; offset: number; first: number }[] = [];
  visit(document, {
    Map(_, map) {
      const seen = new Map<string, number>();
      for (const pair of map.items) {
        if (!isScalar(pair.key) || pair.key.source === '<<') continue;
        const key = String(pair.key.value);
        const offset = pair.key.range?.[0] ?? 0;
        const first = seen.get(key);
        if (first === undefined) seen.set(key, offset);
        else found.push({ key, offset, first });
      }
    },
  });
  return found;
}

/** The key → pair index of a map, built once per map so lookups stay constant-time on large maps. */
function pairsOf(node: YAMLMap, index: WeakMap<YAMLMap, Map<string, Pair>>): Map<string, Pair> {
  const { isPair, isScalar } = yamlLibrary();
  let pairs = index.get(node);
  if (!pairs) {
    pairs = new Map();
    for (const item of node.items) {
      if (isPair(item) && isScalar(item.key)) {
        const key = String(item.key.value);
        if (!pairs.has(key)) pairs.set(key, item);
      }
    }
    index.set(node, pairs);
  }
  return pairs;
}

function childOf(
  node: unknown,
  part: PropertyKey,
  index: WeakMap<YAMLMap, Map<string, Pair>>,
): Node | undefined {
  const { isMap, isNode, isSeq } = yamlLibrary();
  if (isMap(node)) {
    const pair = pairsOf(node, index).get(String(part));
    return pair && isNode(pair.value) ? pair.value : pair && isNode(pair.key) ? pair.key : undefined;
  }
  if (isSeq(node) && typeof part === 'number') {
    const item = node.items[part];
    return isNode(item) ? item : undefined;
  }
  return undefined;
}

function pathOfOffset(root: unknown, offset: number): PropertyKey[] {
  const { isMap, isNode, isScalar, isSeq } = yamlLibrary();
  const path: PropertyKey[] = [];
  let node = root;
  for (;;) {
    if (isMap(node)) {
      const i = lastStartingAtOrBefore(node.items, offset, (pair) =>
        isNode(pair.key) ? pair.key.range?.[0] : undefined,
      );
      const pair = i === undefined ? undefined : node.items[i];
      const end = pair && isNode(pair.value) ? pair.value.range?.[2] : undefined;
      if (!pair || !isScalar(pair.key) || end === undefined || offset > end) return path;
      path.push(String(pair.key.value));
      node = pair.value;
    } else if (isSeq(node)) {
      const i = lastStartingAtOrBefore(node.items, offset, (item) =>
        isNode(item) ? item.range?.[0] : undefined,
      );
      const item = i === undefined ? undefined : node.items[i];
      if (!isNode(item) || !item.range || offset > item.range[2]) return path;
      path.push(i!);
      node = item;
    } else return path;
  }
}

/** Binary search over items in document order: the last one whose start is at or before `offset`. */
function lastStartingAtOrBefore<T>(
  items: readonly T[],
  offset: number,
  start: (item: T) => number | undefined,
): number | undefined {
  let low = 0;
  let high = items.length - 1;
  let found: number | undefined;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const at = start(items[mid]!);
    if (at === undefined) return undefined;
    if (at <= offset) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}
