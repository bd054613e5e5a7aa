/**
 * slo-exporter module configs as viper reads them (shared/reference/slo-exporter.md §1.2): a module's keys are
 * case-insensitive (viper lower-cases every key, so `exceededKeyLimitPlaceholder` and
 * `ExceededKeyLimitPlaceholder` are the same field), unknown keys are errors (`UnmarshalExact`), scalars are
 * read as their literal text and durations as spf13/cast's `ToDuration` reads them (a bare number is
 * nanoseconds). Every module parser (tailer, eventKeyGenerator, classifiers, prometheusExporter, ...) reads
 * its keys through this one class so the rules hold everywhere.
 */
import type { ConfigIssue } from '../config/errors.js';
import type { SourceDocument } from '../config/yaml-source.js';
import { parseGoDuration } from '../lang/go-duration.js';
import { LiteralYamlReader, type YamlPath } from './literal-yaml-reader.js';

/** spf13/cast `ToDuration`: a text without any unit letter is a number of nanoseconds. */
const UNIT_LETTERS = /[nsuµmh]/;

/** Reads the keys `K` of one module's config map; problems go to the caller's `issues`. */
export class ModuleConfigReader<K extends string> {
  readonly reader: LiteralYamlReader;
  /** Each known key as written in the file, by its canonical name. */
  private readonly written = new Map<K, string>();

  private constructor(
    readonly path: YamlPath,
    private readonly module: Record<string, unknown>,
    readonly keys: readonly K[],
    reader: LiteralYamlReader,
  ) {
    this.reader = reader;
    for (const key of Object.keys(module)) {
      const known = keys.find((k) => k.toLowerCase() === key.toLowerCase());
      if (known && !this.written.has(known)) this.written.set(known, key);
      else reader.unknownKey(path, key, keys);
    }
  }

  /**
   * Opens the module config at `path` in `doc`. A missing or null config reads as an empty map (every field
   * at its default); anything but a map is reported and gives undefined.
   */
  static open<K extends string>(
    doc: SourceDocument,
    path: YamlPath,
    keys: readonly K[],
    issues: ConfigIssue[],
  ): ModuleConfigReader<K> | undefined {
    const reader = new LiteralYamlReader(doc, issues);
    const module = reader.valueAt(path) ?? {};
    if (!reader.expectMap(path, module)) return undefined;
    return new ModuleConfigReader(path, module, keys, reader);
  }

  /** True when the key is set in the file (in any case). */
  has(key: K): boolean {
    return this.written.has(key);
  }

  /** The path of `key` as written (its canonical spelling when absent), for issues. */
  at(key: K): YamlPath {
    return [...this.path, this.written.get(key) ?? key];
  }

  /** The raw parsed value of `key`, undefined when absent. */
  value(key: K): unknown {
    const written = this.written.get(key);
    return written === undefined ? undefined : this.module[written];
  }

  /** The literal text of a scalar key (null → ""); undefined when absent or not a scalar (reported). */
  text(key: K): string | undefined {
    return this.reader.scalar(this.at(key), this.value(key));
  }

  /** A boolean key (YAML 1.1 words accepted); `fallback` when absent or invalid (reported). */
  boolean(key: K, fallback: boolean): boolean {
    return this.reader.boolean(this.at(key), this.value(key)) ?? fallback;
  }

  /**
   * A duration key in milliseconds: Go `time.ParseDuration` syntax, or a bare number of nanoseconds as
   * viper reads one. `fallback` (ms) when absent or empty; a bad or non-positive value is reported.
   */
  durationMs(key: K, fallback: number): number {
    const text = this.text(key);
    if (text === undefined || text === '') return fallback;
    const ns = parseGoDuration(UNIT_LETTERS.test(text) ? text : `${text}ns`);
    if (ns === undefined || ns <= 0) {
      this.issue(key, `expected a positive Go duration such as "2s" or "500ms", got "${text}"`);
      return fallback;
    }
    return Number(ns) / 1e6;
  }

  /** A non-negative integer key; `fallback` when absent or empty, reported when not an integer. */
  integer(key: K, fallback: number): number {
    const text = this.text(key);
    if (text === undefined || text === '') return fallback;
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
      this.issue(key, `expected a non-negative integer, got "${text}"`);
      return fallback;
    }
    return Number(text);
  }

  /** A list of scalars (each as its literal text); undefined when absent, reported when not a list. */
  textList(key: K): string[] | undefined {
    const value = this.value(key);
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) {
      this.issue(key, `expected a list, got ${this.reader.describeType(value)}`);
      return undefined;
    }
    return value.map((item, i) => this.reader.scalar([...this.at(key), i], item) ?? '');
  }

  /** Records an issue at `key` (or at the module itself when `key` is undefined). */
  issue(key: K | undefined, message: string): void {
    this.reader.issue(key === undefined ? this.path : this.at(key), message);
  }
}
