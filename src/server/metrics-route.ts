/**
 * `GET /metrics` of `slokit serve`: one exposition merging
 * - slokit's own instrumentation through prom-client (the ecosystem's library, as
 *   shared/seeds/004 teaches it): default process metrics, `http_requests_total{method,route,status_code}`,
 *   `http_request_duration_seconds{method,route}`, and the scheduler's runs, durations, failures, skips (label `interval`: the scheduled job, one per
 *   interval, e.g. `1m`; not `job`, which Prometheus sets on every target);
 * - the latest report metrics (`ReportMetricsRegistry`, filled by `prometheus_self` exporters);
 * - the event pipeline's families (SLO event counters and the pipeline's own counts).
 *
 * Text format 0.0.4 by default, OpenMetrics 1.0.0 when the Accept header asks for it (as Prometheus does).
 * prom-client renders a registry in one format and renames the counters it holds for OpenMetrics, so each
 * instrument exists in two registries, one per format, updated together.
 */
import type { FastifyPluginAsync } from 'fastify';
import client from 'prom-client';
import type { SchedulerObserver } from '../engine/scheduler.js';
import type { ReportMetricsRegistry } from '../exporters/report-metrics-registry.js';
import {
  type MetricFamily,
  OPENMETRICS_CONTENT_TYPE,
  PROMETHEUS_TEXT_CONTENT_TYPE,
  renderFamilies,
  renderOpenMetrics,
} from '../lang/prometheus-text.js';
import { acceptsOpenMetrics } from './content-negotiation.js';
import { global } from './http-app.js';

/** Buckets of the request duration histogram, seconds. */
const REQUEST_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Buckets of the scheduler run duration histogram, seconds (a run may wait for slow backends). */
const RUN_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const EOF = '# EOF\n';
/** prom-client default metrics whose names promtool rejects (gauges ending in `_total`). */
const LINT_FAILING_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

type Labels = Record<string, string>;
type AnyRegistry = client.Registry<client.RegistryContentType>;

/** A prom-client instrument kept in both registries: [0.0.4, OpenMetrics]. */
type Twin<M> = readonly [M, M];

/** slokit's own instrumentation; `render` produces the whole `/metrics` body. */
export class ServeMetrics implements SchedulerObserver {
  readonly #text = new client.Registry();
  readonly #open = openMetricsRegistry();
  readonly #requests: Twin<client.Counter>;
  readonly #requestSeconds: Twin<client.Histogram>;
  readonly #runs: Twin<client.Counter>;
  readonly #runSeconds: Twin<client.Histogram>;
  readonly #failures: Twin<client.Counter>;
  readonly #skipped: Twin<client.Counter>;

