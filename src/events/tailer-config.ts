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
import { compileGoRegexp, GoRegexpSyntaxError } from '../lang/re2.js';
import { DEFAULT_EMPTY_GROUP_REGEXP, type LineParser, regexpLineParser } from './line-parsers.js';
import type { YamlPath } from './literal-yaml-reader.js';
import { ModuleConfigReader } from './module-config.js';

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

/**
 * Reads the tailer module config at `path` in `doc`. Never throws: returns the config (undefined when there
 * is any issue) and every issue, positioned (file, line, column, field).
 */
export function parseTailerModule(
  doc: SourceDocument,
  path: YamlPath = [],
): { config?: TailerModuleConfig; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const module = ModuleConfigReader.open(doc, path, KEYS, issues);
  if (!module) return { issues };
  const tailedFile = module.text('tailedFile') ?? '';
  if (tailedFile === '')
    module.issue(undefined, 'required field "tailedFile" is missing (the log file to follow)');
  const follow = module.boolean('follow', true);
  const reopen = module.boolean('reopen', true);
  if (reopen && !follow)
    module.issue(
      module.has('reopen') ? 'reopen' : 'follow',
      'reopen needs follow: set "reopen: false" too when "follow" is false',
    );
  const positionFile = module.text('positionFile') || `${tailedFile}.pos`;
  const positionPersistenceIntervalMs = module.durationMs(
    'positionPersistenceInterval',
    DEFAULT_PERSISTENCE_INTERVAL_MS,
  );
  const loglineParseRegexp = module.text('loglineParseRegexp') ?? '';
  const emptyGroupRE = module.text('emptyGroupRE') || DEFAULT_EMPTY_GROUP_REGEXP;
  const patternsValid = [
    validRegexp(module, 'loglineParseRegexp', loglineParseRegexp),
    validRegexp(module, 'emptyGroupRE', emptyGroupRE),
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
function validRegexp(module: ModuleConfigReader<Key>, key: Key, pattern: string): boolean {
  try {
    compileGoRegexp(pattern);
    return true;
  } catch (error) {
    if (!(error instanceof GoRegexpSyntaxError)) throw error;
    module.issue(key, `invalid regexp: ${error.message}`);
    return false;
  }
}
