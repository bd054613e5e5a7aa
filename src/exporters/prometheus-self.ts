/**
 * The `prometheus_self` exporter: keeps the latest metrics of each report in a `ReportMetricsRegistry`
 * that `slokit serve` exposes on `/metrics` (slo-generator's `PrometheusSelfExporter`, API mode).
 *
 * Differences from slo-generator, on purpose:
 * - Labels are matched by name, never by position, and a report's series replace that report's previous
 *   series (SLO + step); `delete` (compute --delete) removes them. slo-generator fixes label names at the
 *   first registration and sets values positionally, mislabelling later SLOs, and never forgets a series.
 * - Every series also carries `slo` (the SLO's metadata name) and `error_budget_policy_step_name`, the
 *   labels the `prometheus` (Pushgateway) exporter groups by, so the two exporters produce series of the
 *   same shape and two SLOs or steps can never collide.
 * - The default metric list uses names that pass `promtool check metrics` (which lints a `_count` suffix on
 *   anything but histograms and summaries) and exports the good and bad counts as series of their own
 *   instead of labels (slo-generator issue #230):
 *
 *   | metric                         | report field (v1)            |
 *   | ------------------------------ | ---------------------------- |
 *   | `error_budget_burn_rate`       | error_budget_burn_rate       |
 *   | `alerting_burn_rate_threshold` | alerting_burn_rate_threshold |
 *   | `sli_measurement`              | sli_measurement              |
 *   | `slo_target`                   | slo_target                   |
 *   | `slo_events`                   | events_count                 |
 *   | `slo_good_events`              | good_events_count            |
 *   | `slo_bad_events`               | bad_events_count             |
 *
 *   The event gauges count events in the step's window (not `_total` counters: they go down as the window
 *   slides); for SLOs whose backend returns an SLI directly they hold slo-generator's NO_DATA markers
 *   (-2 for `slo_events`, -1 for the others). A `metrics` block replaces the list, as in slo-generator.
 */
import * as z from 'zod';
import { reportMetricsOf } from './context.js';
import { type Metric, type MetricSpec, MetricsExporter, metricSpecSchema } from './metrics-exporter.js';
import { reportIdentity } from './report-identity.js';
import { ReportMetricsRegistry, reportKeyOf } from './report-metrics-registry.js';
import type { BuiltinExporter, ExportedReport, Exporter, ExporterConfig } from './types.js';

/** Default metrics of `prometheus_self` (lint-clean names; see the module comment). */
export const SELF_DEFAULT_METRICS: readonly Exclude<MetricSpec, string>[] = [
  { name: 'error_budget_burn_rate', description: 'Speed at which the error budget is consumed.' },
  { name: 'alerting_burn_rate_threshold', description: 'Error Budget burn rate threshold.' },
  { name: 'sli_measurement', description: 'Service Level Indicator.' },
  { name: 'slo_target', description: 'Service Level Objective target.' },
  {
    name: 'events_count',
    alias: 'slo_events',
    description: "Number of valid events (good + bad) in the step's window.",
  },
  {
    name: 'good_events_count',
    alias: 'slo_good_events',
    description: "Number of good events in the step's window.",
  },
  {
    name: 'bad_events_count',
    alias: 'slo_bad_events',
    description: "Number of bad events in the step's window.",
  },
];

const configSchema = z.strictObject({
  metrics: z.array(metricSpecSchema).optional().describe('Metrics to expose (default: see the docs).'),
});
export type PrometheusSelfExporterConfig = z.output<typeof configSchema>;

/** `prometheus_self` exporter: the latest metrics of each report, in a registry served on `/metrics`. */
export class PrometheusSelfExporter extends MetricsExporter implements Exporter {
  readonly #config: PrometheusSelfExporterConfig;
  /** The registry this exporter writes to. */
  readonly registry: ReportMetricsRegistry;

  /**
   * `config`: the exporter's block (`metrics`, optional); throws a ZodError when it does not match.
   * `registry`: where the series go; default a registry of this exporter's own.
   */
  constructor(
    config: Record<string, unknown> = {},
    registry: ReportMetricsRegistry = new ReportMetricsRegistry(),
  ) {
    super();
    this.#config = configSchema.parse(config);
    this.registry = registry;
  }

  protected override defaultMetrics(): readonly MetricSpec[] {
    return SELF_DEFAULT_METRICS;
  }

  /**
   * Replaces the report's series in the registry. Returns the metrics stored. Rejects as
   * `ReportMetricsRegistry.replace` and `buildMetrics` throw, leaving the registry unchanged.
   */
  override async export(report: ExportedReport, config?: ExporterConfig): Promise<Metric[]> {
    const { slo, step } = reportIdentity(report);
    const metrics = this.metricsOf(report, { ...this.#config, name: config?.name ?? 'prometheus_self' });
    this.registry.replace(
      reportKeyOf(slo, step),
      metrics.map((metric) => ({
        name: metric.name,
        help: metric.help,
        labels: { ...metric.labels, slo, error_budget_policy_step_name: step },
        value: metric.value,
      })),
    );
    return metrics;
  }

  /** Removes the report's series from the registry; rejects (`TypeError`) for a report without SLO/step. */
  async delete(report: ExportedReport): Promise<void> {
    const { slo, step } = reportIdentity(report);
    this.registry.delete(reportKeyOf(slo, step));
  }
}

export const prometheusSelfExporter: BuiltinExporter = {
  create: (config, context) => new PrometheusSelfExporter(config, reportMetricsOf(context)),
  configSchema,
  reportVersion: 1,
};
