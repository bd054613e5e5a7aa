/**
 * The exporter contract, slo-generator's: an object with `export(report, config)` (sync or async) that sends
 * one report somewhere. Metrics exporters extend `MetricsExporter` and implement `exportMetric` instead.
 * An exporter may also implement `delete(report, config)` for `compute --delete` (remove what it exported).
 */
import type * as z from 'zod';
import type { SloReport } from '../domain/types.js';
import type { HistoryStores } from '../history/stores.js';
import type { ReportMetricsRegistry } from './report-metrics-registry.js';
import type { SloReportV1 } from './report-v1.js';

/**
 * A report as exporters receive it: slo-generator's v2 report (`SloReport`) for exporters declaring
 * `reportVersion` 2, its v1 conversion (`SloReportV1`, see report-v1.ts) for the others. `export` is only
 * given valid reports; `delete` (`compute --delete`) may get invalid ones, which still carry the SLO name
 * and the policy step.
 */
export type ExportedReport = SloReport | SloReportV1;

/**
 * An exporter instance. `R` is the report shape it receives: `SloReportV1` (the default for plugin and
 * metrics exporters) or `SloReport` (exporters with `static reportVersion = 2`).
 */
export interface Exporter<R extends ExportedReport = ExportedReport> {
  /** Sends one report; may be async. A throw or rejection is a failed export (retried, then reported). */
  export(report: R, config: ExporterConfig): unknown;
  /** Removes what `export` sent for this report's SLO and step (`compute --delete`); optional. */
  delete?(report: R, config: ExporterConfig): unknown;
}

/**
 * An exporter's config block as passed to `export`: the user's fields from the shared config (as parsed
 * from YAML, not checked against the exporter's expectations for plugins), plus `name`, its key.
 */
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
 * What exporters share beyond one run's config: owned by whoever runs the engine (the CLI for one run, the
 * server for its lifetime), created with `createExporterContext` and released with `closeExporterContext`
 * (see context.ts). A plain object literal works too: a missing resource is created on first use and
 * stored in its field, so the owner can read and close it afterwards.
 */
export interface ExporterContext {
  /** Directories plugin exporter modules are resolved against, in order. */
  pluginDirs: readonly string[];
  /** Registry the `prometheus_self` exporter writes to (the one `slokit serve` exposes on `/metrics`). */
  reportMetrics?: ReportMetricsRegistry;
  /** Open history databases by file, shared by every `history` exporter of the context. */
  historyStores?: HistoryStores;
}
