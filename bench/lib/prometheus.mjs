/**
 * A real Prometheus for tests and benchmarks, loaded with deterministic history and/or scraping targets.
 *
 * History is described as metric families whose series are counters: each series starts at 0 at `start` and
 * grows by `increment(t)` at every sample time `t` after it (samples every `step` seconds up to `end`). It is
 * written as an OpenMetrics text file, turned into TSDB blocks by `promtool tsdb create-blocks-from
 * openmetrics`, and served by `prometheus` on a free loopback port (process handling in `server-process.mjs`),
 * with no scrape targets unless `scrape` names some.
 *
 * Exactness: in Prometheus 2.x a range selector `[W]` evaluated at `t` includes the samples at both `t - W`
 * and `t`. When both instants fall on samples (t and W multiples of `step`), increase()/rate() need no
 * extrapolation and return exactly `value(t) - value(t - W)` (resp. divided by W). Tests rely on that.
 *
 * One implementation for both `bench/` (plain JS importing `dist/`) and `test/helpers/prometheus.ts` (types in
 * `prometheus.d.mts`).
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { makeTempDir, startServer } from './server-process.mjs';

export { freePort } from './server-process.mjs';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? 'prometheus';
export const PROMTOOL_BIN = process.env.PROMTOOL_BIN ?? 'promtool';

/**
 * @typedef {{ name: string, labels?: Record<string, string>, initial?: number, increment: (t: number) => number }} SeriesSpec
 *   One counter-like series: `name` is the full sample name (`http_requests_total`, `x_bucket`, ...).
 * @typedef {{ name: string, type: 'counter' | 'histogram', help?: string, series: SeriesSpec[] }} FamilySpec
 * @typedef {{ start: number, end: number, step: number, families: FamilySpec[] }} History
 *   `start`, `end` are Unix seconds and multiples of `step`.
 * @typedef {{ name: string, targets: string[], honorLabels?: boolean, metricsPath?: string }} ScrapeJob
 *   One scrape job: `targets` are host:port.
 * @typedef {{ interval?: string, jobs?: ScrapeJob[] }} ScrapeConfig
 */

const escapeLabel = (v) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function selector(name, labels = {}) {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return pairs.length ? `${name}{${pairs.join(',')}}` : name;
}

/** Value of a series at every sample time, as the OpenMetrics file will hold it (for expectations). */
export function seriesValueAt(history, series, t) {
  let value = series.initial ?? 0;
  for (let s = history.start + history.step; s <= t; s += history.step) value += series.increment(s);
  return value;
}

/**
 * Writes the history as an OpenMetrics text file (families contiguous, each series' samples in time order).
 * Returns the number of samples written.
 */
export function writeOpenMetrics(file, history) {
  const { start, end, step, families } = history;
  if (start % step || end % step || end <= start) throw new Error('start/end must be multiples of step');
  const fd = openSync(file, 'w');
  let buffer = [];
  let bytes = 0;
  let samples = 0;
  const flush = () => {
    writeSync(fd, buffer.join(''));
    buffer = [];
    bytes = 0;
  };
  const push = (line) => {
    buffer.push(line);
    bytes += line.length;
    if (bytes > 1 << 20) flush();
  };
  try {
    for (const family of families) {
      if (family.help) push(`# HELP ${family.name} ${family.help}\n`);
      push(`# TYPE ${family.name} ${family.type}\n`);
      for (const series of family.series) {
        const prefix = `${selector(series.name, series.labels)} `;
        let value = series.initial ?? 0;
        for (let t = start; t <= end; t += step) {
          if (t > start) value += series.increment(t);
          push(`${prefix}${value} ${t}\n`);
          samples++;
        }
      }
    }
    push('# EOF\n');
    flush();
  } finally {
    closeSync(fd);
  }
  return samples;
}

