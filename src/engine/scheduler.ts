/**
 * The scheduler of `slokit serve`: runs jobs on their intervals, one run of a job at a time. A tick that comes
 * while the job's previous run is still going is skipped and counted, never queued: a backend slower than the
 * interval cannot pile runs up. A run that throws is logged and counted; the job runs again at the next tick,
 * and other jobs are unaffected. Knows nothing of HTTP: the server reads the counts through `observer`.
 *
 * `computeJob` builds the job of `slokit serve`: compute a group of SLOs (every policy step), export the
 * reports, store the valid ones in the history and hand all of them to `onReports`. SLOs are grouped by
 * interval (`groupByInterval`), so each SLO is computed on its own interval (per-SLO override).
 */
import type { SharedConfig } from '../config/schema.js';
import type { SloConfig, SloReport } from '../domain/types.js';
import type { ExporterContext } from '../exporters/types.js';
import type { HistoryStore } from '../history/store.js';
import { compute } from './compute.js';
import { exportResults } from './export.js';
import { formatError } from './invoke.js';
import { type Logger, silentLogger } from './logger.js';

/** One scheduled job. */
export interface ScheduledJob {
  /** Names the job in logs and metrics (e.g. the interval, `1m`). */
  name: string;
  /** Seconds between the starts of two runs. */
  intervalSeconds: number;
  /** One run; a rejection counts as a failed run. */
  run(): Promise<void>;
}

/** What happens to the runs, for metrics. */
export interface SchedulerObserver {
  /** A run ended after `seconds` (wall clock); `failed` when it threw. */
  runFinished(job: string, seconds: number, failed: boolean): void;
  /** A tick came while the job's previous run was still going. */
  runSkipped(job: string): void;
}

/** Outcome of one tick. */
export type TickOutcome = 'ran' | 'failed' | 'skipped';

/** Runs jobs on their intervals; see the module comment. */
export class Scheduler {
  readonly #jobs: ReadonlyMap<string, ScheduledJob>;
  readonly #running = new Map<string, Promise<TickOutcome>>();
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #observer: SchedulerObserver | undefined;
  readonly #logger: Logger;
  #stopped = false;

  /** Throws a TypeError for two jobs of one name or an interval that is not a positive number. */
  constructor(
    jobs: readonly ScheduledJob[],
    options: { observer?: SchedulerObserver; logger?: Logger } = {},
  ) {
    const byName = new Map<string, ScheduledJob>();
    for (const job of jobs) {
      if (byName.has(job.name)) throw new TypeError(`two scheduled jobs are named "${job.name}"`);
      if (!(job.intervalSeconds > 0)) throw new TypeError(`job "${job.name}": interval must be positive`);
      byName.set(job.name, job);
    }
    this.#jobs = byName;
    this.#observer = options.observer;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Names of the jobs. */
  get jobNames(): string[] {
    return [...this.#jobs.keys()];
  }

  /**
   * Runs every job once now (after `after` settles: the runs of a scheduler this one replaces), then on its
   * interval until `stop()`.
   */
  start(after: Promise<unknown> = Promise.resolve()): void {
    void after.finally(() => {
      if (this.#stopped) return;
      for (const job of this.#jobs.values()) {
        void this.tick(job.name);
        const timer = setInterval(() => void this.tick(job.name), job.intervalSeconds * 1000);
        this.#timers.push(timer);
      }
    });
  }

  /**
   * Runs the job now unless its previous run is still going (then `skipped`) or the scheduler stopped (also
   * `skipped`). Resolves when the run ends; never rejects. Throws a TypeError for an unknown job.
   */
  tick(name: string): Promise<TickOutcome> {
    const job = this.#jobs.get(name);
    if (!job) throw new TypeError(`no scheduled job "${name}"`);
    if (this.#stopped || this.#running.has(name)) {
      this.#observer?.runSkipped(name);
      if (!this.#stopped) this.#logger.warn({ job: name }, 'previous run still going: run skipped');
      return Promise.resolve('skipped');
    }
    const started = performance.now();
    const run = (async (): Promise<TickOutcome> => {
      let failed = false;
      try {
        await job.run();
      } catch (error) {
        failed = true;
        this.#logger.error({ job: name, err: formatError(error) }, 'scheduled run failed');
      }
      this.#running.delete(name);
      this.#observer?.runFinished(name, (performance.now() - started) / 1000, failed);
      return failed ? 'failed' : 'ran';
    })();
    this.#running.set(name, run);
    return run;
  }

  /** Stops the timers and resolves when the runs in progress have ended. Safe to call twice. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers.length = 0;
    await Promise.all(this.#running.values());
  }
}

/** SLOs grouped by their interval (seconds), groups by increasing interval. */
export function groupByInterval(
  slos: readonly SloConfig[],
  intervalOf: (sloName: string) => number,
): { intervalSeconds: number; slos: SloConfig[] }[] {
  const groups = new Map<number, SloConfig[]>();
  for (const slo of slos) {
    const interval = intervalOf(slo.metadata.name);
    groups.set(interval, [...(groups.get(interval) ?? []), slo]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([intervalSeconds, group]) => ({ intervalSeconds, slos: group }));
}

/** What a compute job needs. */
export interface ComputeJobOptions {
  shared: SharedConfig;
  /** The exporter context of the server (its report metrics registry, its history databases). */
  context: ExporterContext;
  /** The server's own history: every valid report is stored in it. */
  history: HistoryStore | undefined;
  pluginDirs: readonly string[];
  /** Every report of a run (invalid ones too), once exported and stored. */
  onReports(reports: readonly SloReport[]): void | Promise<void>;
  logger?: Logger;
  /** Clock, Unix seconds; default now. */
  now?: () => number;
}

/**
 * The run of one group: compute every SLO × step at one timestamp, export (SLO exporters and
 * default_exporters, retried as configured), store the valid reports in `history`, call `onReports`.
 * Rejects only when the run as a whole cannot be done (e.g. a bad MIN_VALID_EVENTS, an unwritable
 * history); a failing backend or exporter makes reports invalid or adds errors, as in `slokit compute`.
 */
export function computeJob(slos: readonly SloConfig[], options: ComputeJobOptions): () => Promise<void> {
  const logger = options.logger ?? silentLogger;
  return async () => {
    const { shared } = options;
    const result = await compute(slos, shared, {
      timestamp: options.now?.(),
      pluginDirs: options.pluginDirs,
      logger,
    });
    const retry = shared.exporter_retry;
    await exportResults(result.results, shared, options.context, {
      attempts: retry?.attempts,
      backoffMs: retry?.backoff_ms,
      logger,
    });
    const reports = result.results.flatMap((r) => r.reports);
    const valid = reports.filter((r) => r.valid);
    options.history?.insertMany(valid);
    await options.onReports(reports);
  };
}
