/**
 * A real Prometheus for integration tests: loaded with small deterministic history (see `testHistory`), or
 * scraping given targets. The process-level work (OpenMetrics file, promtool blocks, spawning, readiness,
 * cleanup, counting proxy) lives in `bench/lib/prometheus.mjs` and `bench/lib/server-process.mjs`, shared with
 * the benchmarks; this module adds the test data.
 */

import type { History, PrometheusServer, ScrapeJob, SeriesSpec } from '../../bench/lib/prometheus.mjs';
import * as lib from '../../bench/lib/prometheus.mjs';

export type {
  CountingProxy,
  FamilySpec,
  History,
  PrometheusServer,
  RecordedRequest,
  ScrapeJob,
  SeriesSpec,
  VectorSample,
} from '../../bench/lib/prometheus.mjs';
export {
  benchHistory,
  freePort,
  instantQueryCount,
  seriesValueAt,
  startCountingProxy,
  writeOpenMetrics,
} from '../../bench/lib/prometheus.mjs';

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
  return lib.startPrometheus({ ...history, evalTime: history.end });
}

/** Starts Prometheus without history, scraping `jobs` every `interval`. */
export function startScrapingPrometheus(
  jobs: readonly ScrapeJob[],
  interval = '1s',
): Promise<PrometheusServer> {
  return lib.startPrometheus({ scrape: { interval, jobs } });
}
