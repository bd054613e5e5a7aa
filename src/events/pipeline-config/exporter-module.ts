/**
 * slo-exporter's `prometheusExporter` module config (shared/reference/slo-exporter.md §3.8), read as viper
 * does (keys case-insensitive, `labelNames` keys too):
 *
 * ```yaml
 * prometheusExporter:
 *   metricName: slo_events_total                       # default
 *   maximumUniqueEventKeys: 1000                       # default 0: no limit
 *   exceededKeyLimitPlaceholder: cardinalityLimitExceeded
 *   exemplarMetadataKeys: [trace-id]                   # accepted; exemplars are not exported (a warning)
 *   labelNames: {result: result, sloDomain: slo_domain, sloClass: slo_class, sloApp: slo_app, eventKey: event_key}
 * ```
 */
import type { ConfigIssue } from '../../config/errors.js';
import { formatPath } from '../../config/errors.js';
import type { SourceDocument } from '../../config/yaml-source.js';
import { isValidLabelName, isValidMetricName } from '../../lang/prometheus-text.js';
import { type CounterLabelNames, type CounterOptions, SloEventCounters } from '../counters.js';
import type { YamlPath } from '../literal-yaml-reader.js';
import { ModuleConfigReader } from '../module-config.js';

const KEYS = [
  'metricName',
  'maximumUniqueEventKeys',
  'exceededKeyLimitPlaceholder',
  'exemplarMetadataKeys',
  'labelNames',
] as const;
const LABEL_ROLES = ['result', 'sloDomain', 'sloClass', 'sloApp', 'eventKey'] as const;

/**
 * Checks counter settings that both config styles share: a valid metric name, valid label names, and label
 * names that differ once defaults fill the roles not set. Returns one message per problem, with the setting
 * it concerns (`metricName`, a label role, or `labelNames` as a whole).
 */
export function counterOptionProblems(
  options: CounterOptions,
): { field: 'metricName' | 'labelNames' | keyof CounterLabelNames; message: string }[] {
  const problems: { field: 'metricName' | 'labelNames' | keyof CounterLabelNames; message: string }[] = [];
  const metricName = options.metricName;
  if (metricName !== undefined && !isValidMetricName(metricName))
    problems.push({
      field: 'metricName',
      message: `"${metricName}" is not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)`,
    });
  for (const role of LABEL_ROLES) {
    const name = options.labelNames?.[role];
    if (name !== undefined && !isValidLabelName(name))
      problems.push({
        field: role,
        message: `"${name}" is not a valid Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, no leading "__")`,
      });
  }
  if (problems.length) return problems;
  try {
    new SloEventCounters(options); // the counters' own check of the names with defaults applied
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    problems.push({ field: 'labelNames', message: error.message });
  }
  return problems;
}

/**
 * Reads the module config at `path` in `doc`. Never throws on bad input: `exporter` is undefined when there
 * is any issue; `exemplarMetadataKeys` gives a warning.
 */
export function readExporterModule(
  doc: SourceDocument,
  path: YamlPath,
): { exporter?: CounterOptions; issues: ConfigIssue[]; warnings: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const module = ModuleConfigReader.open(doc, path, KEYS, issues);
  if (!module) return { issues, warnings };
  const exporter: CounterOptions = {};
  const metricName = module.text('metricName');
  if (metricName) exporter.metricName = metricName;
  exporter.maximumUniqueEventKeys = module.integer('maximumUniqueEventKeys', 0);
  const placeholder = module.text('exceededKeyLimitPlaceholder');
  if (placeholder) exporter.exceededKeyLimitPlaceholder = placeholder;
  const exemplarKeys = module.textList('exemplarMetadataKeys');
  if (exemplarKeys?.length) {
    const at = module.at('exemplarMetadataKeys');
    warnings.push({
      file: doc.file,
      ...doc.locate(at),
      path: formatPath(at),
      message: 'exemplars are not exported by slokit: exemplarMetadataKeys is ignored',
    });
  }
  let labels: ModuleConfigReader<(typeof LABEL_ROLES)[number]> | undefined;
  if (module.has('labelNames') && module.value('labelNames') !== null) {
    labels = ModuleConfigReader.open(doc, module.at('labelNames'), LABEL_ROLES, issues);
    const names: Partial<CounterLabelNames> = {};
    for (const role of LABEL_ROLES) {
      const name = labels?.text(role);
      if (name) names[role] = name;
    }
    exporter.labelNames = names;
  }
  for (const { field, message } of counterOptionProblems(exporter)) {
    if (field === 'metricName' || field === 'labelNames') module.issue(field, message);
    else labels?.issue(field, message);
  }
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  return issues.length ? { issues, warnings } : { exporter, issues, warnings };
}
