/**
 * slo-exporter's `dynamicClassifier` module (shared/reference/slo-exporter.md §3.5): classifies events by
 * their event key from classification CSV files (`domain,app,class,key`, src/events/modules/
 * classification-csv.ts).
 *
 * - An event that is already classified teaches the exact-match map (`key → its classification`, the
 *   latest wins) and passes untouched, uncounted.
 * - Otherwise the exact-match map is looked up, then the key regexps in file order: unanchored, the first
 *   that matches wins (slo-exporter also tests the rest, only to log a warning; that does not change the
 *   result, so slokit stops at the first). A regexp hit is learnt into the exact-match map.
 * - An event found nowhere passes on unclassified (the sloEventProducer drops it), counted with the values
 *   of `unclassifiedEventMetadataKeys` as `metadata_<key in snake_case>` labels.
 *
 * The exact-match map: the CSV rows, never evicted, and the learnt entries (one per distinct event key
 * classified since the start; a learnt entry overrides a CSV row of its key, as slo-exporter's single map
 * does). slo-exporter never evicts learnt entries, so a stream of distinct keys grows it without bound
 * (prometheusExporter's `maximumUniqueEventKeys` only bounds the exported series). slokit bounds them at
 * `maximumLearntExactMatches` (slokit's key, default 100,000; 0: no bound): past it, the oldest learnt
 * entry is evicted first (insertion order; relearning a key with another classification renews it). An
 * evicted key is classified again by the CSV row or the regexps, as before it was learnt; only a key learnt
 * from an event classified upstream is forgotten. Evictions are counted in
 * `slo_exporter_dynamic_classifier_exact_matches_evicted_total`; the map's size is
 * `slo_exporter_dynamic_classifier_exact_matches` (both slokit's additions).
 *
 * `GET /dynamicClassifier/matchers/exact` and `.../regexp` dump the maps as CSV in the files' format; the
 * exact dump is sorted by key (slo-exporter writes Go's random map order), the regexp dump is in file order.
 *
 * Not exposed: slo-exporter's `errors_total` (its matchers never fail, so it never gets a series; neither
 * can slokit's) and `matcher_operation_duration_seconds` (timings of in-memory map operations).
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import type { ConfigIssue } from '../../config/errors.js';
import { lookup } from '../../config/lookup.js';
import type { SourceDocument } from '../../config/yaml-source.js';
import { isValidLabelName, type MetricFamily } from '../../lang/prometheus-text.js';
import { compileGoRegexp, type GoRegexp, GoRegexpSyntaxError } from '../../lang/re2.js';
import { LiteralYamlReader, type YamlPath } from '../literal-yaml-reader.js';
import { ModuleConfigReader } from '../module-config.js';
import {
  EVENT_KEY_METADATA,
  type EventProcessor,
  type ModuleContext,
  type ModuleRoute,
  type PipelineEvent,
  type ProcessorModule,
  type SloClassification,
} from '../pipeline-event.js';
import { isClassified } from './classification.js';
import {
  type ClassificationRow,
  formatClassificationCsv,
  parseClassificationCsv,
} from './classification-csv.js';
import { byPosition } from './issue-order.js';
import { MetricVec, moduleMetricPrefix, type Series } from './module-metrics.js';
import { toSnakeCase } from './snake-case.js';

const NAME = 'dynamicClassifier';
const PREFIX = moduleMetricPrefix(NAME);

/** A key regexp of a regexp CSV file and the classification it gives. */
export interface RegexpMatch {
  /** The pattern as written (Go syntax, unanchored). */
  pattern: string;
  regexp: GoRegexp;
  classification: SloClassification;
}

