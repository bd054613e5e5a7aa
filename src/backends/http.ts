/**
 * The `http` backend: SLIs from any HTTP/JSON API through an Iter8-style provider file (src/providers/:
 * either generation, Go templates or `$placeholders`, jq extraction).
 *
 * Shared config: `backends: { http/newrelic: { provider: providers/newrelic.yaml, values: {...},
 * timeout: 10 } }` (`provider`: a path relative to the working directory, or an http(s) URL). SLO:
 * `method: good_bad_ratio` with `service_level_indicator: { good: <metric>, bad: <metric> }` or
 * `{ good, valid }` (bad = valid − good), or `method: query_sli` with `{ metric: <metric> }`; metric names
 * as the provider file writes them; optional `values` merged over the backend's (the SLO wins).
 *
 * Each call renders the provider with those values plus `startingTime` = the run's timestamp minus the
 * policy step's window (RFC 3339, UTC), so `elapsedTimeSeconds` (older generation: `elapsedTime`) is the
 * window. A metric that is unavailable (network, timeout, non-2xx, invalid JSON, jq error, non-numeric
 * result) makes that SLO's report invalid with the reason; other SLOs are unaffected. One backend instance
 * lives for one run: the provider file is read and compiled once, SLOs with the same values and window share
 * one rendering, identical requests are sent once, and requests run concurrently under a bound.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { KeyedOnce } from '../async/keyed-once.js';
import { stableKey } from '../async/stable-key.js';
import { didYouMean } from '../config/did-you-mean.js';
import { ConfigError, formatIssue } from '../config/errors.js';
import type { SloConfig } from '../domain/types.js';
import { timeoutSeconds } from '../http/schema.js';
import { MetricFetcher } from '../providers/fetch.js';
import {
  checkProviderText,
  loadProvider,
  type Provider,
  type RenderedMetric,
} from '../providers/provider.js';
import { isUrlRef } from '../providers/source.js';
import { deepMerge, formatRfc3339, type Values } from '../providers/values.js';
import type { BuiltinBackend } from './types.js';

const valuesSchema = z
  .record(z.string(), z.unknown())
  .nullable()
  .optional()
  .transform((v) => v ?? {});

/** `provider`: a path whose file must exist and compile (checked by `slokit validate`), or an http(s) URL. */
const providerRef = z
  .string()
  .min(1)
  .superRefine((ref, ctx) => {
    if (isUrlRef(ref)) return;
    let text: string;
    try {
      text = readFileSync(ref, 'utf8');
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      ctx.addIssue({
        code: 'custom',
        message: `cannot read provider file ${ref}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`,
      });
      return;
    }
    for (const issue of checkProviderText(text, ref))
      ctx.addIssue({ code: 'custom', message: `provider file ${formatIssue(issue)}` });
  })
  .describe('Iter8-style provider file: a path (relative to the working directory) or an http(s) URL.');

const configSchema = z.strictObject({
  provider: providerRef,
  values: valuesSchema.describe('Values the provider file is rendered with (SLO values override them).'),
  timeout: timeoutSeconds(10),
});

const metricName = z.string().min(1);
const methods = {
  good_bad_ratio: z
    .strictObject({
      good: metricName,
      bad: metricName.optional(),
      valid: metricName.optional(),
      values: valuesSchema,
    })
    .superRefine((v, ctx) => {
      if ((v.bad === undefined) === (v.valid === undefined))
        ctx.addIssue({ code: 'custom', message: 'give exactly one of `bad` and `valid` (a metric name)' });
    }),
  query_sli: z.strictObject({ metric: metricName, values: valuesSchema }),
};

/** A metric of the SLO is unavailable, or the provider file cannot be used. */
export class HttpBackendError extends Error {
  override name = 'HttpBackendError';
}

/** HTTP backend (see the module comment). */
export class HttpBackend {
  readonly #ref: string;
  readonly #values: Values;
  readonly #timeout: number;
  readonly #fetcher: MetricFetcher;
  readonly #provider = new KeyedOnce<Provider>('remember');
  readonly #renders = new KeyedOnce<RenderedMetric[]>('remember');
  readonly #name: string;

