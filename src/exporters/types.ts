/**
 * The exporter contract, slo-generator's: an object with `export(report, config)` (sync or async) that sends
 * one report somewhere. Metrics exporters extend `MetricsExporter` and implement `exportMetric` instead.
 * An exporter may also implement `delete(report, config)` for `compute --delete` (remove what it exported).
 */
import type { z } from 'zod';
import type { ReportMetricsRegistry } from './report-metrics-registry.js';

/** A report as exporters receive it: slo-generator's v2 report, or its v1 conversion (see report-v1.ts). */
export type ExportedReport = Record<string, unknown>;

/** An exporter instance. `config` is the exporter's block from the shared config, plus `name` (its key). */
export interface Exporter {
  export(report: ExportedReport, config: ExporterConfig): unknown;
  delete?(report: ExportedReport, config: ExporterConfig): unknown;
}

/** An exporter's config block as passed to `export`: the user's fields plus `name`, its key. */
export type ExporterConfig = Record<string, unknown> & { name: string };

/** Which report shape an exporter receives: v1 for slo-generator's metrics/custom exporters, v2 for the rest. */
export type ReportVersion = 1 | 2;

/** What a built-in exporter registers. */
export interface BuiltinExporter {
  /** Builds an instance (one per exporter key per run). */
  create(config: Record<string, unknown>, context: ExporterContext): Exporter;
  /** Schema of the exporter's config block, checked by `slokit validate`. */
  configSchema: z.ZodType;
  reportVersion: ReportVersion;
}

/**
 * Process-wide objects exporters may need, passed to `create`. Owned by whoever runs the engine (the CLI for
 * one run, the server for its lifetime).
 */
export interface ExporterContext {
  /** Directories plugin exporter modules are resolved against, in order. */
  pluginDirs: readonly string[];
  /**
   * Registry the `prometheus_self` exporter writes to (the one `slokit serve` exposes on `/metrics`);
   * default: the module-level `defaultReportMetrics`.
   */
  reportMetrics?: ReportMetricsRegistry;
}
