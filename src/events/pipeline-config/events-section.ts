/**
 * slokit.yaml's `events:` section (schema: events-schema.ts) → a PipelineSpec, the same one an slo-exporter
 * root config compiles to. Relative paths (log files, positions, rule files, the store) resolve against the
 * config file's directory. `${VAR}` is interpolated, as everywhere in slokit.yaml; an unset variable is an
 * error only inside `events`.
 *
 * Processors, in order: `relabel` (filter and normalise metadata), the field mapping (`fields`:
 * classification, event key, quantity from metadata), `event_key` (the key from metadata values), the static
 * `classification` (parts an event lacks); then the rules (`rules_files`) and the `counters`.
 */
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type ConfigIssue, fileErrorReason, formatPath } from '../../config/errors.js';
import { validateWith } from '../../config/validate.js';
import type { SourceDocument } from '../../config/yaml-source.js';
import type { CounterLabelNames, CounterOptions } from '../counters.js';
import { DEFAULT_EVENT_FIELDS, type EventFieldNames } from '../event-fields.js';
import { GoSubmatchRegexp } from '../go-submatch.js';
import { jsonLineParser, type LineParser, regexpLineParser } from '../line-parsers.js';
import { isYamlMap } from '../literal-yaml-reader.js';
import { EventKeyGenerator } from '../modules/event-key-generator.js';
import { RelabelProcessor } from '../modules/relabel-module.js';
import type { EventProcessor } from '../pipeline-event.js';
import type { EventStoreSpec, PipelineSpec } from '../pipeline-spec.js';
import type { CompiledRule } from '../rules-file.js';
import { readConfigDocument } from './config-file.js';
import { FieldMappingProcessor, StaticClassificationProcessor } from './event-processors.js';
import { type EventsSection, eventsSectionSchema, sourceSchema } from './events-schema.js';
import { counterOptionProblems } from './exporter-module.js';
import { sortIssues } from './issues.js';
import { LOG_FORMAT_REGEXPS, PRESET_EMPTY_VALUE } from './log-formats.js';
import { loadRuleFiles } from './rule-files.js';
import type { PipelineConfigResult } from './slo-exporter-config.js';
import { TIMESTAMP_PARSERS } from './timestamp-formats.js';

const SECTION = 'events';
const DEFAULT_GRACEFUL_SHUTDOWN_SECONDS = 20;
const DEFAULT_POSITION_INTERVAL_SECONDS = 2;
const DEFAULT_RETENTION_SECONDS = 35 * 86_400;
const DEFAULT_FLUSH_INTERVAL_SECONDS = 10;
/** `counters.label_names` keys → counter label roles. */
const LABEL_ROLES: Readonly<Record<string, keyof CounterLabelNames>> = {
  result: 'result',
  domain: 'sloDomain',
  class: 'sloClass',
  app: 'sloApp',
  event_key: 'eventKey',
};

/**
 * Loads the `events:` section of `configFile` (see the module comment). `env` is the environment for
 * `${VAR}`. Never throws on bad input: every problem of the section, its log files and its rule files is
 * returned at once in `issues` (then `spec` is undefined).
 */
