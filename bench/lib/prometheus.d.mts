/** Types of `prometheus.mjs`, for the TypeScript tests. */
import type { ServerProcess } from './server-process.d.mts';

export { freePort } from './server-process.d.mts';

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

/** One scrape job. */
export interface ScrapeJob {
  name: string;
  /** host:port targets. */
  targets: string[];
  honorLabels?: boolean;
  metricsPath?: string;
}
/** Scrape jobs and their interval (default 1h, no jobs). */
export interface ScrapeConfig {
  interval?: string;
  jobs?: readonly ScrapeJob[];
}

export interface PrometheusOptions extends Partial<History> {
  scrape?: ScrapeConfig;
  /** Default: the history's end. */
  evalTime?: number;
  readyTimeoutMs?: number;
  logLevel?: string;
  extraArgs?: string[];
}

/** One series of an instant-query vector. */
export interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PrometheusServer extends ServerProcess {
  /** Fixed evaluation timestamp: the last sample of the history (undefined without history). */
  evalTime: number;
  /** Number of samples loaded. */
  samples: number;
  /** Instant query at `time` (default now); throws when Prometheus answers an error. */
  query(expr: string, time?: number): Promise<VectorSample[]>;
  /** Polls `query(expr)` until `done(result)` holds or `timeoutMs` passes (then returns the last result). */
  waitFor(
    expr: string,
    done: (result: VectorSample[]) => boolean,
    timeoutMs?: number,
  ): Promise<VectorSample[]>;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Path and query string, as sent. */
  url: string;
  query: string | null;
  time: string | null;
  contentType: string | null;
  /** The raw request body (UTF-8). */
  body: string;
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

export const PROMETHEUS_BIN: string;
export const PROMTOOL_BIN: string;
export const BENCH_BUCKETS: [string, number][];

export function seriesValueAt(history: History, series: SeriesSpec, t: number): number;
export function writeOpenMetrics(file: string, history: History): number;
export function createBlocks(openMetricsFile: string, dataDir: string): Promise<void>;
export function prometheusConfig(scrape?: ScrapeConfig): string;
export function instantQuery(url: string, expr: string, time?: number): Promise<VectorSample[]>;
export function startPrometheus(options?: PrometheusOptions): Promise<PrometheusServer>;
export function startCountingProxy(targetUrl: string, options?: { delayMs?: number }): Promise<CountingProxy>;
export function instantQueryCount(url: string): Promise<number>;
export function benchHistory(options?: {
  services?: number;
  end?: number;
  days?: number;
  step?: number;
}): History & { profiles: { name: string }[] };
export function processCpuSeconds(pid: number): number;