  /**
   * `config`: the backend block (see configSchema); `key`: its key in the shared config, named in errors.
   * Throws a ZodError when the block does not match.
   */
  constructor(config: Record<string, unknown>, key = 'http') {
    const c = configSchema.parse(config);
    this.#ref = c.provider;
    this.#values = c.values;
    this.#timeout = c.timeout;
    this.#fetcher = new MetricFetcher({ timeoutSeconds: c.timeout });
    this.#name = `http backend "${key}"`;
  }

  /**
   * good and bad metrics, or good and valid metrics (bad = valid − good). Throws HttpBackendError with the
   * reason when a metric is unavailable or valid < good.
   */
  async good_bad_ratio(timestamp: number, window: number, slo: SloConfig): Promise<[number, number]> {
    const f = methods.good_bad_ratio.parse(slo.spec.service_level_indicator ?? {});
    const metrics = await this.#render(timestamp, window, f.values);
    const other = f.bad ?? f.valid!;
    const [good, second] = await Promise.all([
      this.#value(metrics, f.good, 'good'),
      this.#value(metrics, other, f.bad !== undefined ? 'bad' : 'valid'),
    ]);
    if (f.bad !== undefined) return [good, second];
    // slo-generator would report the out-of-range ratio ("SLI is not between 0 and 1"); naming the two
    // metrics says which queries to fix.
    if (second < good)
      throw new HttpBackendError(
        `${this.#name}: metric "${f.good}" (service_level_indicator.good) = ${good} exceeds metric "${other}" (service_level_indicator.valid) = ${second}: good events cannot outnumber valid events`,
      );
    return [good, second - good];
  }

  /** The metric's value is the SLI. Throws HttpBackendError with the reason when it is unavailable. */
  async query_sli(timestamp: number, window: number, slo: SloConfig): Promise<number> {
    const f = methods.query_sli.parse(slo.spec.service_level_indicator ?? {});
    const metrics = await this.#render(timestamp, window, f.values);
    return this.#value(metrics, f.metric, 'metric');
  }

  async #render(timestamp: number, window: number, sloValues: Values): Promise<RenderedMetric[]> {
    const provider = await this.#provider
      .get('', () => loadProvider(this.#ref, { timeoutSeconds: this.#timeout }))
      .catch((error: unknown) => {
        throw this.#providerError(error);
      });
    const startMs = Math.round((timestamp - window) * 1000);
    // The elapsed time is computed from the printed startingTime, so it is exactly the window.
    const values = deepMerge(deepMerge(this.#values, sloValues), {
      startingTime: formatRfc3339(startMs / 1000),
    });
    const nowMs = startMs + window * 1000;
    // SLOs on one provider with the same values and window share one rendering (it depends on nothing else).
    const key = stableKey([values, nowMs]);
    const render = () => {
      try {
        return provider.render(values, nowMs, 0);
      } catch (error) {
        throw this.#providerError(error);
      }
    };
    return key === undefined ? render() : this.#renders.get(key, render);
  }

  #providerError(error: unknown): Error {
    if (!(error instanceof ConfigError)) return error as Error;
    return new HttpBackendError(
      `${this.#name}: provider file error: ${error.issues.map(formatIssue).join('; ')}`,
    );
  }

  async #value(metrics: readonly RenderedMetric[], name: string, role: string): Promise<number> {
    const metric = metrics.find((m) => m.name === name);
    if (!metric) {
      const names = metrics.map((m) => m.name);
      const hint = didYouMean(name, names);
      throw new HttpBackendError(
        `${this.#name}: the provider file has no metric "${name}" (service_level_indicator.${role}; it has: ${names.join(', ') || 'none'})${hint ? `; did you mean "${hint}"?` : ''}`,
      );
    }
    const result = await this.#fetcher.value(metric);
    if ('error' in result)
      throw new HttpBackendError(
        `${this.#name}: metric "${name}" (service_level_indicator.${role}) is unavailable: ${result.error}`,
      );
    return result.value;
  }
}

export const httpBackend: BuiltinBackend = {
  create: (config, key) => new HttpBackend(config, key),
  configSchema,
  methods,
};