/** What a DynamicClassifier starts from. */
export interface DynamicClassifierOptions {
  /** Exact rows in file order (a later row for the same key wins). */
  exact: readonly ClassificationRow[];
  /** Key regexps in file order. */
  regexps: readonly RegexpMatch[];
  /** Metadata keys whose values label the count of unclassified events. */
  unclassifiedEventMetadataKeys: readonly string[];
  /** Most learnt exact matches kept (module comment); default `DEFAULT_MAXIMUM_LEARNT_EXACT_MATCHES`, 0: no bound. */
  maximumLearntExactMatches?: number;
  /** Problems slo-exporter logs and skips (records without 4 fields, invalid regexps), for the caller to log. */
  warnings?: readonly ConfigIssue[];
}

/** Default bound on learnt exact matches. */
export const DEFAULT_MAXIMUM_LEARNT_EXACT_MATCHES = 100_000;

/** `metadata_<key in snake_case>`, slo-exporter's label for an unclassified event's metadata value. */
export function metadataLabelName(key: string): string {
  return `metadata_${toSnakeCase(key)}`;
}

/** Classifies events by exact event key and key regexps, learning from classified events. */
export class DynamicClassifier implements EventProcessor {
  readonly moduleName = NAME;
  /** Problems in the CSV files that did not stop loading (see `DynamicClassifierOptions.warnings`). */
  readonly warnings: readonly ConfigIssue[];
  /** The exact CSV rows: never evicted. */
  private readonly exact = new Map<string, SloClassification>();
  /** Learnt matches, oldest first (a Map iterates in insertion order); they override `exact`. */
  private readonly learnt = new Map<string, SloClassification>();
  private readonly maximumLearnt: number;
  private evicted = 0;
  private readonly regexps: readonly RegexpMatch[];
  private readonly metadataKeys: readonly string[];
  private readonly processed: MetricVec;
  /** Label values of classified events' series: the metadata labels are empty for them. */
  private readonly emptyMetadata: readonly string[];
  /** The two series of classified events, kept to spare a label-set lookup per event. */
  private readonly classifiedSeries = new Map<'exact' | 'regexp', Series>();

  constructor(options: DynamicClassifierOptions) {
    for (const row of options.exact) this.exact.set(row.key, { ...row.classification });
    this.regexps = options.regexps;
    this.maximumLearnt = options.maximumLearntExactMatches ?? DEFAULT_MAXIMUM_LEARNT_EXACT_MATCHES;
    this.metadataKeys = [...options.unclassifiedEventMetadataKeys].sort();
    this.warnings = options.warnings ?? [];
    this.processed = new MetricVec(
      `${PREFIX}events_processed_total`,
      'Events the dynamic classifier looked up, by result, by the matcher that classified them and, for unclassified ones, by the configured metadata values.',
      'counter',
      ['result', 'classified_by', ...this.metadataKeys.map(metadataLabelName)],
    );
    this.emptyMetadata = this.metadataKeys.map(() => '');
  }

  process(event: PipelineEvent): PipelineEvent {
    const key = lookup(event.metadata, EVENT_KEY_METADATA) ?? '';
    if (isClassified(event)) {
      this.learn(key, event.classification);
      return event;
    }
    const exact = this.learnt.get(key) ?? this.exact.get(key);
    if (exact) {
      event.classification = { ...exact };
      this.countClassified('exact');
      return event;
    }
    const hit = this.regexps.find((match) => match.regexp.test(key));
    if (hit) {
      event.classification = { ...hit.classification };
      this.learn(key, hit.classification);
      this.countClassified('regexp');
      return event;
    }
    const values = this.metadataKeys.map((name) => lookup(event.metadata, name) ?? '');
    this.processed.inc('unclassified', '', ...values);
    return event;
  }

  /**
   * Sets the exact match of `key` (a copy; kept as is when equal, to spare a copy per classified event),
   * evicting the oldest learnt entry past the bound.
   */
  private learn(key: string, classification: SloClassification): void {
    const known = this.learnt.get(key) ?? this.exact.get(key);
    if (
      known?.domain === classification.domain &&
      known.class === classification.class &&
      known.app === classification.app
    )
      return;
    // Deleted first so a changed entry moves to the newest end.
    this.learnt.delete(key);
    this.learnt.set(key, { ...classification });
    if (this.maximumLearnt > 0 && this.learnt.size > this.maximumLearnt) {
      this.learnt.delete(this.learnt.keys().next().value!);
      this.evicted++;
    }
  }

