/**
 * The `prometheus` exporter: pushes each report's metrics to a Prometheus Pushgateway (slo-generator's
 * `PrometheusExporter`, same config keys `url`, `job`, `username`, `password`, `metrics`).
 *
 * How it differs from slo-generator, on purpose:
 * - One HTTP request per report: all of the report's metrics go in one text-format body (slo-generator
 *   sends one request per metric, 20 per SLO with the default policy).
 * - Grouping key = `job` + `slo` (the SLO's metadata name) + `error_budget_policy_step_name`. A new push for
 *   the same SLO and step replaces its values, and different steps or SLOs never overwrite each other.
 *   slo-generator uses *all* labels as the grouping key and POST, so every label change leaves a stale group
 *   behind forever. The other labels (service_name, feature_name, slo_name, metadata labels) are series
 *   labels in the body; labels named like the grouping labels are left out of the body (the Pushgateway
 *   would overwrite them with the grouping values anyway).
 * - `method: PUT` (default) replaces the whole group, so a metric removed from the `metrics` block
 *   disappears; `POST` replaces only the metric names pushed.
 * - Grouping values that contain `/`, are empty, or are `.`/`..` are sent as `<label>@base64/<base64url>`
 *   (empty: `=`), as client_golang does; percent-encoding `/` makes the Pushgateway redirect (301).
 * - `Content-Type: text/plain; version=0.0.4; charset=utf-8` always; no timestamps in the body (the
 *   Pushgateway rejects them); redirects are not followed and any non-2xx answer is an error that quotes
 *   the gateway's status and body (secrets scrubbed).
 * - Authentication: `username` + `password` (basic), or `bearer_token`; credentials in the URL are moved to
 *   basic auth. `delete` removes the report's group (`compute --delete`).
 */
import * as z from 'zod';
import { HttpClient } from '../http/client.js';
import { DeliveryError, deliver } from '../http/delivery.js';
import { bearerToken, checkFlatAuth, httpHeaders, httpUrl, timeoutSeconds } from '../http/schema.js';
import {
  formatLabels,
  PROMETHEUS_TEXT_CONTENT_TYPE,
  renderFamilies,
  type Sample,
} from '../lang/prometheus-text.js';
import { type Metric, MetricsExporter, metricSpecSchema } from './metrics-exporter.js';
import { reportIdentity } from './report-identity.js';
import type { BuiltinExporter, ExportedReport, Exporter, ExporterConfig } from './types.js';

const configSchema = z
  .strictObject({
    url: httpUrl.describe(
      'Base URL of the Pushgateway, e.g. http://localhost:9091 (a path and query string are kept: /metrics/job/... goes after the path).',
    ),
    job: z.string().min(1).default('slo-generator').describe('Value of the `job` grouping label.'),
    method: z
      .enum(['PUT', 'POST'])
      .default('PUT')
      .describe("PUT replaces the group's metrics (default); POST replaces only the metric names pushed."),
    username: z.string().optional().describe('Basic auth user (with password).'),
    password: z.string().optional().describe('Basic auth password (with username).'),
    bearer_token: bearerToken.optional(),
    timeout: timeoutSeconds(10),
    headers: httpHeaders.optional(),
    metrics: z
      .array(metricSpecSchema)
      .optional()
      .describe('Metrics to push (default: the five standard ones).'),
  })
  .superRefine((c, ctx) =>
    checkFlatAuth({ username: c.username, password: c.password, token: c.bearer_token }, ctx, 'bearer_token'),
  );
export type PushgatewayExporterConfig = z.output<typeof configSchema>;

/** Largest Pushgateway answer read, bytes (its answers are empty or a line of error text). */
const MAX_ANSWER_BYTES = 64 * 1024;

/** Labels of the grouping key besides `job`. */
export const GROUPING_LABELS = ['slo', 'error_budget_policy_step_name'] as const;
const NOT_IN_BODY = new Set<string>(['job', ...GROUPING_LABELS]);

