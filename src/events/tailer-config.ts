/**
 * slo-exporter's `tailer` module config (shared/reference/slo-exporter.md §3.1), read as slo-exporter reads
 * it with viper: keys case-insensitive, unknown keys are errors, durations as Go's `time.ParseDuration` with
 * viper's rule that a bare number is nanoseconds.
 *
 * ```yaml
 * tailer:
 *   tailedFile: /logs/access_log            # required
 *   follow: true                            # default true
 *   reopen: true                            # default true; reopen without follow is an error
 *   positionFile: ""                        # default "<tailedFile>.pos"
 *   positionPersistenceInterval: 2s         # default 2s
 *   loglineParseRegexp: '^(?P<ip>\S+) …'    # Go syntax; named groups become metadata
 *   emptyGroupRE: '^-$'                     # default "^$"
 * ```
 */
import type { ConfigIssue } from '../config/errors.js';
import type { SourceDocument } from '../config/yaml-source.js';
import { parseGoDuration } from '../lang/go-duration.js';
import { compileGoRegexp, GoRegexpSyntaxError } from '../lang/re2.js';
import { DEFAULT_EMPTY_GROUP_REGEXP, type LineParser, regexpLineParser } from './line-parsers.js';
import { LiteralYamlReader, type YamlPath } from './literal-yaml-reader.js';

/** The tailer module's settings, defaults applied. */
export interface TailerModuleConfig {
  tailedFile: string;
  follow: boolean;
  reopen: boolean;
  /** `<tailedFile>.pos` unless set. */
  positionFile: string;
  positionPersistenceIntervalMs: number;
  loglineParseRegexp: string;
  emptyGroupRE: string;
  /** The line parser built from the two patterns. */
  parse: LineParser;
}

const KEYS = [
  'tailedFile',
  'follow',
  'reopen',
  'positionFile',
  'positionPersistenceInterval',
  'loglineParseRegexp',
  'emptyGroupRE',
] as const;
type Key = (typeof KEYS)[number];
const DEFAULT_PERSISTENCE_INTERVAL_MS = 2000;
/** viper (spf13/cast `ToDuration`): a text without any unit letter is a number of nanoseconds. */
const UNIT_LETTERS = /[nsuµmh]/;

/**
 * Reads the tailer module config at `path` in `doc`. Never throws: returns the config (undefined when there
 * is any issue) and every issue, positioned (file, line, column, field).
 */
export function parseTailerModule(
  doc: SourceDocument,
  path: YamlPath = [],
): { config?: TailerModuleConfig; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const reader = new LiteralYamlReader(doc, issues);
  const module = reader.valueAt(path);
  if (!reader.expectMap(path, module ?? {})) return { issues };
  // Keys as written, by their case-insensitive name.
  const written = new Map<Key, string>();
  for (const key of Object.keys(module ?? {})) {
    const known = KEYS.find((k) => k.toLowerCase() === key.toLowerCase());
    if (known && !written.has(known)) written.set(known, key);
    else reader.unknownKey(path, key, KEYS);
  }
  const at = (key: Key): YamlPath => [...path, written.get(key) ?? key];
  const value = (key: Key) =>
    written.has(key) ? (module as Record<string, unknown>)[written.get(key)!] : undefined;
  const text = (key: Key) => reader.scalar(at(key), value(key));

  const tailedFile = text('tailedFile') ?? '';
  if (tailedFile === '')
    reader.issue(path, 'required field "tailedFile" is missing (the log file to follow)');
  const follow = reader.boolean(at('follow'), value('follow')) ?? true;
  const reopen = reader.boolean(at('reopen'), value('reopen')) ?? true;
  if (reopen && !follow)
    reader.issue(
      at(written.has('reopen') ? 'reopen' : 'follow'),
      'reopen needs follow: set "reopen: false" too when "follow" is false',
    );
  const positionFile = text('positionFile') || `${tailedFile}.pos`;
  let positionPersistenceIntervalMs = DEFAULT_PERSISTENCE_INTERVAL_MS;
  const interval = text('positionPersistenceInterval');
  if (interval !== undefined && interval !== '') {
    const ns = parseGoDuration(UNIT_LETTERS.test(interval) ? interval : `${interval}ns`);
    if (ns === undefined || ns <= 0)
      reader.issue(
        at('positionPersistenceInterval'),
        `expected a positive Go duration such as "2s" or "500ms", got "${interval}"`,
      );
    else positionPersistenceIntervalMs = Number(ns) / 1e6;
  }
  const loglineParseRegexp = text('loglineParseRegexp') ?? '';
  const emptyGroupRE = text('emptyGroupRE') || DEFAULT_EMPTY_GROUP_REGEXP;
  const patternsValid = [
    validRegexp(reader, at('loglineParseRegexp'), loglineParseRegexp),
    validRegexp(reader, at('emptyGroupRE'), emptyGroupRE),
  ].every(Boolean);
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  if (issues.length || !patternsValid) return { issues };
  return {
    config: {
      tailedFile,
      follow,
      reopen,
      positionFile,
      positionPersistenceIntervalMs,
      loglineParseRegexp,
      emptyGroupRE,
      parse: regexpLineParser(loglineParseRegexp, emptyGroupRE),
    },
    issues,
  };
}

/** True when `pattern` is valid Go syntax; reports it at `path` otherwise. */
function validRegexp(reader: LiteralYamlReader, path: YamlPath, pattern: string): boolean {
  try {
    compileGoRegexp(pattern);
    return true;
  } catch (error) {
    if (!(error instanceof GoRegexpSyntaxError)) throw error;
    reader.issue(path, `invalid regexp: ${error.message}`);
    return false;
  }
}