  /** The number of keys `exactMatches()` holds, without building it. */
  private exactMatchCount(): number {
    let csvOnly = 0;
    for (const key of this.exact.keys()) if (!this.learnt.has(key)) csvOnly++;
    return csvOnly + this.learnt.size;
  }

  /** Every exact match: the CSV rows overridden by the learnt entries. */
  private exactMatches(): Map<string, SloClassification> {
    return new Map([...this.exact, ...this.learnt]);
  }

  private countClassified(by: 'exact' | 'regexp'): void {
    let series = this.classifiedSeries.get(by);
    if (!series) {
      series = this.processed.with('classified', by, ...this.emptyMetadata);
      this.classifiedSeries.set(by, series);
    }
    series.value++;
  }

  /** The exact-match map as classification CSV, sorted by key (code-unit order) so dumps compare. */
  exactMatchesCsv(): string {
    const matches = this.exactMatches();
    const keys = [...matches.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return formatClassificationCsv(keys.map((key) => ({ key, classification: matches.get(key)! })));
  }

  /** The key regexps as classification CSV, in file order. */
  regexpMatchesCsv(): string {
    return formatClassificationCsv(
      this.regexps.map(({ pattern, classification }) => ({ key: pattern, classification })),
    );
  }

  routes(): ModuleRoute[] {
    return [
      { path: 'matchers/exact', contentType: 'text/csv', body: () => this.exactMatchesCsv() },
      { path: 'matchers/regexp', contentType: 'text/csv', body: () => this.regexpMatchesCsv() },
    ];
  }

  families(): MetricFamily[] {
    return [
      ...this.processed.families(),
      {
        name: `${PREFIX}exact_matches`,
        help: 'Event keys in the exact-match map (from the exact CSV files and learnt since the start).',
        type: 'gauge',
        samples: [{ value: this.exactMatchCount() }],
      },
      {
        name: `${PREFIX}exact_matches_evicted_total`,
        help: 'Learnt exact matches evicted, oldest first, past maximumLearntExactMatches.',
        type: 'counter',
        samples: [{ value: this.evicted }],
      },
    ];
  }
}

/** A classification file as the config names it, and where it names it. */
export interface CsvFileReference {
  /** As written: relative paths resolve against the working directory (`ModuleContext.cwd`). */
  file: string;
  at: YamlPath;
}

/** The module's settings. */
export interface DynamicClassifierConfig {
  exactMatchesCsvFiles: readonly CsvFileReference[];
  regexpMatchesCsvFiles: readonly CsvFileReference[];
  unclassifiedEventMetadataKeys: readonly string[];
  /** slokit's bound on learnt exact matches (0: none). */
  maximumLearntExactMatches: number;
}

const KEYS = [
  'exactMatchesCsvFiles',
  'regexpMatchesCsvFiles',
  'unclassifiedEventMetadataKeys',
  'maximumLearntExactMatches',
] as const;
type Key = (typeof KEYS)[number];

/**
 * Reads the module config at `path` (viper rules: keys in any case, unknown keys are errors). Each
 * metadata key must give a valid label name, distinct from the others' (slo-exporter fails to register
 * its counter otherwise). The config read so far comes back with the issues too (undefined only when the
 * module is not a map), so the files it names can be checked in the same pass.
 */
export function parseDynamicClassifierModule(
  doc: SourceDocument,
  path: YamlPath,
): { config?: DynamicClassifierConfig; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const module = ModuleConfigReader.open(doc, path, KEYS, issues);
  if (!module) return { issues };
  const metadataKeys = module.textList('unclassifiedEventMetadataKeys') ?? [];
  const labels = new Map<string, string>();
  metadataKeys.forEach((key, i) => {
    const label = metadataLabelName(key);
    const at = [...module.at('unclassifiedEventMetadataKeys'), i];
    const other = labels.get(label);
    if (!isValidLabelName(label))
      module.reader.issue(
        at,
        `"${key}" gives the label name "${label}", which is not a valid Prometheus label name`,
      );
    else if (other !== undefined)
      module.reader.issue(at, `"${key}" gives the label name "${label}", as "${other}" does already`);
    else labels.set(label, key);
  });
  const files = (key: Key): CsvFileReference[] =>
    (module.textList(key) ?? []).map((file, i) => ({ file, at: [...module.at(key), i] }));
  const config: DynamicClassifierConfig = {
    exactMatchesCsvFiles: files('exactMatchesCsvFiles'),
    regexpMatchesCsvFiles: files('regexpMatchesCsvFiles'),
    unclassifiedEventMetadataKeys: metadataKeys,
    maximumLearntExactMatches: module.integer(
      'maximumLearntExactMatches',
      DEFAULT_MAXIMUM_LEARNT_EXACT_MATCHES,
    ),
  };
  issues.sort(byPosition);
  return { config, issues };
}

/** A classification file's rows and its name for messages; undefined when it cannot be read (reported). */
async function readClassificationFile(
  reference: CsvFileReference,
  reader: LiteralYamlReader,
  context: ModuleContext,
  warnings: ConfigIssue[],
): Promise<{ file: string; rows: ClassificationRow[] } | undefined> {
  const absolute = resolve(context.cwd, reference.file);
  // Messages name the file as the user finds it from where slokit runs: relative inside it, else absolute.
  const fromCwd = relative(process.cwd(), absolute);
  const file = fromCwd && !fromCwd.startsWith('..') && !isAbsolute(fromCwd) ? fromCwd : absolute;
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    reader.issue(reference.at, `cannot read the classification file "${file}": ${reason}`);
    return undefined;
  }
  const parsed = parseClassificationCsv(text, file);
  reader.issues.push(...parsed.issues);
  warnings.push(...parsed.warnings);
  return { file, rows: parsed.rows };
}

