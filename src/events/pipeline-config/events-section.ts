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
import { type ConfigIssue, formatPath } from '../../config/errors.js';
import { validateWith } from '../../config/validate.js';
import type { SourceDocument } from '../../config/yaml-source.js';
import type { CounterLabelNames, CounterOptions } from '../counters.js';
import { DEFAULT_EVENT_FIELDS, type EventFieldNames } from '../event-fields.js';
import { jsonLineParser, type LineParser, regexpLineParser } from '../line-parsers.js';
import { isYamlMap } from '../literal-yaml-reader.js';
import type { EventProcessor } from '../pipeline-event.js';
import type { EventStoreSpec, FileSourceSpec, PipelineSpec } from '../pipeline-spec.js';
import { fileProblem, readConfigDocument } from './config-file.js';
import {
  EventKeyProcessor,
  FieldMappingProcessor,
  RelabelProcessor,
  StaticClassificationProcessor,
} from './event-processors.js';
import { type EventsSection, eventsSectionSchema } from './events-schema.js';
import { counterOptionProblems } from './exporter-module.js';
import { sortIssues } from './issues.js';
import { LOG_FORMAT_REGEXPS, PRESET_EMPTY_VALUE } from './log-formats.js';
import { loadRuleFiles } from './rule-files.js';
import type { PipelineConfigResult } from './slo-exporter-config.js';

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
  for (const { issue, offset } of read.missing) if (doc.pathAt(offset)[0] === SECTION) issues.push(issue);
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
  const checked = validateWith(eventsSectionSchema, root[SECTION], doc, [SECTION]);
  issues.push(...checked.issues);
  if (!checked.value || issues.length) return { issues: sortIssues(issues), warnings: [] };
  const compiled = await compile(checked.value, doc);
  return compiled.spec
    ? { spec: compiled.spec, issues: [], warnings: [] }
    : { issues: sortIssues(compiled.issues), warnings: [] };
}

/** The validated section → a PipelineSpec; reads the rule files and checks the log files exist. */
async function compile(
  section: EventsSection,
  doc: SourceDocument,
): Promise<{ spec?: PipelineSpec; issues: ConfigIssue[] }> {
  const base = dirname(resolve(doc.file));
  const issueAt = (path: readonly (string | number)[], message: string): ConfigIssue => ({
    file: doc.file,
    ...doc.locate([SECTION, ...path]),
    path: formatPath([SECTION, ...path]),
    message,
  });
  const [sources, rules] = await Promise.all([
    fileSources(section, base, issueAt),
    loadRuleFiles(
      section.rules_files.map((name, i) => ({
        path: resolve(base, name),
        at: issueAt(['rules_files', i], ''),
      })),
      section.expose_rules_as_metrics,
    ),
  ]);
  const exporter = counterOptions(section);
  const issues = [
    ...sources.issues,
    ...rules.issues,
    ...counterOptionProblems(exporter).map(({ field, message }) => {
      const key = Object.keys(LABEL_ROLES).find((k) => LABEL_ROLES[k] === field);
      const path =
        field === 'metricName'
          ? ['counters', 'metric_name']
          : key
            ? ['counters', 'label_names', key]
            : ['counters', 'label_names'];
      return issueAt(path, message);
    }),
  ];
  if (issues.length) return { issues };
  const fields = fieldNames(section);
  return {
    spec: {
      file: doc.file,
      listenAddress: section.listen,
      maximumGracefulShutdownMs: (section.shutdown_timeout ?? DEFAULT_GRACEFUL_SHUTDOWN_SECONDS) * 1000,
      afterPipelineShutdownDelayMs: (section.shutdown_delay ?? 0) * 1000,
      sources: sources.sources,
      processors: processors(section, fields),
      producer: { rules: rules.rules, exposeRulesAsMetrics: section.expose_rules_as_metrics },
      exporter,
      fields,
      store: store(section, base),
    },
    issues,
  };
}

/** The file sources, paths resolved against `base`; a missing file is an issue at its `file` field. */
async function fileSources(
  section: EventsSection,
  base: string,
  issueAt: (path: readonly (string | number)[], message: string) => ConfigIssue,
): Promise<{ sources: FileSourceSpec[]; issues: ConfigIssue[] }> {
  const issues: ConfigIssue[] = [];
  const sources = await Promise.all(
    section.sources.map(async (source, i): Promise<FileSourceSpec> => {
      const path = resolve(base, source.file);
      try {
        await stat(path);
      } catch (error) {
        issues.push(issueAt(['sources', i, 'file'], `cannot follow "${path}": ${fileProblem(error)}`));
      }
      return {
        path,
        follow: source.follow,
        positionFile: source.position_file ? resolve(base, source.position_file) : `${path}.pos`,
        positionPersistenceIntervalMs: (source.position_interval ?? DEFAULT_POSITION_INTERVAL_SECONDS) * 1000,
        parse: lineParser(source),
      };
    }),
  );
  return { sources, issues };
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
  if (key) list.push(new EventKeyProcessor(key.metadata_keys, key.separator, key.override));
  if (section.classification) list.push(new StaticClassificationProcessor(section.classification));
  return list;
}

function counterOptions(section: EventsSection): CounterOptions {
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
