/**
 * YAML/JSON text → plain value, keeping source positions so later validation errors can say where a field is.
 * JSON is parsed by the same YAML 1.2 parser (JSON is a subset), so both get the same positions and errors.
 * YAML 1.2's core schema is used, with `<<` merge keys (which PyYAML, slo-generator's parser, supports): it
 * keeps `y`/`n`, dates and version-like strings as strings, where full YAML 1.1 would change their meaning.
 */
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { ConfigIssue } from './errors.js';

/** A parsed config document: its value and a way to find where any field was written. */
export interface SourceDocument {
  file: string;
  value: unknown;
  /** Line/column of the node at `path` (or of key `key` inside it); falls back to the nearest ancestor. */
  locate(path: readonly PropertyKey[], key?: string): { line: number; column: number };
  /** The text of the scalar at `path` as written (`1.0` stays `1.0`), or undefined if there is none. */
  sourceText(path: readonly PropertyKey[]): string | undefined;
}

/** Parses YAML or JSON text. Syntax errors are returned as issues (all of them), never thrown. */
export function parseSource(text: string, file: string): { doc: SourceDocument; issues: ConfigIssue[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  // Warnings (an unknown tag, say) change what a value means: they are errors here.
  const issues: ConfigIssue[] = [...document.errors, ...document.warnings].map((error) => {
    const pos = lineCounter.linePos(error.pos[0]);
    return {
      file,
      line: pos.line,
      column: pos.col,
      path: '',
      message: `invalid YAML: ${firstLine(error.message)}`,
    };
  });
  const position = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const locate = (path: readonly PropertyKey[], key?: string) => {
    let node: unknown = document.contents;
    let best = node && isNode(node) && node.range ? node.range[0] : 0;
    for (const part of path) {
      const next = childOf(node, part);
      if (!next) break;
      node = next;
      if (isNode(node) && node.range) best = node.range[0];
    }
    if (key !== undefined && isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
      if (pair && isNode(pair.key) && pair.key.range) best = pair.key.range[0];
    }
    return position(best);
  };
  const sourceText = (path: readonly PropertyKey[]) => {
    let node: unknown = document.contents;
    for (const part of path) {
      node = childOf(node, part);
      if (isAlias(node)) node = node.resolve(document);
    }
    return isScalar(node) && typeof node.source === 'string' ? node.source : undefined;
  };
  let value: unknown;
  if (!issues.length) {
    try {
      value = document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // Errors found while building values (a bad merge source, say); the message may quote user text.
      const first = String((error as Error).message)
        .split('\n')[0]!
        .replace(/:.*$/, '');
      issues.push({ file, line: 0, column: 0, path: '', message: `invalid YAML: ${first}` });
    }
  }
  return { doc: { file, value, locate, sourceText }, issues };
}

function childOf(node: unknown, part: PropertyKey): Node | undefined {
  if (isMap(node)) {
    const pair = node.items.find(
      (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(part),
    );
    return pair && isNode(pair.value) ? pair.value : pair && isNode(pair.key) ? pair.key : undefined;
  }
  if (isSeq(node) && typeof part === 'number') {
    const item = node.items[part];
    return isNode(item) ? item : undefined;
  }
  return undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
