/**
 * `MetricsExporter`: the base class of exporters that send one metric at a time (slo-generator's
 * `MetricsExporter`). It turns the exporter's `metrics` block into metric objects (name, alias, description,
 * value, timestamp, labels, additional_labels) and calls `exportMetric` for each.
 *
 * Differences from slo-generator, on purpose: labels are resolved by name (never positionally), values are
 * rendered with JavaScript's `String()` ("5", "true" where Python writes "5.0", "True"), and the default
 * `events_count` metric no longer carries the ever-changing good/bad counts as labels (a cardinality leak);
 * list them in `additional_labels` to get them back.
 */
import * as z from 'zod';
import type { ExportedReport, ExporterConfig } from './types.js';

/** Labels every default metric carries (a value that is an object, `metadata`, is flattened one level). */
export const DEFAULT_METRIC_LABELS: readonly string[] = [
  'error_budget_policy_step_name',
  'service_name',
  'feature_name',
  'slo_name',
  'metadata',
];

/** One entry of a `metrics` block: a report field name, or the long form. */
export type MetricSpec =
  | string
  | { name: string; alias?: string; description?: string; labels?: string[]; additional_labels?: string[] };

/** Schema of one `metrics` entry, for the config schemas of metrics exporters. */
export const metricSpecSchema = z.union([
  z.string().min(1),
  z.strictObject({
    name: z.string().min(1).describe('Report field (v1 report names, e.g. slo_target).'),
    alias: z.string().min(1).optional().describe('Exported metric name.'),
    description: z.string().optional().describe('HELP text.'),
    labels: z.array(z.string()).optional().describe('Report fields used as labels (replaces the default).'),
    additional_labels: z.array(z.string()).optional().describe('Report fields added as labels.'),
  }),
]);

/** slo-generator's default metrics (v1 report field names). */
export const DEFAULT_METRICS: readonly Exclude<MetricSpec, string>[] = [
  { name: 'error_budget_burn_rate', description: 'Speed at which the error budget is consumed.' },
  { name: 'alerting_burn_rate_threshold', description: 'Error Budget burn rate threshold.' },
  { name: 'events_count', description: 'Number of events' },
  { name: 'sli_measurement', description: 'Service Level Indicator.' },
  { name: 'slo_target', description: 'Service Level Objective target.' },
];

/** A metric as `exportMetric` receives it. */
export interface Metric {
  /** Exported name: the alias when given, with the exporter's prefix. */
  name: string;
  /** Alias given in the metrics block, or the report field name. */
  alias: string;
  description: string;
  value: number;
  /** The report's timestamp, Unix seconds (integer). */
  timestamp: number;
  /** Resolved label names and values. */
  labels: Record<string, string>;
  /** Extra label names from the metrics block. */
  additional_labels: string[];
  /** `description`, or a sentence naming the report field when it is empty (HELP text; promtool wants one). */
  help: string;
}

/**
 * Resolves label names against a report's fields (by name: label names come from the config): object values
 * (metadata) are flattened first, then plain keys. Missing fields are skipped.
 */
export function resolveLabels(
  fields: Readonly<Record<string, unknown>>,
  names: readonly string[],
): Record<string, string> {
  const nested: Record<string, string> = {};
  const flat: Record<string, string> = {};
  for (const name of names) {
    const value = fields[name];
    if (value === undefined || value === null) continue;
    if (typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
        if (inner !== undefined && inner !== null && typeof inner !== 'object') nested[key] = String(inner);
      }
    } else {
      flat[name] = String(value);
    }
  }
  return { ...nested, ...flat };
}

/**
 * Builds the metric objects of a report from a `metrics` block (default: `DEFAULT_METRICS`). Throws an
 * `Error` when a metric names a field the report does not have (v1 names: `slo_target`, not `goal`).
 */
export function buildMetrics(
  report: ExportedReport,
  specs: readonly MetricSpec[] = DEFAULT_METRICS,
  prefix = '',
): Metric[] {
  // Metrics name report fields as strings from the config, so they are looked up by name.
  const fields: Readonly<Record<string, unknown>> = report;
  return specs.map((spec) => {
    const s = typeof spec === 'string' ? { name: spec } : spec;
    if (!(s.name in report)) throw new Error(`metric "${s.name}" is not a field of the report`);
    const value = Number(fields[s.name]);
    const additional = s.additional_labels ?? [];
    const alias = s.alias ?? s.name;
    const description = s.description ?? '';
    return {
      name: alias.startsWith(prefix) ? alias : prefix + alias,
      alias,
      description,
      help: description || `Value of the SLO report field ${s.name}.`,
      value,
      timestamp: Number(fields.timestamp),
      labels: resolveLabels(fields, [...(s.labels ?? DEFAULT_METRIC_LABELS), ...additional]),
      additional_labels: additional,
    };
  });
}

/**
 * Base class of metrics exporters. Subclasses implement `exportMetric(metric, config)` (or `export_metric`);
 * `export` builds the metrics from the exporter config's `metrics` block and exports each in turn.
 */
export abstract class MetricsExporter {
  /** Metrics exporters receive v1 reports, as in slo-generator. */
  static readonly reportVersion: 1 = 1;
  /** Prepended to every metric name that does not already start with it. */
  protected metricPrefix = '';

  /** Exports one metric; may be async. */
  exportMetric?(metric: Metric, config: ExporterConfig): unknown;
  /** slo-generator's spelling of `exportMetric`. */
  export_metric?(metric: Metric, config: ExporterConfig): unknown;

  /** The metrics of a report, as this exporter would export them. Throws as `buildMetrics` does. */
  metricsOf(report: ExportedReport, config: ExporterConfig): Metric[] {
    return buildMetrics(
      report,
      (config.metrics as MetricSpec[] | undefined) ?? this.defaultMetrics(),
      this.metricPrefix,
    );
  }

  /** Default metric list when the config has no `metrics` block. */
  protected defaultMetrics(): readonly MetricSpec[] {
    return DEFAULT_METRICS;
  }

  /**
   * Exports each metric of the report in turn with `exportMetric`; resolves with their results. Rejects with
   * a `TypeError` when the subclass implements neither spelling, and with whatever `buildMetrics` or
   * `exportMetric` throws.
   */
  async export(report: ExportedReport, config: ExporterConfig): Promise<unknown[]> {
    const exportOne = this.exportMetric ?? this.export_metric;
    if (!exportOne)
      throw new TypeError(`${this.constructor.name} implements neither exportMetric nor export_metric`);
    const results: unknown[] = [];
    for (const metric of this.metricsOf(report, config))
      results.push(await exportOne.call(this, metric, config));
    return results;
  }
}
