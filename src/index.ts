/**
 * slokit's public API for embedders and plugin authors (the package root, `import ... from 'slokit'`).
 *
 * Embedding a run, as `slokit compute --export` does it:
 *
 * ```ts
 * import { closeExporterContext, compute, createExporterContext, exportResults, formatIssue,
 *   loadSharedConfig, loadSlos, validateConfig } from 'slokit';
 *
 * const slos = await loadSlos(['slos/']);                       // throws ConfigError
 * const shared = await loadSharedConfig('config.yaml');         // throws ConfigError
 * const pluginDirs = [process.cwd()];
 * const issues = await validateConfig(slos, shared, { pluginDirs, loadPlugins: true });  // ConfigIssue[]
 * for (const issue of issues) console.error(formatIssue(issue));  // file:line:column: field: message
 * const run = await compute(slos.map((s) => s.config), shared.config, { pluginDirs });
 * const context = createExporterContext({ pluginDirs });
 * try {
 *   const summary = await exportResults(run.results, shared.config, context);
 * } finally {
 *   closeExporterContext(context);
 * }
 * ```
 *
 * What throws (everything else returns its failures as data):
 * - `loadSlos`, `loadSharedConfig`: `ConfigError` with every problem of every file (file, line, column,
 *   field, expectation).
 * - `compute`: `ConfigError` only for a run-wide setting it cannot use (e.g. a non-integer
 *   `MIN_VALID_EVENTS`); a failing backend, a missing plugin (`PluginLoadError` inside) or a bad result
 *   becomes that SLO's invalid report, never a throw.
 * - `exportResults`: never for a failing exporter: the failure is appended to the report's `errors` and
 *   counted in `ExportSummary.failed`.
 * - `validateConfig`: never for a problem in the files: it returns them as `ConfigIssue`s (a plugin that does
 *   not load is an issue carrying the `PluginLoadError` message).
 * - `buildReport`, `reportV2toV1`, `pythonRound`, `formatIssue`, `defineBackend`, `defineExporter`,
 *   `createExporterContext`, `closeExporterContext`: never.
 * - `ReportMetricsRegistry.replace`: `Error` for an invalid metric name or a series another report owns.
 * - `HistoryStore` (constructor, `insert`): SQLite errors (unwritable file, a database from a newer slokit),
 *   `TypeError` for an invalid report.
 * - `parseKeptnSlo`: `ConfigError` with every problem of the slo.yaml. `evaluateKeptn`,
 *   `parseCriteriaString`, `previousEvaluationQuery`, `selectPreviousEvaluations`: never (a failed
 *   evaluation is data: `result: "fail"`, `status: "errored"` and lighthouse's message).
 *
 * A Keptn quality gate, as `slokit keptn evaluate` runs it (lighthouse-compatible scoring):
 *
 * ```ts
 * const { slo, text } = parseKeptnSlo(readFileSync('slo.yaml', 'utf8'), 'slo.yaml');
 * const previous = selectPreviousEvaluations(earlierFinishedData, getSliFinishedData,
 *   previousEvaluationQuery(slo.comparison));                   // newest first, as lighthouse picks them
 * const data = evaluateKeptn({ sli: getSliFinishedData, slo, previous,
 *   sloFileContent: Buffer.from(text).toString('base64') });   // evaluation.finished `data`
 * if (data.result !== 'pass') process.exitCode = 1;
 * ```
 *
 * Plugin authors: a backend is a class constructed with its config block whose methods are called as
 * `method(timestamp, window, sloConfig)` and return `[good, bad]` or an SLI (see `Backend`); an exporter is a
 * class with `export(report, config)` (see `Exporter`), or a `MetricsExporter` subclass. `defineBackend` and
 * `defineExporter` check such classes at compile time.
 */

export {
  type BackendClass,
  defineBackend,
  defineExporter,
  type ExporterClass,
  type ExporterClassV1,
  type ExporterClassV2,
} from './api/define.js';
export type {
  Backend,
  BackendMethodArgs,
  DistributionCutMethod,
  GoodBadRatioMethod,
  QuerySliMethod,
} from './backends/backend.js';
export type { BackendMethod } from './backends/types.js';
export { ConfigError, type ConfigIssue, formatIssue } from './config/errors.js';
export { type LoadedSharedConfig, type LoadedSlo, loadSharedConfig, loadSlos } from './config/load.js';
export type { SharedConfig } from './config/schema.js';
export {
  type CriteriaOperator,
  type CriteriaParse,
  evaluateKeptn,
  type KeptnCriterion,
  type KeptnEvaluationInput,
  type PreviousEvaluationQuery,
  parseCriteriaString,
  previousEvaluationQuery,
  selectPreviousEvaluations,
} from './domain/keptn-evaluation.js';
export type {
  EvaluationDetails,
  EvaluationFinishedData,
  GetSliFinishedData,
  KeptnComparison,
  KeptnCriteriaSet,
  KeptnEventData,
  KeptnObjective,
  KeptnSliResult,
  KeptnSlo,
  PreviousEvaluation,
  PreviousEvaluationData,
  SliEvaluationResult,
  SliStatus,
  SliTarget,
} from './domain/keptn-types.js';
export { buildReport, type ReportInput } from './domain/report.js';
export { pythonRound } from './domain/rounding.js';
export type {
  GoodBadCounts,
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
export { type ExportOptions, type ExportSummary, exportResults } from './engine/export.js';
export { type Logger, silentLogger } from './engine/logger.js';
export { type ValidateOptions, validateConfig } from './engine/validate.js';
export { closeExporterContext, createExporterContext } from './exporters/context.js';
export {
  DEFAULT_METRIC_LABELS,
  DEFAULT_METRICS,
  type Metric,
  type MetricSpec,
  MetricsExporter,
} from './exporters/metrics-exporter.js';
export { ReportMetricsRegistry, type ReportSeries } from './exporters/report-metrics-registry.js';
export {
  type InvalidReportV1,
  type MetadataV1,
  type PromotedLabels,
  reportV2toV1,
  type SloReportV1,
  type ValidReportV1,
} from './exporters/report-v1.js';
export type {
  ExportedReport,
  Exporter,
  ExporterConfig,
  ExporterContext,
  ReportVersion,
} from './exporters/types.js';
export {
  type HistoryRecord,
  HistoryStore,
  type HistoryStoreOptions,
  type ReportQuery,
  type SloSummary,
} from './history/store.js';
export { HistoryStores } from './history/stores.js';
export { EvaluationStore } from './keptn/evaluation-store.js';
export { type LoadedKeptnSlo, parseKeptnSlo } from './keptn/slo-file.js';
export { PluginLoadError } from './plugins/loader.js';