  /**
   * `reports`: the latest report metrics; `events`: the event pipeline's families (none without a
   * pipeline). Both are read at each scrape.
   */
  constructor(
    private readonly reports: ReportMetricsRegistry,
    private readonly events: () => readonly MetricFamily[] = () => [],
  ) {
    for (const register of [this.#text, this.#open]) {
      client.collectDefaultMetrics({ register });
      // Gauges named *_total fail `promtool check metrics`; the same counts are kept by type without it.
      for (const name of LINT_FAILING_DEFAULTS) register.removeSingleMetric(name);
    }
    this.#requests = this.#counter(
      'http_requests_total',
      'HTTP requests served, by method, route and status code.',
      ['method', 'route', 'status_code'],
    );
    this.#requestSeconds = this.#histogram(
      'http_request_duration_seconds',
      'Time to serve an HTTP request, by method and route.',
      ['method', 'route'],
      REQUEST_BUCKETS,
    );
    this.#runs = this.#counter('slokit_scheduler_runs_total', 'Scheduled compute runs that ended.', [
      'interval',
    ]);
    this.#runSeconds = this.#histogram(
      'slokit_scheduler_run_duration_seconds',
      'Duration of scheduled compute runs (compute, export, store).',
      ['interval'],
      RUN_BUCKETS,
    );
    this.#failures = this.#counter(
      'slokit_scheduler_run_failures_total',
      'Scheduled compute runs that failed as a whole.',
      ['interval'],
    );
    this.#skipped = this.#counter(
      'slokit_scheduler_runs_skipped_total',
      'Scheduled runs skipped because the previous run of the job was still going.',
      ['interval'],
    );
  }

  /** Counts one served request; `route` is the route pattern (`/api/slos/:name`), never the raw URL. */
  requestServed(method: string, route: string, statusCode: number, seconds: number): void {
    inc(this.#requests, { method, route, status_code: String(statusCode) });
    observe(this.#requestSeconds, { method, route }, seconds);
  }

  runFinished(job: string, seconds: number, failed: boolean): void {
    inc(this.#runs, { interval: job });
    observe(this.#runSeconds, { interval: job }, seconds);
    if (failed) inc(this.#failures, { interval: job });
  }

  runSkipped(job: string): void {
    inc(this.#skipped, { interval: job });
  }

  /** Declares a job's series at 0, so a job that never failed or skipped still shows (rates work). */
  declareJob(job: string): void {
    for (const twin of [this.#runs, this.#failures, this.#skipped]) inc(twin, { interval: job }, 0);
  }

  /** The whole exposition in the format asked for, with its content type. */
  async render(openMetrics: boolean): Promise<{ contentType: string; body: string }> {
    const families = this.events();
    const reports = this.reports.render();
    if (!openMetrics) {
      const own = await this.#text.metrics();
      return {
        contentType: PROMETHEUS_TEXT_CONTENT_TYPE,
        body: `${own}${reports}${renderFamilies(families)}`,
      };
    }
    const own = withoutEof(await this.#open.metrics());
    // The report registry writes 0.0.4 gauges: valid OpenMetrics once `"` in HELP is escaped.
    const reportsOpen = reports.replace(/^# HELP .*$/gm, (line) => line.replace(/"/g, '\\"'));
    return {
      contentType: OPENMETRICS_CONTENT_TYPE,
      body: `${own}${reportsOpen}${withoutEof(renderOpenMetrics(families))}${EOF}`,
    };
  }

  #counter(name: string, help: string, labelNames: string[]): Twin<client.Counter> {
    const make = (registry: AnyRegistry) =>
      new client.Counter({ name, help, labelNames, registers: [registry] });
    return [make(this.#text), make(this.#open)];
  }

  #histogram(name: string, help: string, labelNames: string[], buckets: number[]): Twin<client.Histogram> {
    const make = (registry: AnyRegistry) =>
      new client.Histogram({ name, help, labelNames, buckets, registers: [registry] });
    return [make(this.#text), make(this.#open)];
  }
}

function inc(twin: Twin<client.Counter>, labels: Labels, value = 1): void {
  for (const counter of twin) counter.inc(labels, value);
}

function observe(twin: Twin<client.Histogram>, labels: Labels, value: number): void {
  for (const histogram of twin) histogram.observe(labels, value);
}

/** A registry rendering OpenMetrics (set before any metric registers: prom-client names counters then). */
function openMetricsRegistry(): client.Registry<client.OpenMetricsContentType> {
  const registry = new client.Registry<client.OpenMetricsContentType>();
  registry.setContentType(client.Registry.OPENMETRICS_CONTENT_TYPE);
  return registry;
}

function withoutEof(text: string): string {
  return text.endsWith(EOF) ? text.slice(0, -EOF.length) : text;
}

/**
 * The `/metrics` route, and the hook counting every request (route pattern as `route`; requests that
 * matched no route are counted as `route="unmatched"`, so scanners cannot create series).
 */
export function metricsRoute(metrics: ServeMetrics): FastifyPluginAsync {
  const plugin: FastifyPluginAsync = async (app) => {
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      metrics.requestServed(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    });
    app.get('/metrics', async (request, reply) => {
      const { contentType, body } = await metrics.render(acceptsOpenMetrics(request.headers.accept));
      return reply.header('content-type', contentType).send(body);
    });
  };
  return global(plugin);
}
