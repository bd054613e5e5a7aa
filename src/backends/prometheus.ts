/**
 * The `prometheus` backend: good_bad_ratio, query_sli and distribution_cut over Prometheus' HTTP API
 * (instant queries, `POST /api/v1/query`, https://prometheus.io/docs/prometheus/latest/querying/api/).
 *
 * Where slokit differs from slo-generator, on purpose (README, "Prometheus backend"):
 * - every query is evaluated *at the run's timestamp* (`time=`), so the good and valid counts of one report
 *   are taken at the same instant (slo-generator evaluates each at the server's "now");
 * - PromQL is built with Prometheus' grammar (see prometheus-query.ts), not by text replacement;
 * - a query must return one series or a scalar: several series, a range vector (`matrix`) or a string is an
 *   error saying what came back (slo-generator silently takes the first series);
 * - no data in the good query while the valid (or bad) query has data means zero good events, and no data
 *   in the valid query is NO_DATA for both (slo-generator turns NO_DATA = −1 into counts: bad = valid + 1);
 * - distribution_cut: when the bucket query has no data but the `_count` query has, the report is invalid and
 *   the error lists the `le` values that exist (a `threshold_bucket: 1` against buckets stored as `le="1.0"`
 *   would otherwise report SLI 0).
 * Identical queries at the same timestamp are sent once per backend instance (the engine builds one instance
 * per backend per run), which is how SLOs sharing a denominator share its query; a failed query stays failed
 * for the instance (one run's answer is final).
 */

import * as z from 'zod';
import { KeyedOnce } from '../async/keyed-once.js';
import { NO_DATA, type SloConfig } from '../domain/types.js';
import { HttpClient, HttpTransportError, MiB } from '../http/client.js';
import { bodyExcerpt, redirectNote, statusLine } from '../http/delivery.js';
import { basicAuth, bearerToken, httpHeaders, httpUrl, timeoutSeconds } from '../http/schema.js';
import {
  bucketLeValuesQuery,
  bucketToCount,
  compileQuery,
  DEFAULT_OPERATORS,
  promqlSyntaxError,
  type QueryTemplate,
  thresholdLabel,
  withBucketLabel,
} from './prometheus-query.js';
import { keepThresholdText } from './prometheus-threshold-text.js';
import type { BuiltinBackend } from './types.js';

/** Largest answer read from Prometheus, bytes: far above any one-series answer, far below a runaway one. */
export const MAX_PROMETHEUS_ANSWER_BYTES = 16 * MiB;

const configSchema = z
  .strictObject({
    url: httpUrl.describe(
      'Base URL of the Prometheus HTTP API, e.g. http://localhost:9090 (a path prefix and query string are kept: /api/v1/query goes after the path).',
    ),
    headers: httpHeaders.optional(),
    basic_auth: basicAuth.optional(),
    bearer_token: bearerToken.optional(),
    timeout: timeoutSeconds(30),
  })
  .superRefine((c, ctx) => {
    if (c.basic_auth !== undefined && c.bearer_token !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['bearer_token'],
        message: 'use either `bearer_token` or `basic_auth`, not both',
      });
    }
  });
export type PrometheusBackendConfig = z.output<typeof configSchema>;

