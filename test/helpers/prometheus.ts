/**
 * A real Prometheus for integration tests, loaded with small deterministic history (see `testHistory`).
 * The process-level work (OpenMetrics file, promtool blocks, spawning, readiness, cleanup, counting proxy)
 * lives in `bench/lib/prometheus.mjs`, shared with the benchmarks; this module adds types and the test data.
 */
import * as lib from '../../bench/lib/prometheus.mjs';

/** One counter-like series: starts at `initial` (0) and grows by `increment(t)` at each sample time t. */
export interface SeriesSpec {
  name: string;
  labels?: Record<string, string>;
  initial?: number;
  increment: (t: number) => number;
}
export interface FamilySpec {
  name: string;
  type: 'counter' | 'histogram';
  help?: string;
  series: SeriesSpec[];
}
/** Samples every `step` seconds from `start` to `end` (Unix seconds, multiples of `step`). */
export interface History {
  start: number;
  end: number;
  step: number;
  families: FamilySpec[];
}

export interface PrometheusServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  /** Fixed evaluation timestamp: the last sample of the history. */
  evalTime: number;
  /** Number of samples loaded. */
  samples: number;
  /** Last lines Prometheus printed. */
  logs(): string;
  /** Stops Prometheus (SIGTERM, then SIGKILL) and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string | null;
  time: string | null;
}

/** A recording HTTP proxy in front of Prometheus. */
export interface CountingProxy {
  url: string;
  requests: RecordedRequest[];
  /** PromQL of every request to `path` (default the instant query API), in arrival order. */
  queries(path?: string): string[];
  reset(): void;
  stop(): Promise<void>;
}

interface Lib {
  startPrometheus(
    options: History & { evalTime?: number; readyTimeoutMs?: number },
  ): Promise<PrometheusServer>;
  startCountingProxy(targetUrl: string): Promise<CountingProxy>;
  instantQueryCount(url: string): Promise<number>;
  freePort(): Promise<number>;
  writeOpenMetrics(file: string, history: History): number;
  seriesValueAt(history: History, series: SeriesSpec, t: number): number;
  benchHistory(options?: { services?: number; end?: number; days?: number; step?: number }): History & {
    profiles: { name: string }[];
  };
}
const shared = lib as unknown as Lib;

export const startCountingProxy = shared.startCountingProxy;
export const instantQueryCount = shared.instantQueryCount;
export const freePort = shared.freePort;
export const writeOpenMetrics = shared.writeOpenMetrics;
export const seriesValueAt = shared.seriesValueAt;
/** History for benchmarks: many services with request counters and latency histograms. */
export const benchHistory = shared.benchHistory;

// ------------------------------------------------------------------------------------------------------------
// The test history.

/** Evaluation time of the tests: 2023-11-15T00:00:00Z, the last sample. */
export const EVAL_TIME = 1_700_006_400;
export const HOUR = 3600;
export const DAY = 86_400;
/** Scrape interval of the history: one sample a minute. */
export const STEP = 60;

/**
 * Errors per minute of service "api" (out of 600 requests a minute), by age of the sample at time t:
 * the last hour 30 (5%), the 11 hours before 6 (1%), the rest of the last 7 days 1, older 2.
 */
export function apiErrorsPerMinute(t: number): number {
  const age = EVAL_TIME - t;
  if (age < HOUR) return 30;
  if (age < 12 * HOUR) return 6;
  if (age < 7 * DAY) return 1;
  return 2;
}

/** Cumulative latency bucket increments per minute of service "api": before and during the last hour. */
export const API_BUCKETS: Record<string, { before: number; lastHour: number }> = {
  '0.1': { before: 400, lastHour: 100 },
  '0.25': { before: 540, lastHour: 300 },
  '0.5': { before: 580, lastHour: 450 },
  '1': { before: 594, lastHour: 570 },
  '+Inf': { before: 600, lastHour: 600 },
};

const lastHour = (t: number) => EVAL_TIME - t < HOUR;

/**
 * 30 days of one-minute samples ending at EVAL_TIME:
 * - `http_requests_total{service="api",code="200"|"500"}`: 600 requests a minute, errors per `apiErrorsPerMinute`;
 * - `http_request_duration_seconds{service="api"}` histogram: 600 a minute, buckets per `API_BUCKETS`;
 * - `http_requests_total{service="web",code="200"}`: 120 a minute, never failing (a second service so that
 *   selectors must filter).
 */
export function testHistory(): History {
  const series: SeriesSpec[] = [
    {
      name: 'http_requests_total',
      labels: { service: 'api', code: '200' },
      increment: (t) => 600 - apiErrorsPerMinute(t),
    },
    { name: 'http_requests_total', labels: { service: 'api', code: '500' }, increment: apiErrorsPerMinute },
    { name: 'http_requests_total', labels: { service: 'web', code: '200' }, increment: () => 120 },
  ];
  const histogram: SeriesSpec[] = Object.entries(API_BUCKETS).map(([le, rate]) => ({
    name: 'http_request_duration_seconds_bucket',
    labels: { service: 'api', le },
    increment: (t) => (lastHour(t) ? rate.lastHour : rate.before),
  }));
  histogram.push(
    { name: 'http_request_duration_seconds_count', labels: { service: 'api' }, increment: () => 600 },
    {
      name: 'http_request_duration_seconds_sum',
      labels: { service: 'api' },
      increment: (t) => (lastHour(t) ? 240 : 90),
    },
  );
  return {
    start: EVAL_TIME - 30 * DAY,
    end: EVAL_TIME,
    step: STEP,
    families: [
      { name: 'http_requests', type: 'counter', help: 'Requests.', series },
      { name: 'http_request_duration_seconds', type: 'histogram', help: 'Latency.', series: histogram },
    ],
  };
}

/** Starts Prometheus with `history` (default: the test history); `evalTime` is the history's end. */
export function startPrometheus(history: History = testHistory()): Promise<PrometheusServer> {
  return shared.startPrometheus({ ...history, evalTime: history.end });
}
