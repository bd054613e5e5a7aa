/**
 * The compute engine: for each SLO and each step of its error budget policy, ask the SLO's backend for a
 * result over the step's window (and its `short_window`, if any) and build the report. One evaluation timestamp for the whole run; a request
 * is made once when everything the backend receives is identical (backend, method, window, timestamp and
 * the whole SLO config, since a plugin may read any of it); backend calls run concurrently under a bound,
 * each with a deadline; one SLO's failure never hides another's result.
 */

import { DEFAULT_CALL_TIMEOUT, withDeadline } from '../async/deadline.js';
import { KeyedOnce } from '../async/keyed-once.js';
import { createLimiter } from '../async/limiter.js';
import { stableKey } from '../async/stable-key.js';
import { createBackend } from '../backends/registry.js';
import type { Backend } from '../backends/types.js';
import { notDefinedMessage } from '../config/did-you-mean.js';
import { ConfigError } from '../config/errors.js';
import { lookup } from '../config/lookup.js';
import { MIN_VALID_EVENTS_EXPECTED, parseMinValidEvents } from '../config/min-valid-events.js';
import type { SharedConfig } from '../config/schema.js';
import { redact, secretsOf } from '../config/secrets.js';
import { buildReport, DEFAULT_MIN_VALID_EVENTS } from '../domain/report.js';
import type { PolicyStep, SloConfig, SloReport } from '../domain/types.js';
import { isPluginKey } from '../plugins/loader.js';
import { runInPluginScope } from '../plugins/scope.js';
import { formatError, resolveMethod, snapshotResult } from './invoke.js';
import { type Logger, silentLogger } from './logger.js';

/** What one compute run needs. */
export interface ComputeOptions {
  /** Evaluation timestamp (Unix seconds) for every query of the run; default now. */
  timestamp?: number;
  /** Maximum backend calls in flight (one call = one SLO × policy step); default 8. */
  concurrency?: number;
  /** Share identical requests and backend instances within the run; default true. */
  dedup?: boolean;
  /**
   * Seconds one backend call (or loading a backend) may take before that report is invalid with
   * "... timed out after N s"; default: shared config `call_timeout`, else 60.
   */
  callTimeout?: number;
  /** Minimum valid events; default: shared config `min_valid_events`, else env MIN_VALID_EVENTS, else 1. */
  minValidEvents?: number;
  /** Directories plugin modules are resolved against, in order (cwd, then the config file's directory). */
  pluginDirs?: readonly string[];
  /** Structured log events (invalid reports, run summary); default silent. */
  logger?: Logger;
  /** Called after each SLO × step evaluation. */
  onProgress?: (done: number, total: number) => void;
}

/** The reports of one SLO, in policy step order. */
export interface SloResult {
  slo: SloConfig;
  reports: SloReport[];
}

/** Outcome of a run. */
export interface ComputeResult {
  timestamp: number;
  results: SloResult[];
  /** Backend method calls actually made (after deduplication). */
  backendCalls: number;
}

/** A backend call's result, or the error that makes its reports invalid (never a rejection). */
interface CallOutcome {
  result?: unknown;
  error?: string;
}

interface Task {
  slo: SloConfig;
  step: PolicyStep;
  /** Error that makes this step's report invalid before any backend call (missing backend or policy). */
  configError?: string;
}

/** Minimum valid events from options, config, then the environment, as documented in README. */
export function resolveMinValidEvents(shared: SharedConfig, explicit?: number): number {
  if (explicit !== undefined) return explicit;
  if (shared.min_valid_events !== undefined) return shared.min_valid_events;
  const text = process.env.MIN_VALID_EVENTS;
  if (text === undefined || text === '') return DEFAULT_MIN_VALID_EVENTS;
  const value = parseMinValidEvents(text);
  if (value === undefined) {
    throw new ConfigError([
      {
        file: 'environment',
        line: 0,
        column: 0,
        path: 'MIN_VALID_EVENTS',
        message: `${MIN_VALID_EVENTS_EXPECTED}, got "${text}"`,
      },
    ]);
  }
  return value;
}

