/**
 * slokit's public API for plugin authors and embedders.
 *
 * A custom backend is any class whose constructor takes its config block and whose methods are called as
 * `method(timestamp, window, sloConfig)`, returning `[good, bad]` or an SLI number (optionally async).
 */

export type { Backend, BackendMethod } from './backends/types.js';
export { ConfigError, type ConfigIssue } from './config/errors.js';
export { loadSharedConfig, loadSlos } from './config/load.js';
export { buildReport, type ReportInput } from './domain/report.js';
export { pythonRound } from './domain/rounding.js';
export type {
  InvalidReport,
  PolicyStep,
  SliResult,
  SloConfig,
  SloMetadata,
  SloReport,
  SloSpec,
  ValidReport,
} from './domain/types.js';
export { NO_DATA } from './domain/types.js';
export { type ComputeOptions, type ComputeResult, compute, type SloResult } from './engine/compute.js';
export {
  DEFAULT_METRIC_LABELS,
  DEFAULT_METRICS,
  type Metric,
  type MetricSpec,
  MetricsExporter,
} from './exporters/metrics-exporter.js';
export { defaultReportMetrics, ReportMetricsRegistry } from './exporters/report-metrics-registry.js';
export type { ExportedReport, Exporter, ExporterConfig } from './exporters/types.js';
export { HistoryStore } from './history/store.js';
