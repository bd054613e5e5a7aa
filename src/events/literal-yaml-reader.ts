/**
 * Reading slo-exporter's YAML files the way Go's yaml.v2 decodes them into typed structs (strict mode):
 * scalars as their literal text (`6` stays `"6"`, `8.0` stays `"8.0"`, `~`/`null` are `""`), a map or a list
 * where a scalar belongs is an error, unknown keys are errors (with a "did you mean"). Every problem becomes a
 * positioned `ConfigIssue` (file, line, column, field path) pushed onto the caller's list.
 */
import { didYouMean } from '../config/did-you-mean.js';
import { type ConfigIssue, formatPath } from '../config/errors.js';
import type { SourceDocument } from '../config/yaml-source.js';

/** A path of map keys and list indices inside a document. */
export type YamlPath = readonly (string | number)[];

const TRUE_WORDS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE_WORDS = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);

/** True for a YAML map (a plain object). */
export const isYamlMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads values of one parsed document, reporting problems into `issues`. */
export class LiteralYamlReader {
  constructor(
    readonly doc: SourceDocument,
    readonly issues: ConfigIssue[],
  ) {}

  /** The value at `path` in the document, or undefined when a part is missing. */
  valueAt(path: YamlPath): unknown {
    let current = this.doc.value;
    for (const part of path) {
      if (typeof current !== 'object' || current === null || !Object.hasOwn(current, part)) return undefined;
      current = (current as Record<string | number, unknown>)[part];
    }
    return current;
  }

  /** "a map", "a list", "null" or the JavaScript type, for messages. */
  describeType(value: unknown): string {
    if (value === null) return 'null';
    if (Array.isArray(value)) return 'a list';
    return typeof value === 'object' ? 'a map' : typeof value;
  }

  /** The literal text of a scalar (null → ""), or undefined with an issue when it is a map or list. */
  scalar(path: YamlPath, value: unknown): string | undefined {
    if (value === undefined) return undefined;
    if (value === null) return '';
    if (typeof value === 'object') {
      this.issue(path, `expected a single value, got ${this.describeType(value)}`);
      return undefined;
    }
    return this.doc.sourceText(path) ?? String(value);
  }

  /** A boolean, YAML 1.1's words (`True`, `yes`, `on`, …) included; undefined when absent or invalid. */
  boolean(path: YamlPath, value: unknown): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string' && TRUE_WORDS.has(value)) return true;
    if (typeof value === 'string' && FALSE_WORDS.has(value)) return false;
    this.issue(path, `expected true or false, got ${this.describeType(value)} ${JSON.stringify(value)}`);
    return undefined;
  }

  /** True when `value` is a map; reports it otherwise, and reports each key not in `known` (if given). */
  expectMap(path: YamlPath, value: unknown, known?: readonly string[]): value is Record<string, unknown> {
    if (!isYamlMap(value)) {
      this.issue(path, `expected a map, got ${this.describeType(value)}`);
      return false;
    }
    if (!known) return true;
    for (const key of Object.keys(value)) if (!known.includes(key)) this.unknownKey(path, key, known);
    return true;
  }

  /** Reports the key `key` of the map at `path` as unknown, with a "did you mean" among `known`. */
  unknownKey(path: YamlPath, key: string, known: readonly string[]): void {
    const hint = didYouMean(key, known);
    this.issue(
      path,
      `unknown field "${key}"${hint ? `; did you mean "${hint}"?` : ` (expected one of: ${known.join(', ')})`}`,
      key,
    );
  }

  /** Records an issue at `path` (or at its key `key`). */
  issue(path: YamlPath, message: string, key?: string): void {
    const at = this.doc.locate(path, key);
    const field = key === undefined ? path : [...path, key];
    this.issues.push({
      file: this.doc.file,
      line: at.line,
      column: at.column,
      path: formatPath(field),
      message,
    });
  }
}