/** Expands SLOs into (SLO, step) tasks, resolving each SLO's policy. */
function planTasks(slos: readonly SloConfig[], shared: SharedConfig): Task[] {
  const tasks: Task[] = [];
  for (const slo of slos) {
    const policyName = slo.spec.error_budget_policy ?? 'default';
    const policy = lookup(shared.error_budget_policies, policyName);
    const backendError = lookup(shared.backends, slo.spec.backend)
      ? undefined
      : notDefinedMessage('backend', slo.spec.backend, Object.keys(shared.backends));
    if (!policy) {
      const error = notDefinedMessage(
        'error budget policy',
        policyName,
        Object.keys(shared.error_budget_policies),
      );
      tasks.push({
        slo,
        step: { name: policyName, window: 0, burn_rate_threshold: 0, message_alert: '', message_ok: '' },
        configError: error,
      });
      continue;
    }
    for (const step of policy.steps) tasks.push({ slo, step, configError: backendError });
  }
  return tasks;
}

/**
 * The SLO × step identities of a run without querying any backend: one report per step carrying only the
 * SLO's metadata and the step name (the shape of an invalid report), which is all `compute --delete` needs
 * to find what exporters exported. A missing policy yields its error in `errors`.
 */
export function identityResults(slos: readonly SloConfig[], shared: SharedConfig): SloResult[] {
  const results: SloResult[] = slos.map((slo) => ({ slo, reports: [] }));
  const bySlo = new Map(results.map((r) => [r.slo, r]));
  for (const task of planTasks(slos, shared)) {
    const isPolicyError = task.configError && task.step.window === 0;
    bySlo.get(task.slo)!.reports.push({
      metadata: task.slo.metadata,
      errors: isPolicyError ? [task.configError!] : [],
      error_budget_policy_step_name: task.step.name,
      valid: false,
    });
  }
  return results;
}

/**
 * The identity of a backend call of a run at `timestamp`: `(slo, window) →
 * stableKey([slo.spec.backend, slo.spec.method, window, timestamp, slo])`, undefined when the SLO is not
 * plain data (never shared). The SLO's encoding, the costly part, is made once per SLO object rather than
 * once per window: an array's key is its items' keys joined by `,` inside `[...]`, so the result is the
 * same string.
 */
export function callKeys(timestamp: number): (slo: SloConfig, window: number) => string | undefined {
  const timestampKey = stableKey(timestamp);
  const sloKeys = new Map<SloConfig, string | undefined>();
  return (slo, window) => {
    if (!sloKeys.has(slo)) sloKeys.set(slo, stableKey(slo));
    const { backend, method } = slo.spec;
    const parts = [stableKey(backend), stableKey(method), stableKey(window), timestampKey, sloKeys.get(slo)];
    return parts.includes(undefined) ? undefined : `[${parts.join(',')}]`;
  };
}

