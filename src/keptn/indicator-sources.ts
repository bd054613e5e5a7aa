/**
 * Where indicator values come from: a PromQL instant query at the event's `end` (with prometheus-service's
 * checks and messages, reference/keptn.md §3.6), or a metric of an Iter8-style HTTP provider file
 * (src/providers/). Each answer is a value or the message of an unsuccessful indicator; nothing throws.
 */
import { KeyedOnce } from '../async/keyed-once.js';
import { type PrometheusBackend, PrometheusQueryError, sampleValue } from '../backends/prometheus.js';
import { didYouMean } from '../config/did-you-mean.js';
import { ConfigError, formatIssue } from '../config/errors.js';
import type { MetricFetcher } from '../providers/fetch.js';
import { loadProvider, type Provider } from '../providers/provider.js';
import { deepMerge, formatRfc3339, type Values } from '../providers/values.js';

/** A value, or why the indicator has none (the `message` of an unsuccessful indicator). */
export type IndicatorOutcome = { value: number } | { error: string };

/** The one number of a vector sample or scalar `[time, "value"]`; NaN and ±Inf are not valid (JSON has no such numbers). */
function validSample(sample: unknown): IndicatorOutcome {
  const text = Array.isArray(sample) && typeof sample[1] === 'string' ? sample[1] : '';
  const value = sampleValue(text);
  return Number.isFinite(value) ? { value } : { error: 'query did not return valid values' };
}

/**
 * The value of `query` at `time` (Unix seconds) by prometheus-service's rules: an instant vector with exactly
 * one sample of a finite value (a scalar counts as one sample). Messages: `unable to query prometheus api:
 * <reason>`, `query did not return any values`, `query did return multiple values`, `query did not return
 * valid values`.
 */
export async function promqlValue(
  prometheus: PrometheusBackend,
  query: string,
  time: number,
): Promise<IndicatorOutcome> {
  let data: Awaited<ReturnType<PrometheusBackend['instantQuery']>>;
  try {
    data = await prometheus.instantQuery(query, time);
  } catch (error) {
    if (error instanceof PrometheusQueryError)
      return { error: `unable to query prometheus api: ${error.message}` };
    throw error;
  }
  if (data.resultType === 'scalar') return validSample(data.result);
  const series = data.result as { value?: unknown }[];
  if (series.length === 0) return { error: 'query did not return any values' };
  if (series.length > 1) return { error: 'query did return multiple values' };
  return validSample(series[0]?.value);
}

/** The event context a provider file is rendered with (see `MetricProviders.value`). */
export interface ProviderContext {
  project: string;
  stage: string;
  service: string;
  deployment: string;
  labels: Readonly<Record<string, string>>;
  filters: Readonly<Record<string, string>>;
  /** The time frame, Unix seconds. */
  start: number;
  end: number;
}

/**
 * The HTTP metric providers of the `keptn` section, each file loaded once (a file that fails to load is
 * tried again by the next event, so a fixed file needs no restart).
 */
export class MetricProviders {
  readonly #configs: Readonly<Record<string, { provider: string; values: Values }>>;
  readonly #loaded = new KeyedOnce<Provider>('forget');
  readonly #timeout: number;

  /** `configs`: provider key → file (path or URL) and values; `timeoutSeconds` bounds fetching a file URL. */
  constructor(
    configs: Readonly<Record<string, { provider: string; values: Values }>>,
    timeoutSeconds: number,
  ) {
    this.#configs = configs;
    this.#timeout = timeoutSeconds;
  }

  /**
   * The value of metric `metric` of provider `key`, rendered with the configured values and over them the
   * event context: `project`, `stage`, `service`, `deployment`, `labels` (map), `filters` (custom filters,
   * map), `startingTime` = the event's start and `endTime` = its end (RFC 3339, UTC); the provider's "now"
   * is the end, so `elapsedTimeSeconds` is the time frame. `fetcher` belongs to one get-sli request.
   */
  async value(
    key: string,
    metric: string,
    context: ProviderContext,
    fetcher: MetricFetcher,
  ): Promise<IndicatorOutcome> {
    const config = Object.hasOwn(this.#configs, key) ? this.#configs[key] : undefined;
    if (!config) {
      const hint = didYouMean(key, Object.keys(this.#configs));
      return {
        error: `no metric provider "${key}" in keptn.metric_providers (defined: ${Object.keys(this.#configs).join(', ') || 'none'})${hint ? `; did you mean "${hint}"?` : ''}`,
      };
    }
    let metrics: ReturnType<Provider['render']>;
    try {
      const provider = await this.#loaded.get(key, () =>
        loadProvider(config.provider, { timeoutSeconds: this.#timeout }),
      );
      const values = deepMerge(config.values, {
        project: context.project,
        stage: context.stage,
        service: context.service,
        deployment: context.deployment,
        labels: { ...context.labels },
        filters: { ...context.filters },
        startingTime: formatRfc3339(context.start),
        endTime: formatRfc3339(context.end),
      });
      metrics = provider.render(values, Math.round(context.end * 1000), 0);
    } catch (error) {
      const reason =
        error instanceof ConfigError ? error.issues.map(formatIssue).join('; ') : (error as Error).message;
      return { error: `metric provider "${key}": ${reason}` };
    }
    const rendered = metrics.find((m) => m.name === metric);
    if (!rendered) {
      const names = metrics.map((m) => m.name);
      const hint = didYouMean(metric, names);
      return {
        error: `metric provider "${key}" has no metric "${metric}" (it has: ${names.join(', ') || 'none'})${hint ? `; did you mean "${hint}"?` : ''}`,
      };
    }
    const result = await fetcher.value(rendered);
    return 'error' in result ? { error: `metric provider "${key}": ${result.error}` } : result;
  }
}