/** Runs a command, resolving with its output; rejects with stderr on a non-zero exit. */
function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${out.slice(-2000)}`));
    });
  });
}

/**
 * Converts an OpenMetrics file into TSDB blocks. One block per ~40 days: promtool otherwise re-reads the whole
 * file once per 2h block (360 passes for 30 days of history).
 */
export async function createBlocks(openMetricsFile, dataDir) {
  await run(PROMTOOL_BIN, [
    'tsdb',
    'create-blocks-from',
    'openmetrics',
    '--quiet',
    '--max-block-duration=960h',
    openMetricsFile,
    dataDir,
  ]);
}

/**
 * prometheus.yml: without `jobs` no scrape targets (the server only serves the backfilled blocks); each job
 * scrapes static `targets` (host:port) every `interval`.
 * @param {ScrapeConfig} [scrape]
 */
export function prometheusConfig({ interval = '1h', jobs = [] } = {}) {
  return [
    'global:',
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    jobs.length ? 'scrape_configs:' : 'scrape_configs: []',
    ...jobs.flatMap((job) => [
      `  - job_name: ${JSON.stringify(job.name)}`,
      `    honor_labels: ${job.honorLabels ?? false}`,
      `    metrics_path: ${JSON.stringify(job.metricsPath ?? '/metrics')}`,
      `    scrape_interval: ${interval}`,
      '    static_configs:',
      `      - targets: ${JSON.stringify(job.targets)}`,
    ]),
    '',
  ].join('\n');
}

/** Instant query at `time` (default: the server's now); throws when Prometheus answers an error. */
export async function instantQuery(url, expr, time) {
  const body = new URLSearchParams({ query: expr });
  if (time !== undefined) body.set('time', String(time));
  const response = await fetch(`${url}/api/v1/query`, { method: 'POST', body });
  const payload = await response.json();
  if (payload.status !== 'success') throw new Error(`query ${expr} failed: ${payload.error}`);
  return payload.data?.result ?? [];
}

/**
 * Starts a real Prometheus on a free loopback port (see `server-process.mjs`), serving the backfilled
 * `families` history when given, and scraping `scrape.jobs` when given.
 * @param {Partial<History> & { scrape?: ScrapeConfig, evalTime?: number, readyTimeoutMs?: number,
 *   logLevel?: string, extraArgs?: string[] }} [options]
 * @returns {Promise<import('./prometheus.d.mts').PrometheusServer>}
 */
export async function startPrometheus(options = {}) {
  const dir = makeTempDir('slokit-prometheus-');
  const dataDir = join(dir, 'data');
  const config = join(dir, 'prometheus.yml');
  let samples = 0;
  try {
    if (options.families) {
      const file = join(dir, 'history.om');
      samples = writeOpenMetrics(file, options);
      await createBlocks(file, dataDir);
      rmSync(file);
    }
    writeFileSync(config, prometheusConfig(options.scrape));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const server = await startServer({
    name: 'prometheus',
    command: PROMETHEUS_BIN,
    dir,
    readyTimeoutMs: options.readyTimeoutMs,
    args: (port) => [
      `--config.file=${config}`,
      `--storage.tsdb.path=${dataDir}`,
      '--storage.tsdb.retention.time=100y',
      `--web.listen-address=127.0.0.1:${port}`,
      `--log.level=${options.logLevel ?? 'warn'}`,
      ...(options.extraArgs ?? []),
    ],
  });
  const query = (expr, time) => instantQuery(server.url, expr, time);
  return {
    ...server,
    evalTime: options.evalTime ?? options.end,
    samples,
    query,
    waitFor: async (expr, done, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const result = await query(expr);
        if (done(result) || Date.now() > deadline) return result;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
  };
}

/**
 * An HTTP proxy in front of Prometheus that records every request (method, path, PromQL, time, and the raw
 * body and content type, so a benchmark can replay it exactly) before forwarding it, so tests can count and
 * inspect the queries a run actually sends. `delayMs` holds each request that long before forwarding it, to
 * simulate a Prometheus across a network.
 * @param {string} targetUrl
 * @param {{ delayMs?: number }} [options]
 * @returns {Promise<import('./prometheus.d.mts').CountingProxy>}
 */
export async function startCountingProxy(targetUrl, { delayMs = 0 } = {}) {
  const target = new URL(targetUrl);
  const requests = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://proxy');
      const params = new URLSearchParams(url.search);
      if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
        for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.append(k, v);
      }
      requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        url: req.url ?? '/',
        query: params.get('query'),
        time: params.get('time'),
        contentType: req.headers['content-type'] ?? null,
        body: body.toString('utf8'),
      });
      if (delayMs > 0) setTimeout(forward, delayMs, body);
      else forward(body);
    });
    const forward = (body) => {
      const { 'transfer-encoding': _chunked, ...headers } = req.headers;
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...headers, host: target.host, 'content-length': String(body.length) },
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', (error) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`proxy error: ${error.message}`);
      });
      upstream.end(body);
    };
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    queries: (path = '/api/v1/query') => requests.filter((r) => r.path === path).map((r) => r.query ?? ''),
    reset: () => {
      requests.length = 0;
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Prometheus' own count of instant-query API requests (`prometheus_http_requests_total`, all codes). */
export async function instantQueryCount(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('prometheus_http_requests_total{') && line.includes('handler="/api/v1/query"')) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

// ------------------------------------------------------------------------------------------------------------
// Benchmark history: many services, each with request counters by code and a latency histogram.

/** Small deterministic hash → [0, 1). */
function noise(a, b) {
  let h = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Latency bucket upper bounds of the benchmark histograms (cumulative share of requests at or below). */
export const BENCH_BUCKETS = [
  ['0.1', 0.62],
  ['0.25', 0.9],
  ['1', 0.992],
  ['+Inf', 1],
];

/**
 * History of `services` services (`svc-01`...), 30 days up to `end`, one sample every `step` seconds:
 * - `http_requests_total{service, code}` for codes 200, 404 and 503; traffic follows a daily cycle
 *   (10-100 requests/s depending on the service), 2% 404s, a 0.05-0.3% baseline of 503s;
 * - `http_request_duration_seconds{service}` histogram (le 0.1, 0.25, 1, +Inf, _count, _sum) counting the same
 *   requests;
 * - one incident per service somewhere in the last 28 days (30-150 minutes at 5-25% errors and slow
 *   responses); every 10th service is in an incident during the last hour, so some SLOs alert.
 * @returns {History}
 */
export function benchHistory({ services = 50, end = 1_700_006_400, days = 30, step = 300 } = {}) {
  const start = end - days * 86400;
  const profiles = Array.from({ length: services }, (_, i) => {
    const id = i + 1;
    const incidentLength = 1800 + Math.floor(noise(id, 1) * 5) * 1800;
    const incidentEnd =
      id % 10 === 0 ? end : end - 3600 - Math.floor((noise(id, 2) * 27 * 86400) / step) * step;
    return {
      id,
      name: `svc-${String(id).padStart(2, '0')}`,
      rps: 10 + Math.floor(noise(id, 3) * 90),
      baseError: 0.0005 + noise(id, 4) * 0.0025,
      incidentStart: incidentEnd - incidentLength,
      incidentEnd,
      incidentError: 0.05 + noise(id, 5) * 0.2,
    };
  });
  const inIncident = (p, t) => t > p.incidentStart && t <= p.incidentEnd;
  const requests = (p, t) => {
    const daily = 1 + 0.5 * Math.sin((2 * Math.PI * (t % 86400)) / 86400);
    return Math.round(p.rps * step * daily * (0.95 + 0.1 * noise(t, p.id)));
  };
  const errors = (p, t) => Math.round(requests(p, t) * (inIncident(p, t) ? p.incidentError : p.baseError));
  const notFound = (p, t) => Math.round(requests(p, t) * 0.02);
  const share = (p, t, fraction) => (inIncident(p, t) ? fraction ** 3 : fraction);

  const counters = [];
  const histograms = [];
  for (const p of profiles) {
    counters.push(
      {
        name: 'http_requests_total',
        labels: { service: p.name, code: '200' },
        increment: (t) => requests(p, t) - errors(p, t) - notFound(p, t),
      },
      {
        name: 'http_requests_total',
        labels: { service: p.name, code: '404' },
        increment: (t) => notFound(p, t),
      },
      {
        name: 'http_requests_total',
        labels: { service: p.name, code: '503' },
        increment: (t) => errors(p, t),
      },
    );
    for (const [le, fraction] of BENCH_BUCKETS) {
      histograms.push({
        name: 'http_request_duration_seconds_bucket',
        labels: { service: p.name, le },
        increment: (t) => Math.floor(requests(p, t) * share(p, t, fraction)),
      });
    }
    histograms.push(
      {
        name: 'http_request_duration_seconds_count',
        labels: { service: p.name },
        increment: (t) => requests(p, t),
      },
      {
        name: 'http_request_duration_seconds_sum',
        labels: { service: p.name },
        increment: (t) => requests(p, t) * (inIncident(p, t) ? 0.8 : 0.12),
      },
    );
  }
  return {
    start,
    end,
    step,
    profiles,
    families: [
      {
        name: 'http_requests',
        type: 'counter',
        help: 'HTTP requests by service and status code.',
        series: counters,
      },
      {
        name: 'http_request_duration_seconds',
        type: 'histogram',
        help: 'HTTP request latency.',
        series: histograms,
      },
    ],
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
export function processCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime), in clock ticks; Linux's USER_HZ is 100.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}