/** A push or delete the Pushgateway refused or that could not be sent. */
export class PushgatewayError extends DeliveryError {
  override name = 'PushgatewayError';
}

/** One path segment pair of a grouping key: `name/value`, or `name@base64/<base64url>` when needed. */
export function groupingSegment(name: string, value: string): string {
  if (value === '') return `${name}@base64/=`;
  if (value.includes('/') || value === '.' || value === '..') {
    return `${name}@base64/${Buffer.from(value, 'utf8').toString('base64url')}`;
  }
  return `${name}/${encodeURIComponent(value)}`;
}

/** The Pushgateway path of a group: `/metrics/job/<job>/<label>/<value>...`. */
export function groupingPath(job: string, grouping: readonly (readonly [string, string])[]): string {
  let path = `/metrics/${groupingSegment('job', job)}`;
  for (const [name, value] of grouping) path += `/${groupingSegment(name, value)}`;
  return path;
}

/** Pushgateway exporter (config key `prometheus`). */
export class PushgatewayExporter extends MetricsExporter implements Exporter {
  readonly #config: PushgatewayExporterConfig;
  readonly #client: HttpClient;

  constructor(config: Record<string, unknown>) {
    super();
    const c = configSchema.parse(config);
    this.#config = c;
    this.#client = new HttpClient({
      baseUrl: c.url,
      headers: c.headers,
      auth: { username: c.username, password: c.password, bearer_token: c.bearer_token },
      timeoutSeconds: c.timeout,
      // The gateway answers pushes with an empty body or a short error text.
      maxBodyBytes: MAX_ANSWER_BYTES,
    });
  }

  /** The text-format body of a report's push: one family per metric name, grouping labels left out. */
  body(report: ExportedReport, config?: ExporterConfig): { metrics: Metric[]; text: string } {
    const metrics = this.metricsOf(report, { ...this.#config, name: config?.name ?? 'prometheus' });
    const families = new Map<string, { help: string; samples: Map<string, Sample> }>();
    metrics.forEach((metric) => {
      let family = families.get(metric.name);
      if (!family) {
        family = { help: metric.help, samples: new Map() };
        families.set(metric.name, family);
      }
      const labels: Record<string, string> = {};
      for (const [name, value] of Object.entries(metric.labels))
        if (!NOT_IN_BODY.has(name)) labels[name] = value;
      // Same name and labels twice in a metrics block: the last one wins (the gateway rejects duplicates).
      family.samples.set(formatLabels(labels), { labels, value: metric.value });
    });
    const text = renderFamilies(
      [...families].map(([name, f]) => ({
        name,
        help: f.help,
        type: 'gauge',
        samples: [...f.samples.values()],
      })),
    );
    return { metrics, text };
  }

  /** Pushes all of the report's metrics in one request to its group. Returns the metrics pushed. */
  override async export(report: ExportedReport, config?: ExporterConfig): Promise<Metric[]> {
    const { metrics, text } = this.body(report, config);
    if (metrics.length === 0) return metrics;
    await this.#send(this.#config.method, this.#groupPath(report), text);
    return metrics;
  }

  /** Deletes the report's group (its SLO and step) from the Pushgateway. */
  async delete(report: ExportedReport): Promise<void> {
    await this.#send('DELETE', this.#groupPath(report));
  }

  #groupPath(report: ExportedReport): string {
    const { slo, step } = reportIdentity(report);
    return groupingPath(this.#config.job, [
      ['slo', slo],
      ['error_budget_policy_step_name', step],
    ]);
  }

  #send(method: 'PUT' | 'POST' | 'DELETE', path: string, body?: string): Promise<void> {
    return deliver(this.#client, {
      method,
      path,
      headers: body === undefined ? undefined : { 'content-type': PROMETHEUS_TEXT_CONTENT_TYPE },
      body,
      errorClass: PushgatewayError,
    });
  }
}

export const pushgatewayExporter: BuiltinExporter = {
  create: (config) => new PushgatewayExporter(config),
  configSchema,
  reportVersion: 1,
};
