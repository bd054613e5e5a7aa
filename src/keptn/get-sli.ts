/**
 * Answering one get-sli.triggered: the finished event's `data` from the event's data, the SLI queries and
 * the data sources (reference/keptn.md §1.5, §1.7, §3). Status and result as prometheus-service sets them:
 * - every requested indicator has a value: `succeeded` / `pass`;
 * - some have none: `succeeded` / `warning`, each failed one with `success: false`, `value: 0` and a message;
 * - none has: `succeeded` / `fail`, message `unable to retrieve metrics`;
 * - the SLI configuration cannot be read, or the time frame is unusable: `errored` / `fail` with the reason,
 *   and `get-sli` carries only `start` and `end` (the spec's schema requires the block with both; an empty
 *   `indicatorValues` would claim indicators were asked; lighthouse reads only the top-level status and
 *   message of an errored answer, reference/keptn.md §4.5, and fails the evaluation with that message).
 * Indicators are asked concurrently (bounded), each under a deadline; one slow or failing indicator never
 * hides the others. Never throws.
 */
import { withDeadline } from '../async/deadline.js';
import { mapLimit } from '../async/limiter.js';
import type { PrometheusBackend } from '../backends/prometheus.js';
import { ConfigError, formatIssue } from '../config/errors.js';
import { MetricFetcher } from '../providers/fetch.js';
import { type IndicatorOutcome, type MetricProviders, promqlValue } from './indicator-sources.js';
import type { GetSliFinishedData, GetSliTriggered, IndicatorValue } from './keptn-events.js';
import { durationSeconds, type KeptnInstant, parseKeptnTime, unixSeconds } from './keptn-time.js';
import { defaultQuery, deploymentOf, fillPlaceholders, type QueryContext } from './placeholders.js';
import { providerMetricRef, type SliQueries } from './sli-file.js';

/** What one get-sli request is answered with. */
export interface GetSliSources {
  /** The merged sli.yaml of the event (project → stage → service); a throw makes the answer `errored`. */
  sliQueries(triggered: GetSliTriggered): Promise<SliQueries>;
  /** A Prometheus backend for this request's PromQL indicators; undefined: none configured. */
  prometheus?: () => PrometheusBackend;
  /** HTTP metric providers for `provider:<key>/<metric>` indicators. */
  metricProviders?: MetricProviders;
  /** Deadline of one indicator, seconds. */
  queryTimeout: number;
  /** Indicators asked at once. */
  concurrency: number;
}

/** Message of the finished event when no indicator has a value (prometheus-service's). */
export const ALL_FAILED_MESSAGE = 'unable to retrieve metrics';

/** The finished event's `data` for `triggered` (see the module comment). */
export async function getSli(
  triggered: GetSliTriggered,
  sources: GetSliSources,
): Promise<GetSliFinishedData> {
  const { project, stage, service, labels, start, end } = triggered;
  const base = { project, stage, service, labels };
  const errored = (message: string): GetSliFinishedData => ({
    ...base,
    status: 'errored',
    result: 'fail',
    message,
    // No indicatorValues: none was asked (module comment).
    'get-sli': { start, end },
  });
  const from = parseKeptnTime(start);
  if (!from)
    return errored(
      `unable to parse start timestamp: ${JSON.stringify(start)} is neither RFC 3339 nor Unix seconds`,
    );
  const to = parseKeptnTime(end);
  if (!to)
    return errored(
      `unable to parse end timestamp: ${JSON.stringify(end)} is neither RFC 3339 nor Unix seconds`,
    );
  if (unixSeconds(to) < unixSeconds(from)) return errored(`end ${end} is before start ${start}`);
  let queries: SliQueries;
  try {
    queries = await sources.sliQueries(triggered);
  } catch (error) {
    const reason =
      error instanceof ConfigError ? error.issues.map(formatIssue).join('; ') : (error as Error).message;
    return errored(`unable to retrieve custom queries for project ${project}: ${reason}`);
  }
  const ask = new IndicatorAsker(triggered, queries, sources, from, to);
  const indicatorValues = await mapLimit(triggered.indicators, sources.concurrency, (name) =>
    ask.value(name),
  );
  const failed = indicatorValues.filter((v) => !v.success).length;
  const result = failed === 0 ? 'pass' : failed < indicatorValues.length ? 'warning' : 'fail';
  return {
    ...base,
    status: 'succeeded',
    result,
    ...(result === 'fail' ? { message: ALL_FAILED_MESSAGE } : {}),
    'get-sli': { start, end, indicatorValues },
  };
}

/** Asks the indicators of one request, sharing one Prometheus backend and one metric fetcher. */
class IndicatorAsker {
  readonly #queries: SliQueries;
  readonly #sources: GetSliSources;
  readonly #context: QueryContext;
  readonly #time: { start: number; end: number };
  readonly #filters: Record<string, string>;
  #prometheus: PrometheusBackend | undefined;
  #fetcher: MetricFetcher | undefined;

  constructor(
    triggered: GetSliTriggered,
    queries: SliQueries,
    sources: GetSliSources,
    from: KeptnInstant,
    to: KeptnInstant,
  ) {
    this.#queries = queries;
    this.#sources = sources;
    this.#context = {
      project: triggered.project,
      stage: triggered.stage,
      service: triggered.service,
      deployment: deploymentOf(triggered.deployment, triggered.labels),
      labels: triggered.labels,
      customFilters: triggered.customFilters,
      duration: durationSeconds(from, to),
    };
    this.#time = { start: unixSeconds(from), end: unixSeconds(to) };
    this.#filters = Object.fromEntries(triggered.customFilters.map((f) => [f.key, f.value]));
  }

  async value(name: string): Promise<IndicatorValue> {
    let outcome: IndicatorOutcome;
    try {
      outcome = await withDeadline(this.#outcome(name), this.#sources.queryTimeout, `indicator ${name}`);
    } catch (error) {
      outcome = { error: (error as Error).message };
    }
    if ('error' in outcome) return { metric: name, value: 0, success: false, message: outcome.error };
    if (!Number.isFinite(outcome.value)) {
      return { metric: name, value: 0, success: false, message: 'query did not return valid values' };
    }
    return { metric: name, value: outcome.value, success: true };
  }

  #outcome(name: string): Promise<IndicatorOutcome> {
    const custom = Object.hasOwn(this.#queries, name) ? this.#queries[name]! : '';
    const ref = custom ? providerMetricRef(custom) : undefined;
    if (ref) {
      if (!this.#sources.metricProviders)
        return Promise.resolve({ error: `no metric providers configured for ${custom}` });
      this.#fetcher ??= new MetricFetcher({ timeoutSeconds: this.#sources.queryTimeout });
      const context = { ...this.#context, filters: this.#filters, ...this.#time };
      return this.#sources.metricProviders.value(ref.provider, ref.metric, context, this.#fetcher);
    }
    const query = custom ? fillPlaceholders(custom, this.#context) : defaultQuery(name, this.#context);
    if (query === undefined) return Promise.resolve({ error: 'unable to get metric query: unsupported SLI' });
    if (!this.#sources.prometheus) {
      return Promise.resolve({
        error: 'no Prometheus configured for PromQL indicators (keptn.prometheus or keptn.backend)',
      });
    }
    this.#prometheus ??= this.#sources.prometheus();
    return promqlValue(this.#prometheus, query, this.#time.end);
  }
}
