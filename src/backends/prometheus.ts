/**
 * The `prometheus` backend: good_bad_ratio, query_sli and distribution_cut over Prometheus' HTTP API.
 * Unlike slo-generator, every query is an instant query *at the run's timestamp*, so the good and valid
 * counts of one report are evaluated at the same instant (slo-generator evaluates each at the server's "now").
 * Identical queries at the same timestamp are sent once per backend instance (the engine builds one
 * instance per backend per run), which is how SLOs sharing a denominator share its query.
 */

import { z } from 'zod';
import { redact } from '../config/secrets.js';
import { NO_DATA, type SloConfig } from '../domain/types.js';
import { describeFetchError, displayUrl, requestHeaders, splitUrlCredentials } from '../http/auth.js';
import { DEFAULT_OPERATORS, formatQuery, thresholdLabel } from './prometheus-query.js';
import { keepThresholdText } from './prometheus-threshold-text.js';
import type { BuiltinBackend } from './types.js';

const configSchema = z.strictObject({
  url: z.string().url().describe('Base URL of the Prometheus HTTP API, e.g. http://localhost:9090'),
  headers: z.record(z.string(), z.string()).optional().describe('Extra HTTP headers sent with every query.'),
  basic_auth: z.strictObject({ username: z.string(), password: z.string() }).optional(),
  bearer_token: z.string().optional(),
  timeout: z.number().positive().optional().describe('Query timeout in seconds (default 30).'),
});
export type PrometheusBackendConfig = z.output<typeof configSchema>;

const operators = z.array(z.string()).optional();
const methods = {
  good_bad_ratio: z
    .strictObject({
      filter_good: z.string(),
      filter_bad: z.string().optional(),
      filter_valid: z.string().optional(),
      operators,
    })
    .refine((v) => v.filter_bad !== undefined || v.filter_valid !== undefined, {
      message: '`filter_bad` or `filter_valid` is required',
    }),
  query_sli: z.strictObject({ expression: z.string() }),
  distribution_cut: z.strictObject({
    expression: z.string(),
    threshold_bucket: z.union([z.number(), z.string()]),
    good_below_threshold: z.boolean().optional(),
    operators,
  }),
};

interface PromResponse {
  status: 'success' | 'error';
  errorType?: string;
  error?: string;
  data?: { resultType: string; result: unknown };
  warnings?: string[];
}

/** Error from Prometheus or from reaching it; the message names the query. */
export class PrometheusQueryError extends Error {
  override name = 'PrometheusQueryError';
}

const sli = (slo: SloConfig) => slo.spec.service_level_indicator as Record<string, unknown>;

/** Prometheus backend (slo-generator's `PrometheusBackend`, timestamp-correct). */
export class PrometheusBackend {
  readonly #url: string;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;
  readonly #secrets: string[];
  readonly #queries = new Map<string, Promise<number>>();

  constructor(config: Record<string, unknown>) {
    const c = configSchema.parse(config);
    const { url, auth } = splitUrlCredentials(c.url, { ...c.basic_auth, bearer_token: c.bearer_token });
    const { headers, secrets } = requestHeaders(c.headers, auth);
    this.#url = url.replace(/\/+$/, '');
    this.#secrets = secrets;
    // Responses are a few hundred bytes: gzip (fetch's default) costs more CPU on both ends than it saves.
    this.#headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'accept-encoding': 'identity',
      ...headers,
    };
    this.#timeoutMs = (c.timeout ?? 30) * 1000;
  }

  /** good = filter_good; bad = filter_bad, or filter_valid − good. */
  async good_bad_ratio(timestamp: number, window: number, slo: SloConfig): Promise<[number, number]> {
    const f = methods.good_bad_ratio.parse(sli(slo));
    const ops = f.operators ?? DEFAULT_OPERATORS;
    const goodQuery = this.count(formatQuery(f.filter_good, window, ops), timestamp);
    if (f.filter_bad !== undefined) {
      const [good, bad] = await Promise.all([
        goodQuery,
        this.count(formatQuery(f.filter_bad, window, ops), timestamp),
      ]);
      return [good, bad];
    }
    const [good, valid] = await Promise.all([
      goodQuery,
      this.count(formatQuery(f.filter_valid!, window, ops), timestamp),
    ]);
    return [good, valid - good];
  }

  /** The expression's value is the SLI. */
  async query_sli(timestamp: number, window: number, slo: SloConfig): Promise<number> {
    const f = methods.query_sli.parse(sli(slo));
    return this.count(formatQuery(f.expression, window), timestamp);
  }

  /** good = buckets at or below `threshold_bucket`; valid = the matching `_count`. */
  async distribution_cut(timestamp: number, window: number, slo: SloConfig): Promise<[number, number]> {
    const f = methods.distribution_cut.parse(sli(slo));
    const ops = f.operators ?? DEFAULT_OPERATORS;
    const le = { le: thresholdLabel(f.threshold_bucket) };
    const [below, valid] = await Promise.all([
      this.count(formatQuery(f.expression, window, ops, le), timestamp),
      this.count(formatQuery(f.expression.replaceAll('_bucket', '_count'), window, ops), timestamp),
    ]);
    const above = valid - below;
    return f.good_below_threshold === false ? [above, below] : [below, above];
  }

  /** Value of the first series of an instant query, or NO_DATA when the result is empty. */
  count(promql: string, timestamp: number): Promise<number> {
    const key = `${timestamp}\n${promql}`;
    let pending = this.#queries.get(key);
    if (!pending) {
      pending = this.#query(promql, timestamp);
      this.#queries.set(key, pending);
    }
    return pending;
  }

  async #query(promql: string, timestamp: number): Promise<number> {
    const body = new URLSearchParams({ query: promql, time: String(timestamp) });
    let response: Response;
    try {
      response = await fetch(`${this.#url}/api/v1/query`, {
        method: 'POST',
        headers: this.#headers,
        body,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      const reason = describeFetchError(error, this.#timeoutMs / 1000);
      throw new PrometheusQueryError(
        this.#redact(
          `query to Prometheus at ${displayUrl(this.#url).replace(/\/$/, '')} ${reason} (query: ${promql})`,
        ),
      );
    }
    const text = await response.text();
    let payload: PromResponse | undefined;
    try {
      payload = JSON.parse(text) as PromResponse;
    } catch {
      payload = undefined;
    }
    if (payload?.status !== 'success') {
      const reason = payload?.error
        ? `${payload.errorType ?? 'error'}: ${payload.error}`
        : `HTTP ${response.status} ${text.slice(0, 200)}`;
      throw new PrometheusQueryError(this.#redact(`Prometheus query failed (${reason}) (query: ${promql})`));
    }
    return firstValue(payload.data);
  }

  #redact(message: string): string {
    return redact(message, this.#secrets);
  }
}

/** slo-generator reads the first series only; an empty vector is NO_DATA. */
function firstValue(data: PromResponse['data']): number {
  if (!data) return NO_DATA;
  if (data.resultType === 'scalar') return sampleValue((data.result as [number, string])[1]);
  const series = data.result as { value?: [number, string] }[];
  const value = series[0]?.value?.[1];
  return value === undefined ? NO_DATA : sampleValue(value);
}

/**
 * A sample value as Prometheus' JSON API writes it: Go float text, with infinities as "+Inf"/"-Inf" (which
 * JavaScript's Number() reads as NaN, while Python's float() reads them as infinities) and "NaN".
 */
function sampleValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

export const prometheusBackend: BuiltinBackend = {
  create: (config) => new PrometheusBackend(config),
  configSchema,
  methods,
  prepareSlo: keepThresholdText,
};
