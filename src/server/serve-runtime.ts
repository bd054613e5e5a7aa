/**
 * The running state of `slokit serve` behind the API: the config in force, its scheduler, the latest report
 * of every SLO × step (invalid ones too, which the history does not keep), the report history, and the event
 * pipeline. A reload loads and checks the new config completely before anything changes; then the config
 * and the scheduler are swapped at once (the new scheduler's first runs wait for the old one's runs in
 * progress, so runs never stack). A bad config is refused with every issue and the old one keeps running.
 */
import { ConfigError, formatIssue } from '../config/errors.js';
import { lookup } from '../config/lookup.js';
import { sloSchema } from '../config/schema.js';
import type { SlokitConfig } from '../config/slokit-config.js';
import { validateWith } from '../config/validate.js';
import { parseSource } from '../config/yaml-source.js';
import type { PolicyStep, SloConfig, SloReport } from '../domain/types.js';
import { compute } from '../engine/compute.js';
import { exporterKeys } from '../engine/export.js';
import { type Logger, silentLogger } from '../engine/logger.js';
import { computeJob, groupByInterval, Scheduler, type SchedulerObserver } from '../engine/scheduler.js';
import { validateConfig } from '../engine/validate.js';
import type { PipelineRunner } from '../events/pipeline-runner.js';
import { PrometheusSelfExporter } from '../exporters/prometheus-self.js';
import { reportKeyOf } from '../exporters/report-metrics-registry.js';
import { reportV2toV1 } from '../exporters/report-v1.js';
import type { ExporterContext } from '../exporters/types.js';
import type { HistoryStore } from '../history/store.js';
import { formatDuration } from '../lang/duration.js';
import type { EventRuleSummary, EventStatsSummary, Refusal, ServeApi } from './api-routes.js';
import { type SloSummary, summarize } from './slo-summary.js';

/** What a runtime is built from. */
export interface ServeRuntimeOptions {
  /** Loads and checks slokit.yaml again (reload); throws `ConfigError` with every issue. */
  load(): Promise<SlokitConfig>;
  history: HistoryStore;
  /** The exporter context of the server's lifetime (its report metrics registry is served on /metrics). */
  context: Required<ExporterContext>;
  observer?: SchedulerObserver & { declareJob(job: string): void };
  /** The running event pipeline's runner, if any (read per request: a reload may replace it). */
  events?: () => PipelineRunner | undefined;
  /**
   * Called once a reloaded config is in force (after the scheduler swap), to apply what the runtime does not
   * own (the event pipeline). Its failure is logged; the new config stays.
   */
  reloaded?(config: SlokitConfig): Promise<void>;
  logger?: Logger;
  /** Clock, Unix seconds; default now. */
  now?: () => number;
}

/** Whether an exporter key is a `prometheus_self` exporter (`prometheus_self`, `prometheus_self/x`). */
const isSelfExporter = (key: string) => key.split('/')[0] === 'prometheus_self';

/** The running serve state; see the module comment. */
export class ServeRuntime implements ServeApi {
  #config: SlokitConfig;
  #scheduler: Scheduler;
  /** SLO name → step name → newest report. */
  readonly #latest = new Map<string, Map<string, SloReport>>();
  readonly #options: ServeRuntimeOptions;
  readonly #logger: Logger;
  readonly #self: PrometheusSelfExporter;
  /** Serialises reloads: two at once would race to swap. */
  #reloading: Promise<unknown> = Promise.resolve();

  /** Builds the runtime over a loaded config; `start()` starts its scheduler. */
  constructor(config: SlokitConfig, options: ServeRuntimeOptions) {
    this.#config = config;
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#self = new PrometheusSelfExporter({}, options.context.reportMetrics);
    for (const record of options.history.latest()) {
      if (record.report) this.#remember(record.report);
    }
    this.#scheduler = this.#schedulerFor(config);
  }

  /** The config in force. */
  get config(): SlokitConfig {
    return this.#config;
  }

  /** Starts computing on the schedule (a first run of every SLO now). */
  start(): void {
    this.#scheduler.start();
  }

  /** Stops the scheduler and waits for the runs in progress. */
  stop(): Promise<void> {
    return this.#scheduler.stop();
  }