/** Runs a compute over `slos` and returns every report, grouped by SLO in input order. */
export async function compute(
  slos: readonly SloConfig[],
  shared: SharedConfig,
  options: ComputeOptions = {},
): Promise<ComputeResult> {
  const started = performance.now();
  const logger = options.logger ?? silentLogger;
  const timestamp = options.timestamp ?? Date.now() / 1000;
  const dedup = options.dedup ?? true;
  const minValidEvents = resolveMinValidEvents(shared, options.minValidEvents);
  const pluginDirs = options.pluginDirs ?? [process.cwd()];
  const tasks = planTasks(slos, shared);

  const callTimeout = options.callTimeout ?? shared.call_timeout ?? DEFAULT_CALL_TIMEOUT;

  // One instance per backend key for the run; a backend that failed to load stays failed for the run, so
  // every SLO using it reports the same error without waiting for the load again.
  const instances = new KeyedOnce<Backend>('remember');
  const backendFor = (key: string): Promise<Backend> => {
    const make = () =>
      withDeadline(
        isPluginKey(key)
          ? runInPluginScope(`backend "${key}"`, () =>
              createBackend(key, lookup(shared.backends, key) ?? {}, pluginDirs),
            )
          : createBackend(key, lookup(shared.backends, key) ?? {}, pluginDirs),
        callTimeout,
        `loading backend ${key}`,
      );
    return dedup ? instances.get(key, make) : make();
  };

  // Per run, once per backend key: whether it names a plugin, and for slokit's own backends (whose classes
  // never change their methods) the bound method of each instance. A plugin's method is looked up on
  // every call, as the plugin may have changed its instance since.
  const pluginKeys = new Map<string, boolean>();
  const isPlugin = (key: string): boolean => {
    let plugin = pluginKeys.get(key);
    if (plugin === undefined) {
      plugin = isPluginKey(key);
      pluginKeys.set(key, plugin);
    }
    return plugin;
  };
  const builtinMethods = new WeakMap<Backend, Map<string, ReturnType<typeof resolveMethod>>>();
  const methodOf = (backend: Backend, method: string, key: string) => {
    if (isPlugin(key)) return resolveMethod(backend, method, key);
    let methods = builtinMethods.get(backend);
    if (!methods) {
      methods = new Map();
      builtinMethods.set(backend, methods);
    }
    let fn = methods.get(method);
    if (!fn) {
      fn = resolveMethod(backend, method, key); // throws for a missing method: nothing is remembered
      methods.set(method, fn);
    }
    return fn;
  };

  let backendCalls = 0;
  const limit = createLimiter(options.concurrency ?? 8);
  const call = (slo: SloConfig, window: number): Promise<CallOutcome> =>
    limit(async () => {
      backendCalls++;
      const { backend: key, method } = slo.spec;
      try {
        const backend = await backendFor(key);
        const fn = methodOf(backend, method, key);
        // Plugin code gets its own copy of the SLO config (what it changes cannot leak into reports or other
        // calls) and runs tagged, so faults it raises later are attributed. slokit's own backends need
        // neither, and tagging would switch on async hooks for every promise of the run.
        const pending = isPlugin(key)
          ? runInPluginScope(`backend "${key}" (SLO "${slo.metadata.name}")`, async () =>
              snapshotResult(await fn(timestamp, window, structuredClone(slo))),
            )
          : (async () => snapshotResult(await fn(timestamp, window, slo)))();
        return {
          result: await withDeadline(pending, callTimeout, `backend call ${method} of backend ${key}`),
        };
      } catch (error) {
        // Plugin and backend errors may quote their config (a URL with a password, a token): scrub it.
        return { error: redact(formatError(error), secretsOf(lookup(shared.backends, key))) };
      }
    });
  // A call is shared only when its whole input is identical; an input that is not plain data is never shared.
  const calls = new KeyedOnce<CallOutcome>('remember');
  const callKey = callKeys(timestamp);
  const callOnce = (slo: SloConfig, window: number) => {
    const key = dedup ? callKey(slo, window) : undefined;
    return key === undefined ? call(slo, window) : calls.get(key, () => call(slo, window));
  };

  let done = 0;
  const reports = await Promise.all(
    tasks.map(async (task) => {
      const ask = (window: number): Promise<CallOutcome> | CallOutcome =>
        task.configError ? { error: task.configError } : callOnce(task.slo, window);
      const { short_window: shortWindow } = task.step;
      // A multiwindow step also asks for its short window, at the same timestamp (shared like any call).
      const [long, short] = await Promise.all([
        ask(task.step.window),
        shortWindow === undefined ? undefined : ask(shortWindow),
      ]);
      const report = buildReport({
        slo: task.slo,
        step: task.step,
        timestamp,
        result: long.result,
        errors: long.error ? [long.error] : [],
        minValidEvents,
        shortWindow: short && { result: short.result, errors: short.error ? [short.error] : [] },
      });
      if (!report.valid) {
        logger.warn(
          { slo: task.slo.metadata.name, step: task.step.name, errors: report.errors },
          'invalid SLO report',
        );
      }
      options.onProgress?.(++done, tasks.length);
      return report;
    }),
  );

  const results: SloResult[] = slos.map((slo) => ({ slo, reports: [] }));
  const bySlo = new Map(results.map((r) => [r.slo, r]));
  tasks.forEach((task, i) => {
    bySlo.get(task.slo)!.reports.push(reports[i]!);
  });
  logger.info(
    {
      slos: slos.length,
      reports: reports.length,
      invalid: reports.filter((r) => !r.valid).length,
      backendCalls,
      durationMs: Math.round(performance.now() - started),
    },
    'compute finished',
  );
  return { timestamp, results, backendCalls };
}