export async function loadEventsSection(
  configFile: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<PipelineConfigResult> {
  const read = await readConfigDocument(configFile, env);
  const issues = [...read.issues];
  if (!read.doc) return { issues, warnings: [] };
  const doc = read.doc;
  const unset = read.missing.filter(({ offset }) => doc.pathAt(offset)[0] === SECTION);
  // A placeholder left in a field would only add a second, confusing error.
  if (unset.length) return { issues: sortIssues([...issues, ...unset.map((m) => m.issue)]), warnings: [] };
  const root = doc.value;
  if (!isYamlMap(root) || root[SECTION] === undefined || root[SECTION] === null) {
    issues.push({
      file: configFile,
      line: 1,
      column: 1,
      path: SECTION,
      message:
        'no "events:" section: add one (its fields are in `slokit schema config`), or use --slo-exporter-config',
    });
    return { issues: sortIssues(issues), warnings: [] };
  }
  const raw = root[SECTION];
  const checked = validateWith(eventsSectionSchema, raw, doc, [SECTION]);
  const at = issueMaker(doc);
  // The files named by the valid parts are read even when other parts are wrong: every problem at once.
  const files = await readFiles(raw, dirname(resolve(doc.file)), at);
  issues.push(...checked.issues, ...files.issues);
  if (checked.value) issues.push(...counterProblems(checked.value, at));
  if (!checked.value || issues.length) return { issues: sortIssues(issues), warnings: [] };
  return {
    spec: build(checked.value, doc, files.rules),
    issues: [],
    warnings: warningsOf(checked.value, at),
  };
}

/** Sources that run but cannot give what rules need: a regexp without named groups yields no metadata. */
function warningsOf(section: EventsSection, at: IssueAt): ConfigIssue[] {
  return section.sources.flatMap((source, i) =>
    source.format === 'regexp' && !new GoSubmatchRegexp(source.regexp!).groupNames.some(Boolean)
      ? [
          at(
            ['sources', i, 'regexp'],
            'the regexp has no named group (?P<name>...): its events carry no metadata',
          ),
        ]
      : [],
  );
}

/** An issue at `path` inside the events section. */
type IssueAt = (path: readonly (string | number)[], message: string) => ConfigIssue;

function issueMaker(doc: SourceDocument): IssueAt {
  return (path, message) => ({
    file: doc.file,
    ...doc.locate([SECTION, ...path]),
    path: formatPath([SECTION, ...path]),
    message,
  });
}

/**
 * Reads the rule files and checks the log files exist, for the parts of the raw section that are valid
 * (the schema reports the others). `rules` is empty when there is any issue.
 */
async function readFiles(
  raw: unknown,
  base: string,
  at: IssueAt,
): Promise<{ rules: CompiledRule[]; issues: ConfigIssue[] }> {
  if (!isYamlMap(raw)) return { rules: [], issues: [] };
  const { shape } = eventsSectionSchema;
  const names = shape.rules_files.safeParse(raw.rules_files).data ?? [];
  const expose = shape.expose_rules_as_metrics.safeParse(raw.expose_rules_as_metrics).data ?? false;
  const sources = Array.isArray(raw.sources) ? raw.sources : [];
  const [rules, missing] = await Promise.all([
    loadRuleFiles(
      names.map((name, i) => ({ path: resolve(base, name), at: at(['rules_files', i], '') })),
      expose,
    ),
    Promise.all(
      sources.map(async (item, i) => {
        const source = sourceSchema.safeParse(item).data;
        if (!source) return undefined;
        const path = resolve(base, source.file);
        try {
          await stat(path);
          return undefined;
        } catch (error) {
          return at(['sources', i, 'file'], `cannot follow "${path}": ${fileErrorReason(error)}`);
        }
      }),
    ),
  ]);
  const issues = [...missing.filter((issue) => issue !== undefined), ...rules.issues];
  return { rules: rules.rules, issues };
}

/** Counter settings the schema cannot check alone (names valid and distinct once defaults apply). */
function counterProblems(section: EventsSection, at: IssueAt): ConfigIssue[] {
  return counterOptionProblems(counterOptions(section)).map(({ field, message }) => {
    const key = Object.keys(LABEL_ROLES).find((k) => LABEL_ROLES[k] === field);
    if (field === 'metricName') return at(['counters', 'metric_name'], message);
    return at(key ? ['counters', 'label_names', key] : ['counters', 'label_names'], message);
  });
}

/** The validated, checked section and its rules → the PipelineSpec. */
function build(section: EventsSection, doc: SourceDocument, rules: CompiledRule[]): PipelineSpec {
  const base = dirname(resolve(doc.file));
  const fields = fieldNames(section);
  return {
    file: doc.file,
    listenAddress: section.listen,
    maximumGracefulShutdownMs: (section.shutdown_timeout ?? DEFAULT_GRACEFUL_SHUTDOWN_SECONDS) * 1000,
    afterPipelineShutdownDelayMs: (section.shutdown_delay ?? 0) * 1000,
    sources: section.sources.map((source) => {
      const path = resolve(base, source.file);
      return {
        path,
        follow: source.follow,
        positionFile: source.position_file ? resolve(base, source.position_file) : `${path}.pos`,
        positionPersistenceIntervalMs: (source.position_interval ?? DEFAULT_POSITION_INTERVAL_SECONDS) * 1000,
        parse: lineParser(source),
        timestamp: source.timestamp && {
          field: source.timestamp.field,
          parse: TIMESTAMP_PARSERS[source.timestamp.format],
        },
      };
    }),
    processors: processors(section, fields),
    producer: { rules, exposeRulesAsMetrics: section.expose_rules_as_metrics },
    exporter: counterOptions(section),
    fields,
    store: store(section, base),
  };
}

/** The parser of a source's format (its regexps were checked by the schema). */
function lineParser(source: EventsSection['sources'][number]): LineParser {
  switch (source.format) {
    case 'json':
      return jsonLineParser;
    case 'regexp':
      return regexpLineParser(source.regexp!, source.empty_value);
    case 'combined':
    case 'common':
      return regexpLineParser(LOG_FORMAT_REGEXPS[source.format], source.empty_value ?? PRESET_EMPTY_VALUE);
  }
}

function fieldNames(section: EventsSection): EventFieldNames {
  const given = section.fields ?? {};
  return {
    domain: given.domain ?? DEFAULT_EVENT_FIELDS.domain,
    class: given.class ?? DEFAULT_EVENT_FIELDS.class,
    app: given.app ?? DEFAULT_EVENT_FIELDS.app,
    key: given.event_key ?? DEFAULT_EVENT_FIELDS.key,
    quantity: given.quantity ?? DEFAULT_EVENT_FIELDS.quantity,
    result: given.result ?? DEFAULT_EVENT_FIELDS.result,
  };
}

function processors(section: EventsSection, fields: EventFieldNames): EventProcessor[] {
  const list: EventProcessor[] = [];
  if (section.relabel?.length) list.push(new RelabelProcessor(section.relabel));
  list.push(new FieldMappingProcessor(fields));
  const key = section.event_key;
  if (key)
    list.push(
      new EventKeyGenerator({
        metadataKeys: key.metadata_keys,
        separator: key.separator,
        overrideExistingEventKey: key.override,
      }),
    );
  if (section.classification) list.push(new StaticClassificationProcessor(section.classification));
  return list;
}

/** The `counters` settings of an events section as counter options. */
export function counterOptions(section: Pick<EventsSection, 'counters'>): CounterOptions {
  const { counters } = section;
  const options: CounterOptions = { maximumUniqueEventKeys: counters.max_event_keys };
  if (counters.metric_name) options.metricName = counters.metric_name;
  if (counters.exceeded_key_placeholder)
    options.exceededKeyLimitPlaceholder = counters.exceeded_key_placeholder;
  if (counters.label_names) {
    const names: Partial<CounterLabelNames> = {};
    for (const [key, name] of Object.entries(counters.label_names))
      if (name !== undefined && Object.hasOwn(LABEL_ROLES, key)) names[LABEL_ROLES[key]!] = name;
    options.labelNames = names;
  }
  return options;
}

/**
 * The event store's settings when a config says nothing but where the database is (the slo-exporter root
 * config has no store section): 35 days of retention, flushed every 10 s, at most 10,000 series.
 */
export function defaultStoreSpec(database: string): EventStoreSpec {
  return {
    database,
    retentionSeconds: DEFAULT_RETENTION_SECONDS,
    flushIntervalMs: DEFAULT_FLUSH_INTERVAL_SECONDS * 1000,
    maxSeries: 10_000,
  };
}

function store(section: EventsSection, base: string): EventStoreSpec | undefined {
  const { store } = section;
  if (!store.enabled) return undefined;
  return {
    database: resolve(base, store.path),
    retentionSeconds: store.retention ?? DEFAULT_RETENTION_SECONDS,
    flushIntervalMs: (store.flush_interval ?? DEFAULT_FLUSH_INTERVAL_SECONDS) * 1000,
    maxSeries: store.max_series,
  };
}