  now(): number {
    return (this.#options.now ?? (() => Date.now() / 1000))();
  }

  slos(): SloSummary[] {
    const shared = this.#config.shared.config;
    return this.#config.slos
      .map(({ config: slo }) => {
        const latest = this.#latest.get(slo.metadata.name);
        return summarize(slo, this.#stepsOf(slo, shared), (step) => latest?.get(step) ?? null);
      })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  reports(name: string, query: { step?: string; from: number; to: number }): SloReport[] | undefined {
    if (!this.#config.slos.some((s) => s.config.metadata.name === name)) return undefined;
    return this.#options.history
      .reports({ slo: name, ...query })
      .flatMap((record) => (record.report ? [record.report] : []));
  }

  async compute(body: string): Promise<{ reports: SloReport[] } | Refusal> {
    const { doc, issues } = parseSource(body, 'request body');
    const checked = issues.length ? { issues } : validateWith(sloSchema, doc.value, doc);
    if (!checked.value)
      return { error: 'the body is not a valid SLO config', issues: checked.issues.map(formatIssue) };
    const slo = checked.value as SloConfig;
    const config = this.#config;
    const problems = await validateConfig([{ config: slo, source: doc }], config.shared, {
      pluginDirs: config.pluginDirs,
      loadPlugins: false,
      unsupportedInUse: 'invalid-report',
      exporting: false,
    });
    if (problems.length)
      return { error: 'the SLO config does not fit this server', issues: problems.map(formatIssue) };
    const result = await compute([slo], config.shared.config, {
      pluginDirs: config.pluginDirs,
      logger: this.#logger,
      timestamp: this.now(),
    });
    return { reports: result.results.flatMap((r) => r.reports) };
  }

  reload(): Promise<{ reloaded: true; slos: number } | Refusal> {
    const next = this.#reloading.then(() => this.#reload());
    this.#reloading = next.catch(() => undefined);
    return next;
  }

  eventRules(): { rules: EventRuleSummary[]; stats: EventStatsSummary } | undefined {
    const runner = this.#options.events?.();
    if (!runner) return undefined;
    const rules = [...runner.ruleResults].map(([rule, counts], index) => {
      const matcher: Record<string, string> = {};
      for (const key of ['domain', 'class', 'app'] as const) {
        const regexp = rule.sloMatcher[key];
        if (regexp) matcher[key] = regexp.source;
      }
      return {
        index,
        file: rule.origin.file,
        line: rule.origin.line,
        slo_matcher: matcher,
        additional_metadata: { ...rule.additionalMetadata },
        success: counts.success,
        fail: counts.fail,
      };
    });
    return { rules, stats: statsOf(runner) };
  }

  async #reload(): Promise<{ reloaded: true; slos: number } | Refusal> {
    let config: SlokitConfig;
    try {
      config = await this.#options.load();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const issues = error.issues.map(formatIssue);
      this.#logger.error({ issues }, 'reload refused: the running config is kept');
      return { error: 'reload refused: the new config has errors; the running config is kept', issues };
    }
    const previous = this.#scheduler;
    const scheduler = this.#schedulerFor(config);
    this.#config = config;
    this.#scheduler = scheduler;
    scheduler.start(previous.stop());
    // SLOs no longer configured leave the API and /metrics (no stale series).
    const names = new Set(config.slos.map((s) => s.config.metadata.name));
    for (const [name, steps] of this.#latest) {
      if (names.has(name)) continue;
      for (const step of steps.keys()) this.#options.context.reportMetrics.delete(reportKeyOf(name, step));
      this.#latest.delete(name);
    }
    try {
      await this.#options.reloaded?.(config);
    } catch (error) {
      this.#logger.error({ err: String(error) }, 'reload: applying the new config failed');
    }
    this.#logger.info({ slos: config.slos.length }, 'config reloaded');
    return { reloaded: true, slos: config.slos.length };
  }

  #stepsOf(slo: SloConfig, shared: SlokitConfig['shared']['config']): PolicyStep[] {
    return lookup(shared.error_budget_policies, slo.spec.error_budget_policy ?? 'default')?.steps ?? [];
  }

  #schedulerFor(config: SlokitConfig): Scheduler {
    const shared = config.shared.config;
    const jobs = groupByInterval(
      config.slos.map((s) => s.config),
      config.intervalOf,
    ).map(({ intervalSeconds, slos }) => {
      const name = formatDuration(intervalSeconds);
      this.#options.observer?.declareJob(name);
      return {
        name,
        intervalSeconds,
        run: computeJob(slos, {
          shared,
          context: this.#options.context,
          history: this.#options.history,
          pluginDirs: config.pluginDirs,
          logger: this.#logger,
          now: this.#options.now,
          onReports: (reports) => this.#received(reports, slos, shared),
        }),
      };
    });
    return new Scheduler(jobs, { observer: this.#options.observer, logger: this.#logger });
  }

  /**
   * Keeps the reports as the latest, and puts the valid ones of SLOs without a `prometheus_self` exporter
   * on /metrics with the default metrics (those with one were exported by it already).
   */
  async #received(
    reports: readonly SloReport[],
    slos: readonly SloConfig[],
    shared: SlokitConfig['shared']['config'],
  ): Promise<void> {
    const exportsSelf = new Set(
      slos
        .filter((slo) => exporterKeys(slo.spec.exporters, shared).some(isSelfExporter))
        .map((slo) => slo.metadata.name),
    );
    // A run of a replaced scheduler may end after a reload: SLOs removed since are not brought back.
    const current = new Set(this.#config.slos.map((s) => s.config.metadata.name));
    for (const report of reports) {
      if (!current.has(report.valid ? report.name : report.metadata.name)) continue;
      this.#remember(report);
      if (report.valid && !exportsSelf.has(report.name))
        await this.#self.export(reportV2toV1(report), { name: 'prometheus_self' });
    }
  }

  #remember(report: SloReport): void {
    const name = report.valid ? report.name : report.metadata.name;
    const steps = this.#latest.get(name) ?? new Map<string, SloReport>();
    this.#latest.set(name, steps);
    steps.set(report.error_budget_policy_step_name, report);
  }
}

/** The pipeline's counts since start, as `GET /api/events/rules` gives them. */
function statsOf(runner: PipelineRunner): EventStatsSummary {
  const { stats } = runner.classifier;
  return {
    processed: stats.processed,
    unclassified: stats.unclassified,
    unmatched: stats.unmatched,
    evaluation_errors: stats.evaluationErrors,
    slo_events: stats.sloEvents,
    malformed: runner.stats.malformed.http + runner.stats.malformed.stdin,
  };
}