const operators = z.array(z.string()).optional();
/** `service_level_indicator` fields per method, as the backend reads them. */
const fields = {
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

/**
 * `slokit validate` also checks the PromQL syntax of every expression field (with `[window]` standing for a
 * range); at run time the same error comes from building the query, naming the field.
 */
function withPromqlSyntax<T extends z.ZodType>(schema: T) {
  return schema.superRefine((value, ctx) => {
    for (const [name, text] of Object.entries(value as Record<string, unknown>)) {
      if (!PROMQL_FIELDS.has(name) || typeof text !== 'string') continue;
      const error = promqlSyntaxError(text);
      if (error) ctx.addIssue({ code: 'custom', path: [name], message: error });
    }
  });
}
const PROMQL_FIELDS = new Set(['filter_good', 'filter_bad', 'filter_valid', 'expression']);
const methods = {
  good_bad_ratio: withPromqlSyntax(fields.good_bad_ratio),
  query_sli: withPromqlSyntax(fields.query_sli),
  distribution_cut: withPromqlSyntax(fields.distribution_cut),
};

/** Prometheus could not be asked, or answered an error or something that is not an instant query answer. */
export class PrometheusQueryError extends Error {
  override name = 'PrometheusQueryError';
}

/** Prometheus answered, but the answer cannot be one count or SLI (several series, no such bucket...). */
export class PrometheusResultError extends Error {
  override name = 'PrometheusResultError';
}

/** `data` of a successful instant query answer: a vector (list of series) or a scalar (`[time, "value"]`). */
export interface QueryData {
  resultType: string;
  result: unknown;
}

const sli = (slo: SloConfig) => slo.spec.service_level_indicator as Record<string, unknown>;
type Method = keyof typeof fields;
type Fields<M extends Method> = z.output<(typeof fields)[M]>;
const field = (name: string) => `service_level_indicator.${name}`;

/** Prometheus backend (slo-generator's `PrometheusBackend`, timestamp-correct, see the module comment). */
export class PrometheusBackend {
  readonly #client: HttpClient;
  readonly #endpoint: URL;
  readonly #answers = new KeyedOnce<QueryData>('remember');
  /** Compiled PromQL fields: SLOs and windows sharing a filter parse it once (parsing dominates the CPU). */
  readonly #templates = new Map<string, QueryTemplate>();
  /**
   * Checked SLI fields per method and `service_level_indicator` object: the engine calls each SLO once per
   * policy window with the same, unchanging config, so its fields are checked on the first call only.
   */
  readonly #checked = new Map<Method, WeakMap<object, unknown>>();

  /** How errors name this backend: `Prometheus backend "prometheus/prod"`. */
  readonly #name: string;

  /**
   * `config`: the backend block (see configSchema); `key`: its key in the shared config, named in errors.
   * Throws a ZodError when the block does not match.
   */
  constructor(config: Record<string, unknown>, key = 'prometheus') {
    const c = configSchema.parse(config);
    this.#name = `Prometheus backend "${key}"`;
    this.#client = new HttpClient({
      baseUrl: c.url,
      headers: c.headers,
      auth: { ...c.basic_auth, bearer_token: c.bearer_token },
      timeoutSeconds: c.timeout,
      maxBodyBytes: MAX_PROMETHEUS_ANSWER_BYTES,
    });
    this.#endpoint = this.#client.url('/api/v1/query');
  }

  /** good = filter_good; bad = filter_bad, or filter_valid − good (see the module comment for no data). */
  async good_bad_ratio(timestamp: number, window: number, slo: SloConfig): Promise<[number, number]> {
    const f = this.#fields('good_bad_ratio', slo);
    const ops = f.operators ?? DEFAULT_OPERATORS;
    const query = (name: 'filter_good' | 'filter_bad' | 'filter_valid') =>
      this.#value(this.#promql(f[name]!, ops, name)(window), timestamp);
    if (f.filter_bad !== undefined) {
      const [good, bad] = await Promise.all([query('filter_good'), query('filter_bad')]);
      if (good === NO_DATA && bad === NO_DATA) return [NO_DATA, NO_DATA];
      return [good === NO_DATA ? 0 : good, bad === NO_DATA ? 0 : bad];
    }
    const [good, valid] = await Promise.all([query('filter_good'), query('filter_valid')]);
    if (valid === NO_DATA) return [NO_DATA, NO_DATA];
    const g = good === NO_DATA ? 0 : good;
    return [g, valid - g];
  }

  /** The expression's value is the SLI. */
  async query_sli(timestamp: number, window: number, slo: SloConfig): Promise<number> {
    const f = this.#fields('query_sli', slo);
    return this.#value(this.#promql(f.expression, [], 'expression')(window), timestamp);
  }

  /** good = buckets at or below `threshold_bucket`; valid = the matching `_count`. */
  async distribution_cut(timestamp: number, window: number, slo: SloConfig): Promise<[number, number]> {
    const f = this.#fields('distribution_cut', slo);
    const base = this.#promql(f.expression, f.operators ?? DEFAULT_OPERATORS, 'expression')(window);
    const le = thresholdLabel(f.threshold_bucket);
    const [below, valid] = await Promise.all([
      this.#value(withBucketLabel(base, le, field('expression')), timestamp),
      this.#value(bucketToCount(base, field('expression')), timestamp),
    ]);
    if (valid === NO_DATA) return [NO_DATA, NO_DATA];
    if (below === NO_DATA) throw await this.#noSuchBucket(f.expression, base, le, window, timestamp);
    const above = valid - below;
    return f.good_below_threshold === false ? [above, below] : [below, above];
  }

  /**
   * The SLO's `service_level_indicator` checked against `method`'s fields, once per SLI object (see
   * `#checked`). Throws a ZodError when they do not match (not remembered: every call throws it).
   */
  #fields<M extends Method>(method: M, slo: SloConfig): Fields<M> {
    const raw = sli(slo);
    let cache = this.#checked.get(method);
    if (!cache) {
      cache = new WeakMap();
      this.#checked.set(method, cache);
    }
    let checked = cache.get(raw) as Fields<M> | undefined;
    if (checked === undefined) {
      checked = fields[method].parse(raw) as Fields<M>;
      cache.set(raw, checked);
    }
    return checked;
  }

  /** The compiled template of an SLI field's PromQL; a field that does not compile throws on every build. */
  #promql(text: string, operators: readonly string[], name: string): QueryTemplate {
    // `name` is a field name and the operators' JSON has no raw newline: the first two newlines delimit.
    const key = `${name}\n${JSON.stringify(operators)}\n${text}`;
    let template = this.#templates.get(key);
    if (!template) {
      try {
        template = compileQuery(text, operators, field(name));
      } catch (error) {
        template = () => {
          throw error;
        };
      }
      this.#templates.set(key, template);
    }
    return template;
  }

  /**
   * The value of an instant query at `timestamp` (Unix seconds): the one series' sample or the scalar,
   * NO_DATA when the vector is empty. Throws PrometheusQueryError / PrometheusResultError naming the URL and
   * the query otherwise.
   */
  async #value(query: string, timestamp: number): Promise<number> {
    const data = await this.#query(query, timestamp);
    if (data.resultType === 'scalar') return sampleValue(this.#sample(data.result, query));
    const series = data.result as unknown[];
    if (series.length === 0) return NO_DATA;
    if (series.length > 1) {
      throw new PrometheusResultError(
        this.#client.redact(
          `${this.#name} at ${this.#client.display(this.#endpoint)} returned ${series.length} series where one was expected: aggregate the query (e.g. sum(...) or sum by () (...)) so it gives one number (query: ${query})`,
        ),
      );
    }
    return sampleValue(this.#sample((series[0] as { value?: unknown } | null)?.value, query));
  }

  /**
   * The `data` of the instant query `query` at `timestamp` (Unix seconds), vector or scalar, as Prometheus
   * sent it; for callers with their own rules about the result (the Keptn SLI provider). Identical calls on
   * this instance share one request. Throws PrometheusQueryError (unreachable, error answer, range vector or
   * string result), secrets redacted.
   */
  instantQuery(query: string, timestamp: number): Promise<QueryData> {
    return this.#query(query, timestamp);
  }

  /** The answer's `data` (vector or scalar), shared by identical queries at the same timestamp. */
  #query(query: string, timestamp: number): Promise<QueryData> {
    return this.#answers.get(`${timestamp}\n${query}`, () => this.#send(query, timestamp));
  }

  async #send(query: string, timestamp: number): Promise<QueryData> {
    const fail = (problem: string): never => {
      throw new PrometheusQueryError(
        this.#client.redact(
          `${this.#name} query failed (${problem}) at ${this.#client.display(this.#endpoint)} (query: ${query})`,
        ),
      );
    };
    let response: Awaited<ReturnType<HttpClient['request']>>;
    try {
      response = await this.#client.request({
        method: 'POST',
        url: this.#endpoint,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        // A form body as Prometheus (Go's url.ParseQuery) reads it; encodeURIComponent costs a fraction of
        // URLSearchParams, and every character it leaves as is is one ParseQuery takes literally.
        body: `query=${encodeURIComponent(query)}&time=${encodeURIComponent(String(timestamp))}`,
      });
    } catch (error) {
      const reason = error instanceof HttpTransportError ? error.reason : String(error);
      throw new PrometheusQueryError(
        this.#client.redact(
          `query to ${this.#name} at ${this.#client.display(this.#endpoint)} ${reason} (query: ${query})`,
        ),
      );
    }
    const { status, body } = response;
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      const excerpt = bodyExcerpt(body);
      const redirect = redirectNote(this.#client, response, this.#endpoint);
      return fail(
        `${statusLine(status)}${redirect}, not a JSON answer${excerpt ? `: ${excerpt}` : ' (empty body)'}`,
      );
    }
    const p = (payload ?? {}) as { status?: unknown; errorType?: unknown; error?: unknown; data?: unknown };
    if (p.status === 'error' || typeof p.error === 'string') {
      return fail(`${String(p.errorType ?? 'error')}: ${String(p.error ?? '(no message)')}`);
    }
    if (status < 200 || status >= 300) {
      return fail(
        `${statusLine(status)}${redirectNote(this.#client, response, this.#endpoint)}: ${bodyExcerpt(body)}`,
      );
    }
    if (p.status !== 'success') return fail(`answer without "status": "success": ${bodyExcerpt(body)}`);
    const data = p.data as { resultType?: unknown; result?: unknown } | null | undefined;
    if (!data || typeof data !== 'object') return fail('answer without "data"');
    const { resultType, result } = data;
    if (resultType === 'vector') {
      if (!Array.isArray(result))
        return fail(`vector answer whose "result" is ${describe(result)}, not a list`);
      return { resultType, result };
    }
    if (resultType === 'scalar') return { resultType, result };
    if (resultType === 'matrix') {
      return fail(
        'a range vector (resultType matrix) came back where an instant vector or scalar was expected: wrap range selectors in a function such as increase(x[window])',
      );
    }
    if (resultType === 'string') {
      return fail('a string (resultType string) came back where an instant vector or scalar was expected');
    }
    return fail(`unknown resultType ${describe(resultType)} (expected vector or scalar)`);
  }

  /** The value text of a `[<time>, "<value>"]` sample whose value is a number as Prometheus writes it. */
  #sample(sample: unknown, query: string): string {
    if (Array.isArray(sample) && sample.length === 2 && typeof sample[1] === 'string') {
      if (!Number.isNaN(sampleValue(sample[1])) || sample[1] === 'NaN') return sample[1];
    }
    throw new PrometheusQueryError(
      this.#client.redact(
        `${this.#name} query failed (malformed sample ${describe(sample)}, expected [time, "value"]) at ${this.#client.display(this.#endpoint)} (query: ${query})`,
      ),
    );
  }

  /** The error of a distribution_cut whose bucket query is empty while its `_count` query has data. */
  async #noSuchBucket(
    expression: string,
    base: string,
    le: string,
    window: number,
    timestamp: number,
  ): Promise<Error> {
    const query = bucketLeValuesQuery(base, window, field('expression'));
    let existing: string;
    try {
      const data = await this.#query(query, timestamp);
      const values = (Array.isArray(data.result) ? data.result : [])
        .map((s) => (s as { metric?: { le?: unknown } })?.metric?.le)
        .filter((v): v is string => typeof v === 'string')
        .sort((a, b) => sampleValue(a) - sampleValue(b));
      existing =
        values.length === 0
          ? 'no bucket series match the expression in that window'
          : `the le values of the expression's buckets in that window are ${values
              .slice(0, 40)
              .map((v) => JSON.stringify(v))
              .join(', ')}${values.length > 40 ? ` and ${values.length - 40} more` : ''}`;
    } catch (error) {
      existing = `the le values could not be listed: ${(error as Error).message}`;
    }
    return new PrometheusResultError(
      this.#client.redact(
        `threshold_bucket ${le} matches no bucket series (le="${le}") of ${expression.trim()} while its _count has data: ${existing}; threshold_bucket must be one of them, written exactly (e.g. 1.0 for le="1.0")`,
      ),
    );
  }
}

/** A short description of an unexpected JSON value, for errors. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/**
 * A sample value as Prometheus' JSON API writes it: Go float text, with infinities as "+Inf"/"-Inf" (which
 * JavaScript's Number() reads as NaN, while Python's float() reads them as infinities) and "NaN".
 */
export function sampleValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  // Number('') and Number(' ') are 0: an empty value is no number.
  return text.trim() === '' ? Number.NaN : Number(text);
}

export const prometheusBackend: BuiltinBackend = {
  create: (config, key) => new PrometheusBackend(config, key),
  configSchema,
  methods,
  prepareSlo: keepThresholdText,
};
