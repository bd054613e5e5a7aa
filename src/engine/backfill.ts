/**
 * Backfill: the reports every SLO × policy step would have had at past instants, computed and stored in the
 * report history, so a new SLO's charts and "what was my error budget last Tuesday" have an answer at once.
 * Each instant is an ordinary compute run at that timestamp (`compute({ timestamp })`): the Prometheus
 * backend sends instant queries at it, the `events` backend reads the stored per-minute buckets of the window
 * ending there. Nothing is exported: backfilled reports go to the history only.
 *
 * - Instants: every multiple of `every` seconds (Unix time) in [from, to]. Aligning to the grid rather than
 *   to `from` makes two runs over overlapping ranges pick the same instants.
 * - Idempotent: a (SLO name, step, timestamp) already in the history is neither computed again nor stored
 *   twice; an SLO is computed at an instant only when one of its steps is missing there. A re-run after an
 *   interruption therefore continues where the last one stopped.
 * - Only valid reports are stored (invalid ones have no timestamp in slo-generator v2's shape); they are
 *   counted in the summary and logged by the engine, and retried by the next run.
 * - Instants run concurrently under a bound; each compute run bounds its own backend calls too.
 */

import { mapLimit } from '../async/limiter.js';
import type { SharedConfig } from '../config/schema.js';
import type { SloConfig, ValidReport } from '../domain/types.js';
import type { HistoryStore } from '../history/store.js';
import { type ComputeOptions, compute } from './compute.js';
import { type Logger, silentLogger } from './logger.js';

/** What a backfill covers and how. Times are Unix seconds. */
export interface BackfillOptions {
  /** First instant considered (inclusive). */
  from: number;
  /** Last instant considered (inclusive). */
  to: number;
  /** Seconds between instants (> 0); instants are the multiples of it in [from, to]. */
  every: number;
  /** Instants computed at once; default 4. */
  concurrency?: number;
  /** Options of each compute run (timeout, min valid events, plugin directories, backend call bound). */
  compute?: Pick<ComputeOptions, 'callTimeout' | 'minValidEvents' | 'pluginDirs' | 'concurrency'>;
  logger?: Logger;
  /** Called after each instant with the instants done and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Aborted: instants not yet started are left out (a later run computes them); the summary counts them. */
  signal?: AbortSignal;
}

/** Outcome of a backfill. */
export interface BackfillSummary {
  /** Instants in the range. */
  instants: number;
  /** Reports stored by this run. */
  stored: number;
  /** (SLO, step, instant) reports already in the history, left as they were. */
  skipped: number;
  /** Reports computed as invalid (not stored). */
  invalid: number;
  /** Instants left out because the run was aborted (present only then). */
  aborted?: number;
}

/**
 * A progress callback for `BackfillOptions.onProgress` that logs `backfill progress` with `{done, total}`
 * (instants) each time another tenth of them is done: readable in a log file, unlike a terminal counter.
 */
export function logBackfillProgress(logger: Logger): (done: number, total: number) => void {
  let logged = 0;
  return (done, total) => {
    const tenth = Math.floor((done * 10) / total);
    if (tenth === logged) return;
    logged = tenth;
    logger.info({ done, total }, 'backfill progress');
  };
}

/** The instants of a range: multiples of `every` in [from, to], ascending. Throws a RangeError for bad input. */
export function backfillInstants(from: number, to: number, every: number): number[] {
  if (!Number.isFinite(from) || !Number.isFinite(to))
    throw new RangeError('from and to must be finite times');
  if (!Number.isFinite(every) || every <= 0)
    throw new RangeError(`every must be a positive number of seconds, got ${every}`);
  if (from > to) throw new RangeError(`from (${from}) is after to (${to})`);
  const instants: number[] = [];
  for (let step = Math.ceil(from / every); step * every <= to; step++) instants.push(step * every);
  return instants;
}

/** The step names of each SLO's error budget policy (none for an SLO whose policy is missing). */
function stepNames(slo: SloConfig, shared: SharedConfig): string[] {
  const name = slo.spec.error_budget_policy ?? 'default';
  const policy = Object.hasOwn(shared.error_budget_policies, name)
    ? shared.error_budget_policies[name]
    : undefined;
  return policy ? policy.steps.map((step) => step.name) : [];
}

const identity = (slo: string, step: string, timestamp: number) => `${slo}\u0000${step}\u0000${timestamp}`;

/**
 * Computes and stores the reports of `slos` at every instant of the range (see the module comment). Backend
 * failures make reports invalid, never reject; throws only what the history store throws (SQLite errors) and
 * a RangeError for a bad range.
 */
export async function backfill(
  slos: readonly SloConfig[],
  shared: SharedConfig,
  history: HistoryStore,
  options: BackfillOptions,
): Promise<BackfillSummary> {
  const logger = options.logger ?? silentLogger;
  const instants = backfillInstants(options.from, options.to, options.every);
  const summary: BackfillSummary = { instants: instants.length, stored: 0, skipped: 0, invalid: 0 };
  if (instants.length === 0) return summary;

  // What the history already holds over the range, read once (summary columns only).
  const present = new Set<string>();
  for (const name of new Set(slos.map((slo) => slo.metadata.name))) {
    for (const record of history.reports({
      slo: name,
      from: instants[0],
      to: instants.at(-1),
      includeReport: false,
    }))
      present.add(identity(record.slo, record.step, record.timestamp));
  }
  const steps = new Map(slos.map((slo) => [slo, stepNames(slo, shared)]));

  let done = 0;
  // One `compute finished` per instant would drown the progress logs: a backfill's runs log it at debug.
  const runLogger: Logger = {
    debug: (fields, message) => logger.debug(fields, message),
    info: (fields, message) => logger.debug(fields, message),
    warn: (fields, message) => logger.warn(fields, message),
    error: (fields, message) => logger.error(fields, message),
  };
  let aborted = 0;
  await mapLimit(instants, options.concurrency ?? 4, async (timestamp) => {
    if (options.signal?.aborted) {
      aborted++;
      return;
    }
    // An SLO whose policy is missing has no steps: computing it only repeats its config error each instant.
    const missing = slos.filter((slo) => {
      const names = steps.get(slo)!;
      const absent = names.filter((step) => !present.has(identity(slo.metadata.name, step, timestamp)));
      summary.skipped += names.length - absent.length;
      return absent.length > 0;
    });
    if (missing.length > 0) {
      const run = await compute(missing, shared, { ...options.compute, timestamp, logger: runLogger });
      const fresh: ValidReport[] = [];
      for (const { reports } of run.results) {
        for (const report of reports) {
          if (report.valid !== true) {
            summary.invalid++;
            continue;
          }
          const key = identity(
            report.name,
            report.error_budget_policy_step_name,
            Math.trunc(report.timestamp),
          );
          // Steps of this SLO that were already stored at this instant stay as they were.
          if (present.has(key)) continue;
          present.add(key);
          fresh.push(report);
        }
      }
      summary.stored += history.insertMany(fresh);
    }
    done++;
    options.onProgress?.(done, instants.length);
  });
  if (aborted) summary.aborted = aborted;
  logger.info({ ...summary, from: instants[0], to: instants.at(-1), every: options.every }, 'backfill done');
  return summary;
}