/** The key regexps of `files`' rows; an invalid pattern is skipped with a warning, as slo-exporter does. */
function compileRegexpRows(
  files: readonly { file: string; rows: readonly ClassificationRow[] }[],
  warnings: ConfigIssue[],
): RegexpMatch[] {
  const matches: RegexpMatch[] = [];
  for (const { file, rows } of files) {
    for (const { key, classification, line } of rows) {
      try {
        matches.push({ pattern: key, regexp: compileGoRegexp(key), classification });
      } catch (error) {
        if (!(error instanceof GoRegexpSyntaxError)) throw error;
        warnings.push({ file, line, column: 1, path: 'key', message: `record skipped: ${error.message}` });
      }
    }
  }
  return matches;
}

/** The `dynamicClassifier` module: reads its config and CSV files (every problem at once) and builds it. */
export const dynamicClassifierModule: ProcessorModule = {
  name: NAME,
  async load(doc, path, context) {
    const { config, issues } = parseDynamicClassifierModule(doc, path);
    if (!config) return { issues };
    const reader = new LiteralYamlReader(doc, issues);
    const warnings: ConfigIssue[] = [];
    const read = (references: readonly CsvFileReference[]) =>
      Promise.all(
        references.map((reference) => readClassificationFile(reference, reader, context, warnings)),
      );
    // The files are read even when the config has issues, so that every problem is reported at once.
    const exact = await read(config.exactMatchesCsvFiles);
    const regexp = await read(config.regexpMatchesCsvFiles);
    if (issues.length) return { issues };
    const loaded = (files: typeof exact) => files.filter((file) => file !== undefined);
    const processor = new DynamicClassifier({
      exact: loaded(exact).flatMap((file) => file.rows),
      regexps: compileRegexpRows(loaded(regexp), warnings),
      unclassifiedEventMetadataKeys: config.unclassifiedEventMetadataKeys,
      maximumLearntExactMatches: config.maximumLearntExactMatches,
      warnings,
    });
    return { processor, issues };
  },
};
