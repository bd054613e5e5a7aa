/**
 * The shipped Iter8 provider fixtures (reference/iter8.md §6, copies in test/fixtures/providers/) through the
 * built CLI, `node dist/cli/main.js metrics get`:
 * - istio-prom.tpl and the seed's Prometheus example against a REAL Prometheus loaded with deterministic
 *   Istio-style series (values expected here are computed from the loaded data, not read back from slokit);
 * - test-ce (IBM Cloud Monitoring, with headers), test-request-body, nan.tpl and the Iter8 v0.7 New Relic /
 *   Sysdig / Elastic / Prometheus Metric files (Basic, Bearer, APIKey auth from `secret: env:` and
 *   `secret: file:`) against local HTTP servers that check method, path, query, headers and body and answer
 *   in each provider's wire format (a request they do not expect gets a 400 naming what differs);
 * - `--dry-run --output json`: the exact requests, secret header values `***`, nothing sent.
 *
 * Fixture files are copied into a temporary directory with their hosts replaced by the test servers'
 * (`test-database.com` → `http://127.0.0.1:PORT`, `http://url`, `http://127.0.0.1:9090`,
 * `http://provider.invalid`); nothing else in them changes.
 *
 * The contract these tests assume (issue 10 and `slokit metrics get --help`):
 * - flags `-p key=path`, `--set a.b=c` (a string value), `--values file`, `--version-values file`
 *   (repeatable; one version each, index 0, 1, … in the order given), `--dry-run`, `--output json`;
 * - values output: a JSON array of `{version, name, value, error}`, `version` the version's index (a number),
 *   `name` = `<providerKey>/<metric>`, `value` a number or null, `error` null or the reason; rows by
 *   version, then providers in `-p` order, then metrics in file order;
 * - dry-run output: a JSON array of `{version, metric, method, url, headers, body}` in the same order,
 *   `headers` an object (names compared case-insensitively here), `body` null without one, `url` with the
 *   params merged into the query, keys sorted, Go `QueryEscape` encoding;
 * - every request carries `Content-Type: application/json;charset=utf-8` unless the provider sets its own
 *   Content-Type (then only the provider's is sent);
 * - `elapsedTimeSeconds` is 0 without `startingTime` (so `[0s]`), `elapsedTime` (older generation) is 1;
 * - older generation: Metric documents' `metadata.name` names the metric; `secret: env:PREFIX_` reads
 *   PREFIX_field variables, `secret: file:x.yaml` a YAML map beside the provider file; Basic sends
 *   `Authorization: Basic base64(username:password)`; Bearer/APIKey fill `${field}` in headerTemplates;
 * - a NaN result, a non-2xx answer: value null, the error naming NaN / the status; exit codes 0 (all
 *   available), 1 (some unavailable), 2 (provider file error, e.g. Basic without a password);
 * - no secret (header value, secret file or variable value, Basic token) appears in any output.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../cli/run-cli.js';
import type { History, PrometheusServer, SeriesSpec } from '../helpers/prometheus.js';
import { startPrometheus } from '../helpers/prometheus.js';
import { tempDir } from '../helpers/tmp.js';

const FIXTURES = new URL('../fixtures/providers/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8');
const ITER8_CONTENT_TYPE = 'application/json;charset=utf-8';

interface ValueRow {
  version: number;
  name: string;
  value: number | null;
  error: string | null;
}
interface DryRunRow {
  version: number;
  metric: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

/** Go's `url.QueryEscape`, written here independently of slokit's: unreserved bytes kept, space `+`. */
function goQueryEscape(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const lowerKeys = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

// ------------------------------------------------------------------------------------------------------------
// A local provider server: routes by method and path; each route checks the request and answers.

interface SeenRequest {
  method: string;
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  body: string;
}
type Answer = { status: number; body: string };
type Route = (request: SeenRequest) => Answer;

interface ProviderServer {
  url: string;
  requests: SeenRequest[];
  stop(): Promise<void>;
}

/** A 400 saying what the request got wrong (shows up in the metric's error, so a failing test says why). */
const refuse = (what: string): Answer => ({ status: 400, body: `unexpected request: ${what}` });
const json = (value: unknown): Answer => ({ status: 200, body: JSON.stringify(value) });

/** Checks `headers` hold `expected` (names lower case) exactly; a refusal naming the first difference. */
function checkHeaders(headers: IncomingHttpHeaders, expected: Record<string, string>): Answer | undefined {
  for (const [name, value] of Object.entries(expected))
    if (headers[name] !== value) return refuse(`header ${name} is ${JSON.stringify(headers[name])}`);
  return undefined;
}

async function startProviderServer(routes: Record<string, Route>): Promise<ProviderServer> {
  const requests: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const [path = '', query = ''] = (req.url ?? '').split(/\?(.*)/s);
      const seen = {
        method: req.method ?? '',
        path,
        query,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(seen);
      const route = routes[`${seen.method} ${path}`];
      const answer = route ? route(seen) : refuse(`${seen.method} ${path}`);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A Prometheus-style instant vector answer (Prometheus, IBM Cloud Monitoring) holding one `value`. */
const promVector = (value: string) =>
  json({
    status: 'success',
    data: { resultType: 'vector', result: [{ metric: {}, value: [1700000000.5, value] }] },
  });

// ------------------------------------------------------------------------------------------------------------
// Istio-style history for the real Prometheus: constant rates per minute, so every expected value follows
// from the increments below.

const STEP = 60;
/** Samples after the first: the history spans 3 hours and ends a minute before the test starts. */
const STEPS = 180;
const END = Math.floor(Date.now() / 1000 / STEP) * STEP - STEP;
const LE = ['10', '25', '50', '100', '250', '+Inf'];

interface Workload {
  workload: string;
  namespace: string;
  /** Requests per minute per reporter, by response code. */
  codes: Record<string, number>;
  /** Cumulative latency bucket counts per minute per reporter, in the order of LE (the last = all requests). */
  buckets: number[];
  /** Latency sum per minute per reporter, milliseconds. */
  sumMs: number;
}

const WORKLOADS: Workload[] = [
  {
    workload: 'reviews-v1',
    namespace: 'default',
    codes: { '200': 118, '500': 2 },
    buckets: [58, 90, 110, 116, 119, 120],
    sumMs: 2400,
  },
  {
    workload: 'reviews-v2',
    namespace: 'default',
    codes: { '200': 95, '503': 5 },
    buckets: [22, 47, 83, 94, 98, 100],
    sumMs: 3500,
  },
  // Same workload name in another namespace: the namespace label must filter it out.
  {
    workload: 'reviews-v2',
    namespace: 'other',
    codes: { '200': 50, '500': 50 },
    buckets: [50, 50, 50, 50, 50, 50],
    sumMs: 100_000,
  },
];
const REPORTERS = ['source', 'destination'];

function istioHistory(): History {
  const requests: SeriesSpec[] = [];
  const latency: SeriesSpec[] = [];
  for (const w of WORKLOADS) {
    for (const reporter of REPORTERS) {
      const labels = {
        destination_workload: w.workload,
        destination_workload_namespace: w.namespace,
        reporter,
      };
      for (const [code, perMinute] of Object.entries(w.codes))
        requests.push({
          name: 'istio_requests_total',
          labels: { ...labels, response_code: code, source_workload: 'productpage-v1' },
          increment: () => perMinute,
        });
      for (const [i, le] of LE.entries())
        latency.push({
          name: 'istio_request_duration_milliseconds_bucket',
          labels: { ...labels, le },
          increment: () => w.buckets[i]!,
        });
      latency.push(
        { name: 'istio_request_duration_milliseconds_sum', labels, increment: () => w.sumMs },
        { name: 'istio_request_duration_milliseconds_count', labels, increment: () => w.buckets.at(-1)! },
      );
    }
  }
  return {
    start: END - STEPS * STEP,
    end: END,
    step: STEP,
    families: [
      { name: 'istio_requests', type: 'counter', help: 'Requests.', series: requests },
      { name: 'istio_request_duration_milliseconds', type: 'histogram', help: 'Latency.', series: latency },
    ],
  };
}

/** Prometheus' histogram_quantile over cumulative bucket counts (LE bounds), written from its definition. */
function histogramQuantile(q: number, cumulative: number[]): number {
  const rank = q * cumulative.at(-1)!;
  const b = cumulative.findIndex((count) => count >= rank);
  if (b === cumulative.length - 1) return Number(LE[b - 1]);
  const start = b === 0 ? 0 : Number(LE[b - 1]);
  const below = b === 0 ? 0 : cumulative[b - 1]!;
  return start + (Number(LE[b]) - start) * ((rank - below) / (cumulative[b]! - below));
}

const PERCENTILES = [50, 90, 99];

/** The values istio-prom must report for a workload of namespace "default" (both reporters summed). */
function expectedIstio(workload: string): Record<string, number> {
  const w = WORKLOADS.find((x) => x.workload === workload && x.namespace === 'default')!;
  const perMinute = Object.values(w.codes).reduce((a, b) => a + b, 0);
  const errorsPerMinute = Object.entries(w.codes)
    .filter(([code]) => code.startsWith('5'))
    .reduce((a, [, n]) => a + n, 0);
  const requests = REPORTERS.length * perMinute * STEPS;
  const errors = REPORTERS.length * errorsPerMinute * STEPS;
  const out: Record<string, number> = {
    'request-count': requests,
    'error-count': errors,
    'error-rate': errors / requests,
    'latency-mean': (REPORTERS.length * w.sumMs * STEPS) / requests,
  };
  for (const p of PERCENTILES) out[`latency-p${p}`] = histogramQuantile(p / 100, w.buckets);
  return out;
}

/** The seed example's count: reporter="source" only. */
function expectedSeed(workload: string): number {
  const w = WORKLOADS.find((x) => x.workload === workload && x.namespace === 'default')!;
  return Object.values(w.codes).reduce((a, b) => a + b, 0) * STEPS;
}

const ISTIO_METRICS = [
  'request-count',
  'error-count',
  'error-rate',
  'latency-mean',
  'latency-p50',
  'latency-p90',
  'latency-p99',
];

/** The PromQL istio-prom renders (hub version, §6.1) for `labels` and a window, as the query param holds it. */
function istioQueries(labels: Record<string, string>, window: number): Record<string, string> {
  const labelLines = Object.keys(labels)
    .sort()
    .map((k) => `  ${k}="${labels[k]}",\n`)
    .join('');
  const sel = (metric: string, extra = '') => `${metric}{\n${extra}${labelLines}}[${window}s]`;
  const errors = `  response_code=~'5..',\n`;
  const requests = `sum(last_over_time(${sel('istio_requests_total')})) or on() vector(0)`;
  const out: Record<string, string> = {
    'request-count': `${requests}\n`,
    'error-count': `sum(last_over_time(${sel('istio_requests_total', errors)})) or on() vector(0)\n`,
    'error-rate': `(sum(last_over_time(${sel('istio_requests_total', errors)})) or on() vector(0))/(${requests})\n`,
    'latency-mean': `(sum(last_over_time(${sel('istio_request_duration_milliseconds_sum')})) or on() vector(0))/(${requests})\n`,
  };
  for (const p of PERCENTILES)
    out[`latency-p${p}`] =
      `histogram_quantile(0.${p}, sum(rate(${sel('istio_request_duration_milliseconds_bucket')})) by (le))\n`;
  return out;
}

// ------------------------------------------------------------------------------------------------------------

let dir: ReturnType<typeof tempDir>;

/** Copies a fixture into the temporary directory with `replacements` applied; returns its path. */
function place(name: string, replacements: [string, string][] = [], as = name): string {
  let text = fixture(name);
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`fixture ${name} has no ${from}`);
    text = text.replaceAll(from, to);
  }
  return dir.write(as, text);
}

const metricsGet = (args: string[], env: Record<string, string> = {}) =>
  runCli(['metrics', 'get', ...args], { env: { TZ: 'UTC', ...env } });

function parseRows<T>(result: { stdout: string; stderr: string }): T[] {
  try {
    return JSON.parse(result.stdout) as T[];
  } catch {
    throw new Error(`stdout is not JSON:\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}

beforeAll(() => {
  dir = tempDir('slokit-providers-');
  dir.write(
    'values.yaml',
    'labels:\n  destination_workload_namespace: default\ndestination_workload_namespace: default\nlatencyPercentiles: [50, 90, 99]\n',
  );
  dir.write('v1.yaml', 'labels:\n  destination_workload: reviews-v1\ndestination_workload: reviews-v1\n');
  dir.write('v2.yaml', 'labels:\n  destination_workload: reviews-v2\ndestination_workload: reviews-v2\n');
});
afterAll(() => dir?.cleanup());

describe('istio-prom and the seed example against a real Prometheus', () => {
  let prometheus: PrometheusServer;
  beforeAll(async () => {
    prometheus = await startPrometheus(istioHistory());
  }, 120_000);
  afterAll(() => prometheus?.stop());

  it('fetches every metric of both versions with the values the loaded series hold', async () => {
    const istio = place('istio-prom.tpl');
    const seed = place('seed-prometheus.yaml', [['http://127.0.0.1:9090', prometheus.url]]);
    // An hour ago: elapsedTimeSeconds about 3600, a window that reaches back before the last sample.
    const startingTime = new Date((END - 3600) * 1000).toISOString().replace('.000Z', 'Z');
    const result = await metricsGet([
      '-p',
      `istio-prom=${istio}`,
      '-p',
      `seed=${seed}`,
      '--values',
      join(dir.root, 'values.yaml'),
      '--version-values',
      join(dir.root, 'v1.yaml'),
      '--version-values',
      join(dir.root, 'v2.yaml'),
      '--set',
      `istioPromURL=${prometheus.url}/api/v1/query`,
      '--set',
      `startingTime=${startingTime}`,
      '--output',
      'json',
    ]);
    const rows = parseRows<ValueRow>(result);
    expect(rows.map((r) => [r.version, r.name, r.error])).toEqual(
      [0, 1].flatMap((version) => [
        ...ISTIO_METRICS.map((m) => [version, `istio-prom/${m}`, null]),
        [version, 'seed/request-count', null],
      ]),
    );
    ['reviews-v1', 'reviews-v2'].forEach((workload, version) => {
      const expected = expectedIstio(workload);
      for (const metric of ISTIO_METRICS) {
        const row = rows.find((r) => r.version === version && r.name === `istio-prom/${metric}`)!;
        // Counts are sample values, exact; ratios and quantiles go through float division and rate().
        if (metric.endsWith('-count')) expect(row.value, `${workload} ${metric}`).toBe(expected[metric]);
        else expect(row.value, `${workload} ${metric}`).toBeCloseTo(expected[metric]!, 9);
      }
      const seedRow = rows.find((r) => r.version === version && r.name === 'seed/request-count')!;
      expect(seedRow.value).toBe(expectedSeed(workload));
    });
    expect(result.code).toBe(0);
  }, 60_000);

  it('checks the expected values against data in which the filters matter', () => {
    // Guards the fixture itself: the other namespace and the source/destination split change the answers.
    expect(expectedIstio('reviews-v2')).toEqual({
      'request-count': 36_000,
      'error-count': 1_800,
      'error-rate': 0.05,
      'latency-mean': 35,
      'latency-p50': 25 + 25 * (6 / 72),
      'latency-p90': 50 + 50 * (14 / 22),
      'latency-p99': 250,
    });
    expect(expectedIstio('reviews-v1')['latency-p50']).toBe(10 + 15 * (4 / 64));
    expect(expectedSeed('reviews-v2')).toBe(18_000);
  });
});

describe('--dry-run --output json', () => {
  it('prints the exact istio-prom requests of each version and sends nothing', async () => {
    const server = await startProviderServer({});
    try {
      const result = await metricsGet([
        '-p',
        `istio-prom=${place('istio-prom.tpl')}`,
        '--values',
        join(dir.root, 'values.yaml'),
        '--version-values',
        join(dir.root, 'v1.yaml'),
        '--version-values',
        join(dir.root, 'v2.yaml'),
        '--set',
        `istioPromURL=${server.url}/api/v1/query`,
        '--dry-run',
        '--output',
        'json',
      ]);
      const rows = parseRows<DryRunRow>(result);
      const expected = ['reviews-v1', 'reviews-v2'].flatMap((workload, version) => {
        const queries = istioQueries(
          { destination_workload: workload, destination_workload_namespace: 'default' },
          0,
        );
        return ISTIO_METRICS.map((metric) => ({
          version,
          metric: `istio-prom/${metric}`,
          method: 'GET',
          url: `${server.url}/api/v1/query?query=${goQueryEscape(queries[metric]!)}`,
          headers: { 'content-type': ITER8_CONTENT_TYPE },
          body: null,
        }));
      });
      expect(rows.map((r) => ({ ...r, headers: lowerKeys(r.headers) }))).toEqual(expected);
      expect(server.requests).toEqual([]);
      expect(result.code).toBe(0);
    } finally {
      await server.stop();
    }
  });

  it('shows test-ce headers with the Authorization value as *** and the Go-encoded query', async () => {
    const server = await startProviderServer({});
    try {
      const file = place('test-ce.metrics.yaml', [['test-database.com', server.url]]);
      const result = await metricsGet([
        '-p',
        `ce=${file}`,
        '--set',
        'ibm_codeengine_revision_name=rev-2',
        '--dry-run',
        '--output',
        'json',
      ]);
      const rows = parseRows<DryRunRow>(result);
      expect(rows.map((r) => ({ ...r, headers: lowerKeys(r.headers) }))).toEqual(
        Object.entries(ceQueries('rev-2')).map(([metric, query]) => ({
          version: 0,
          metric: `ce/${metric}`,
          method: 'GET',
          url: `${server.url}/prometheus/api/v1/query?query=${goQueryEscape(query)}`,
          headers: { authorization: '***', ibminstanceid: 'test-guid', 'content-type': ITER8_CONTENT_TYPE },
          body: null,
        })),
      );
      expect(`${result.stdout}${result.stderr}`).not.toContain('test-token');
      expect(server.requests).toEqual([]);
      expect(result.code).toBe(0);
    } finally {
      await server.stop();
    }
  });

  it('shows the older-generation requests with every secret header as ***', async () => {
    const server = await startProviderServer({});
    try {
      const result = await metricsGet(g1Args(server.url, ['--dry-run']), G1_ENV);
      const rows = parseRows<DryRunRow>(result);
      expect(rows.map((r) => ({ ...r, headers: lowerKeys(r.headers) }))).toEqual([
        {
          version: 0,
          metric: 'newrelic/name-count',
          method: 'GET',
          url: `${server.url}/v1/accounts/my_account_id?nrql=${goQueryEscape(NRQL)}`,
          headers: { 'x-query-key': '***', 'content-type': ITER8_CONTENT_TYPE },
          body: null,
        },
        {
          version: 0,
          metric: 'sysdig/cpu-utilization',
          method: 'POST',
          url: `${server.url}/api/data`,
          headers: { accept: 'application/json', authorization: '***', 'content-type': ITER8_CONTENT_TYPE },
          body: g1Body('sysdig.yaml'),
        },
        {
          version: 0,
          metric: 'elastic/average-sales',
          method: 'POST',
          url: `${server.url}/my/sales`,
          headers: { 'content-type': 'application/json', authorization: '***' },
          body: g1Body('elastic.yaml'),
        },
        {
          version: 0,
          metric: 'prometheus/request-count',
          method: 'GET',
          url: `${server.url}/api/v1?query=${goQueryEscape(G1_PROMQL)}`,
          headers: { authorization: '***', 'content-type': ITER8_CONTENT_TYPE },
          body: null,
        },
      ]);
      expectNoSecret(result);
      expect(server.requests).toEqual([]);
      expect(result.code).toBe(0);
    } finally {
      await server.stop();
    }
  });
});

// ------------------------------------------------------------------------------------------------------------
// Newer-generation fixtures against local servers.

/** test-ce's three queries (§6.3) for a revision name, window 0. */
function ceQueries(revision: string): Record<string, string> {
  const rev = `  ibm_codeengine_revision_name="${revision}",\n`;
  const status = `  ibm_codeengine_status!="200",\n`;
  const total = (extra: string) =>
    `sum(last_over_time(ibm_codeengine_application_requests_total{\n${extra}}[0s])) or on() vector(0)`;
  return {
    'request-count': `${total(rev)}\n`,
    'error-count': `${total(status + rev)}\n`,
    'error-rate': `${total(status + rev)}/${total(rev)}\n`,
  };
}

/** Route answering Prometheus-style for the query param `name`'s expected values (text → answer). */
function promRoute(
  expectedHeaders: Record<string, string>,
  answers: Record<string, string>,
  param = 'query',
): Route {
  return (r) => {
    const headerProblem = checkHeaders(r.headers, expectedHeaders);
    if (headerProblem) return headerProblem;
    const pairs = r.query.split('&');
    if (pairs.length !== 1 || !pairs[0]!.startsWith(`${param}=`)) return refuse(`query string ${r.query}`);
    const text = Object.keys(answers).find((q) => pairs[0] === `${param}=${goQueryEscape(q)}`);
    if (text === undefined) return refuse(`${param} ${pairs[0]}`);
    if (r.body !== '') return refuse(`body ${JSON.stringify(r.body)}`);
    return promVector(answers[text]!);
  };
}

describe('newer-generation fixtures against local servers', () => {
  it('test-ce: headers sent as written, three IBM Cloud Monitoring answers parsed', async () => {
    const queries = ceQueries('rev-2');
    const server = await startProviderServer({
      'GET /prometheus/api/v1/query': promRoute(
        {
          authorization: 'Bearer test-token',
          ibminstanceid: 'test-guid',
          'content-type': ITER8_CONTENT_TYPE,
        },
        {
          [queries['request-count']!]: '1200',
          [queries['error-count']!]: '36',
          [queries['error-rate']!]: '0.03',
        },
      ),
    });
    try {
      const file = place('test-ce.metrics.yaml', [['test-database.com', server.url]]);
      const result = await metricsGet([
        '-p',
        `test-ce=${file}`,
        '--set',
        'ibm_codeengine_revision_name=rev-2',
        '--output',
        'json',
      ]);
      expect(parseRows<ValueRow>(result)).toEqual([
        { version: 0, name: 'test-ce/request-count', value: 1200, error: null },
        { version: 0, name: 'test-ce/error-count', value: 36, error: null },
        // `.data.result.[0].value.[1]` without tonumber: the string is read as Go's ParseFloat reads it.
        { version: 0, name: 'test-ce/error-rate', value: 0.03, error: null },
      ]);
      expect(server.requests).toHaveLength(3);
      expect(`${result.stdout}${result.stderr}`).not.toContain('test-token');
      expect(result.code).toBe(0);
    } finally {
      await server.stop();
    }
  });

  it('test-request-body: a GET carrying the raw body and the encoded query', async () => {
    const server = await startProviderServer({
      'GET /prometheus/api/v1/query': (r) => {
        if (r.query !== 'query=example+query+parameter%0A') return refuse(`query string ${r.query}`);
        if (r.body !== 'example request body\n') return refuse(`body ${JSON.stringify(r.body)}`);
        return checkHeaders(r.headers, { 'content-type': ITER8_CONTENT_TYPE }) ?? promVector('7');
      },
    });
    try {
      const file = place('test-request-body.tpl', [['test-database.com', server.url]]);
      const result = await metricsGet(['-p', `test-request-body=${file}`, '--output', 'json']);
      expect(parseRows<ValueRow>(result)).toEqual([
        { version: 0, name: 'test-request-body/request-count', value: 7, error: null },
      ]);
      expect(server.requests.map((r) => [r.method, r.body])).toEqual([['GET', 'example request body\n']]);
      expect(result.code).toBe(0);
    } finally {
      await server.stop();
    }
  });

  it('nan.tpl: a NaN answer makes both metrics unavailable, with or without tonumber', async () => {
    const server = await startProviderServer({
      'GET /query': (r) =>
        r.query === 'query=query-tonumber' || r.query === 'query=query-no-tonumber'
          ? json({ value: 'NaN' })
          : refuse(`query string ${r.query}`),
    });
    try {
      const file = place('nan.tpl', [['http://url', server.url]]);
      const result = await metricsGet(['-p', `nan=${file}`, '--output', 'json']);
      const rows = parseRows<ValueRow>(result);
      expect(rows.map((r) => [r.version, r.name, r.value])).toEqual([
        [0, 'nan/metric-tonumber', null],
        [0, 'nan/metric-no-tonumber', null],
      ]);
      for (const row of rows) expect(row.error).toMatch(/NaN/);
      expect(server.requests.map((r) => r.query).sort()).toEqual([
        'query=query-no-tonumber',
        'query=query-tonumber',
      ]);
      expect(result.code).toBe(1);
    } finally {
      await server.stop();
    }
  });

  it('a 500 makes that provider unavailable with the status; another provider is unaffected', async () => {
    const failing = await startProviderServer({
      'GET /prometheus/api/v1/query': () => ({ status: 500, body: 'upstream exploded' }),
    });
    const queries = ceQueries('rev-2');
    const working = await startProviderServer({
      'GET /prometheus/api/v1/query': promRoute(
        { authorization: 'Bearer test-token' },
        { [queries['request-count']!]: '5', [queries['error-count']!]: '0', [queries['error-rate']!]: '0' },
      ),
    });
    try {
      const body = place('test-request-body.tpl', [['test-database.com', failing.url]]);
      const ce = place('test-ce.metrics.yaml', [['test-database.com', working.url]]);
      const result = await metricsGet([
        '-p',
        `body=${body}`,
        '-p',
        `ce=${ce}`,
        '--set',
        'ibm_codeengine_revision_name=rev-2',
        '--output',
        'json',
      ]);
      const rows = parseRows<ValueRow>(result);
      expect(rows.map((r) => [r.name, r.value])).toEqual([
        ['body/request-count', null],
        ['ce/request-count', 5],
        ['ce/error-count', 0],
        ['ce/error-rate', 0],
      ]);
      expect(rows[0]!.error).toMatch(/500/);
      expect(rows[0]!.error).toContain('upstream exploded');
      expect(rows.slice(1).map((r) => r.error)).toEqual([null, null, null]);
      expect(result.code).toBe(1);
    } finally {
      await failing.stop();
      await working.stop();
    }
  });
});

// ------------------------------------------------------------------------------------------------------------
// Older generation: the v0.7 docs' New Relic / Sysdig / Elastic / Prometheus Metric files.

const NR_KEY = 't0p-secret-api-key';
const SYSDIG_TOKEN = '87654321-1234-1234-1234-123456789012';
const ELASTIC_BASIC = Buffer.from('produser:t0p-secret').toString('base64');
const PROM_USER = 'promuser';
const PROM_PASSWORD = 'pr0m-pa55word';
const PROM_BASIC = Buffer.from(`${PROM_USER}:${PROM_PASSWORD}`).toString('base64');
const G1_ENV = { NR_mykey: NR_KEY, PROM_username: PROM_USER, PROM_password: PROM_PASSWORD };
const SECRETS = [NR_KEY, SYSDIG_TOKEN, 't0p-secret', ELASTIC_BASIC, PROM_PASSWORD, PROM_BASIC];

/** Version values of the older-generation runs: `$revision`, `$name`, `$userfilter`; elapsedTime is 1. */
const G1_VALUES = 'revision: reviews-v2\nname: reviews\nuserfilter: "revision_name=\'reviews-v2\'"\n';
const NRQL = "SELECT count(appName) FROM PageView WHERE revisionName='reviews-v2' SINCE 1 seconds ago";
const G1_PROMQL =
  "sum(increase(revision_app_request_latencies_count{service_name='reviews',revision_name='reviews-v2'}[1s])) or on() vector(0)";

/** A Metric file's body with `${elapsedTime}` = 1 and `${revision}` = reviews-v2 (YAML read by the yaml library). */
function g1Body(file: string): string {
  const [doc] = parseAllDocuments(fixture(`g1/${file}`));
  const body = (doc!.toJS() as { spec: { body: string } }).spec.body;
  return body.replaceAll('${elapsedTime}', '1').replaceAll('${revision}', 'reviews-v2');
}

/** `metrics get` arguments for the four Metric files (copied with the server's URL), with `extra` flags. */
function g1Args(serverUrl: string, extra: string[]): string[] {
  const host: [string, string][] = [['http://provider.invalid', serverUrl]];
  dir.write('g1/sdcredentials.yaml', fixture('g1/sdcredentials.yaml'));
  dir.write('g1/elasticcredentials.yaml', fixture('g1/elasticcredentials.yaml'));
  dir.write('g1-values.yaml', G1_VALUES);
  return [
    ...['newrelic', 'sysdig', 'elastic', 'prometheus'].flatMap((p) => [
      '-p',
      `${p}=${place(`g1/${p}.yaml`, host)}`,
    ]),
    '--values',
    join(dir.root, 'g1-values.yaml'),
    '--output',
    'json',
    ...extra,
  ];
}

function expectNoSecret(result: { stdout: string; stderr: string }): void {
  const output = `${result.stdout}${result.stderr}`;
  for (const secret of SECRETS) expect(output, 'a secret in the output').not.toContain(secret);
}

describe('older-generation Metric files with Basic, Bearer and APIKey auth', () => {
  it('sends each provider its auth, query and body, and reads each wire format', async () => {
    const server = await startProviderServer({
      'GET /v1/accounts/my_account_id': (r) =>
        checkHeaders(r.headers, { 'x-query-key': NR_KEY, 'content-type': ITER8_CONTENT_TYPE }) ??
        (r.query === `nrql=${goQueryEscape(NRQL)}`
          ? json({ results: [{ count: 80275388 }], metadata: { eventTypes: ['PageView'], contents: [] } })
          : refuse(`query string ${r.query}`)),
      'POST /api/data': (r) =>
        checkHeaders(r.headers, {
          accept: 'application/json',
          authorization: `Bearer ${SYSDIG_TOKEN}`,
          'content-type': ITER8_CONTENT_TYPE,
        }) ??
        (r.query !== ''
          ? refuse(`query string ${r.query}`)
          : r.body !== g1Body('sysdig.yaml')
            ? refuse(`body ${JSON.stringify(r.body)}`)
            : json({ data: [{ t: 1582756200, d: [6.481] }], start: 1582755600, end: 1582756200 })),
      'POST /my/sales': (r) =>
        checkHeaders(r.headers, {
          authorization: `Basic ${ELASTIC_BASIC}`,
          'content-type': 'application/json',
        }) ??
        (r.body !== g1Body('elastic.yaml')
          ? refuse(`body ${JSON.stringify(r.body)}`)
          : json({
              aggregations: { items_to_sell: { doc_count: 3, avg_sales: { value: 128.33333333333334 } } },
            })),
      'GET /api/v1': (r) =>
        checkHeaders(r.headers, {
          authorization: `Basic ${PROM_BASIC}`,
          'content-type': ITER8_CONTENT_TYPE,
        }) ??
        (r.query === `query=${goQueryEscape(G1_PROMQL)}`
          ? json({
              status: 'success',
              data: { resultType: 'vector', result: [{ value: [1556823494.744, '21.7639'] }] },
            })
          : refuse(`query string ${r.query}`)),
    });
    try {
      const result = await metricsGet(g1Args(server.url, []), G1_ENV);
      expect(parseRows<ValueRow>(result)).toEqual([
        { version: 0, name: 'newrelic/name-count', value: 80275388, error: null },
        { version: 0, name: 'sysdig/cpu-utilization', value: 6.481, error: null },
        { version: 0, name: 'elastic/average-sales', value: 128.33333333333334, error: null },
        { version: 0, name: 'prometheus/request-count', value: 21.7639, error: null },
      ]);
      // The Sysdig and Elastic bodies are the JSON the docs show, filled in.
      const sysdig = JSON.parse(server.requests.find((r) => r.path === '/api/data')!.body);
      expect([sysdig.last, sysdig.filter]).toEqual([1, "kubernetes.app.revision.name = 'reviews-v2'"]);
      const elastic = JSON.parse(server.requests.find((r) => r.path === '/my/sales')!.body);
      expect(elastic.aggs.items_to_sell.filter.term.version).toBe('reviews-v2');
      expect(server.requests).toHaveLength(4);
      expectNoSecret(result);
      expect(result.code).toBe(0);
    } finally {
      await server.stop();
    }
  });

  it('a Sysdig error answer leaves the other providers available and shows no secret', async () => {
    const server = await startProviderServer({
      'GET /v1/accounts/my_account_id': () => json({ results: [{ count: 5 }] }),
      'POST /api/data': () => ({ status: 503, body: `token ${SYSDIG_TOKEN} is over quota` }),
      'POST /my/sales': () => json({ aggregations: { items_to_sell: { avg_sales: { value: 1.5 } } } }),
      'GET /api/v1': () => promVector('2'),
    });
    try {
      const result = await metricsGet(g1Args(server.url, []), G1_ENV);
      const rows = parseRows<ValueRow>(result);
      expect(rows.map((r) => [r.name, r.value])).toEqual([
        ['newrelic/name-count', 5],
        ['sysdig/cpu-utilization', null],
        ['elastic/average-sales', 1.5],
        ['prometheus/request-count', 2],
      ]);
      expect(rows[1]!.error).toMatch(/503/);
      expectNoSecret(result);
      expect(result.code).toBe(1);
    } finally {
      await server.stop();
    }
  });

  it('Basic auth without a password in the secret file is a provider error (exit 2) that quotes no secret', async () => {
    dir.write('bad/credentials.yaml', 'username: produser\napiToken: zz-hidden-token\n');
    const file = place(
      'g1/elastic.yaml',
      [['file:elasticcredentials.yaml', 'file:credentials.yaml']],
      'bad/elastic.yaml',
    );
    const result = await metricsGet(['-p', `elastic=${file}`, '--output', 'json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('elastic.yaml');
    expect(result.stderr).toMatch(/password/);
    expect(`${result.stdout}${result.stderr}`).not.toContain('zz-hidden-token');
  });

  it('a secret from environment variables that do not exist is a provider error (exit 2)', async () => {
    const prefix = 'SLOKIT_TEST_NO_SUCH_SECRET_';
    const file = place('g1/newrelic.yaml', [['env:NR_', `env:${prefix}`]], 'env/newrelic.yaml');
    const result = await metricsGet(['-p', `newrelic=${file}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('newrelic.yaml');
    expect(result.stderr).toContain(prefix);
  });
});
