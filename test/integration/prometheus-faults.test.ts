/**
 * Fault suite of the Prometheus backend: a fake Prometheus on 127.0.0.1 answers each query according to the
 * fault named in it (`fault_<mode>`), for the faults a real Prometheus cannot be made to produce on demand.
 * Every fault is an error naming the URL (never its credentials or token), the query and what was wrong.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusBackend } from '../../src/backends/prometheus.js';
import type { SloConfig } from '../../src/domain/types.js';
import { MiB } from '../../src/http/client.js';

const T = 1_700_006_400;
const TIMEOUT = 0.5;

type Fault = (res: ServerResponse, req: IncomingMessage, query: string) => void;

const json =
  (status: number, body: unknown): Fault =>
  (res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
const success = (data: unknown) => json(200, { status: 'success', data });

const FAULTS: Record<string, Fault> = {
  ok: success({ resultType: 'vector', result: [{ metric: {}, value: [T, '0.995'] }] }),
  scalar: success({ resultType: 'scalar', result: [T, '0.5'] }),
  matrix: success({ resultType: 'matrix', result: [{ metric: {}, values: [[T, '1']] }] }),
  string: success({ resultType: 'string', result: [T, 'hello'] }),
  nullresult: success({ resultType: 'vector', result: null }),
  nodata: json(200, { status: 'success' }),
  badvalue: success({ resultType: 'vector', result: [{ metric: {}, value: [T, 'twelve'] }] }),
  notjson: (res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('hello, I am not Prometheus');
  },
  html: (res) => {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end(
      '<html>\n<head><title>502 Bad Gateway</title></head>\n<body><h1>502 Bad Gateway</h1></body>\n</html>\n',
    );
  },
  huge: (res) => {
    // 50 MB of a valid-looking answer, written without a content-length.
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(MiB, 0x20);
    let sent = 0;
    const write = () => {
      while (sent < 50 && !res.destroyed) {
        sent++;
        if (!res.write(chunk)) return void res.once('drain', write);
      }
      res.end();
    };
    write();
  },
  hugedeclared: (res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(50 * MiB) });
    res.write('{');
  },
  endless: (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"status":"success","data":');
    const timer = setInterval(() => res.write(' '), 50);
    res.on('close', () => clearInterval(timer));
  },
  silent: () => {},
  // A histogram whose buckets are stored as le="1.0": the bucket query for le="1" finds nothing.
  lebucket: (res, req, query) => {
    const vector = (result: unknown[]) => success({ resultType: 'vector', result })(res, req, query);
    if (query.startsWith('count by (le)')) {
      vector(['0.5', '1.0', '+Inf'].map((le) => ({ metric: { le }, value: [T, '1'] })));
    } else if (query.includes('_count')) {
      vector([{ metric: {}, value: [T, '100'] }]);
    } else {
      vector([]);
    }
  },
  brotli: (res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'br' });
    res.end('whatever');
  },
  badgzip: (res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end('not gzip at all');
  },
  gzipbomb: (res) => {
    // 20 MiB of spaces compress to about 20 KiB: the limit applies to the decoded answer.
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(gzipSync(Buffer.alloc(20 * MiB, 0x20)));
  },
  reset: (_res, req) => req.socket.destroy(),
  cutoff: (res, req) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"status":"success","data":{"resultType":"vec');
    setTimeout(() => req.socket.destroy(), 20);
  },
  unavailable: json(503, { status: 'error', errorType: 'unavailable', error: 'too many queries in flight' }),
  plain500: (res) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('internal error\n');
  },
  redirect: (res) => {
    res.writeHead(302, { location: '/login?token=tok-in-redirect' });
    res.end();
  },
  gzip: (res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(
      gzipSync(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'vector', result: [{ metric: {}, value: [T, '0.25'] }] },
        }),
      ),
    );
  },
};

interface Seen {
  path: string;
  authorization?: string;
  acceptEncoding?: string;
  query: string;
}

let server: Server;
let base: string;
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const query = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('query') ?? '';
      seen.push({
        path: req.url ?? '',
        authorization: req.headers.authorization,
        acceptEncoding: req.headers['accept-encoding'],
        query,
      });
      const mode = /fault_([a-z0-9]+)/.exec(query)?.[1] ?? 'ok';
      (FAULTS[mode] ?? FAULTS.ok!)(res, req, query);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function sloOf(expression: string): SloConfig {
  return {
    apiVersion: 'sre.google.com/v2',
    kind: 'ServiceLevelObjective',
    metadata: { name: 'faults' },
    spec: {
      description: 'fault',
      backend: 'prometheus',
      method: 'query_sli',
      service_level_indicator: { expression },
      goal: 0.99,
    },
  };
}

/** The SLI of `sum(rate(fault_<mode>[window]))` over 60 s, or the error message. */
async function sli(mode: string, config: Record<string, unknown> = { url: base, timeout: TIMEOUT }) {
  const backend = new PrometheusBackend(config);
  return backend.query_sli(T, 60, sloOf(`sum(rate(fault_${mode}[window]))`)).then(
    (value) => ({ value }),
    (error: Error) => ({ error: `${error.name}: ${error.message}` }),
  );
}

const q = (mode: string) => `(query: sum(rate(fault_${mode}[60s])))`;
const failed = (mode: string, problem: string) =>
  `PrometheusQueryError: Prometheus backend "prometheus" query failed (${problem}) at ${base}/api/v1/query ${q(mode)}`;
const transport = (mode: string, reason: string) =>
  `PrometheusQueryError: query to Prometheus backend "prometheus" at ${base}/api/v1/query ${reason} ${q(mode)}`;

describe('fake Prometheus fault modes: the exact error per mode', () => {
  it('a well-formed vector and a scalar are values', async () => {
    expect(await sli('ok')).toEqual({ value: 0.995 });
    expect(await sli('scalar')).toEqual({ value: 0.5 });
    expect(await sli('gzip')).toEqual({ value: 0.25 });
  });

  it.each([
    [
      'matrix',
      'a range vector (resultType matrix) came back where an instant vector or scalar was expected: wrap range selectors in a function such as increase(x[window])',
    ],
    ['string', 'a string (resultType string) came back where an instant vector or scalar was expected'],
    ['nullresult', 'vector answer whose "result" is null, not a list'],
    ['nodata', 'answer without "data"'],
    ['badvalue', 'malformed sample [1700006400,"twelve"], expected [time, "value"]'],
    ['notjson', 'HTTP 200 OK, not a JSON answer: hello, I am not Prometheus'],
    [
      'html',
      'HTTP 502 Bad Gateway, not a JSON answer: <html> <head><title>502 Bad Gateway</title></head> <body><h1>502 Bad Gateway</h1></body> </html>',
    ],
    ['unavailable', 'unavailable: too many queries in flight'],
    ['plain500', 'HTTP 500 Internal Server Error, not a JSON answer: internal error'],
    [
      'redirect',
      'HTTP 302 Found (redirect to BASE/login?token=***, not followed), not a JSON answer (empty body)',
    ],
  ])('%s', async (mode, problem) => {
    expect(await sli(mode)).toEqual({ error: failed(mode, problem.replace('BASE', base)) });
  });

  it.each([
    ['huge', 'got an answer larger than the 16 MiB limit'],
    ['hugedeclared', 'got an answer larger than the 16 MiB limit'],
    ['gzipbomb', 'got an answer larger than the 16 MiB limit'],
    ['brotli', 'got an answer with an unsupported content-encoding "br"'],
    ['badgzip', 'got an answer that could not be decoded (gzip): incorrect header check'],
    ['endless', `timed out after ${TIMEOUT} s`],
    ['silent', `timed out after ${TIMEOUT} s`],
    ['reset', 'was cut off: the server closed the connection before a complete answer (ECONNRESET)'],
    ['cutoff', 'was cut off: the server closed the connection before a complete answer (ECONNRESET)'],
  ])('%s', async (mode, reason) => {
    expect(await sli(mode)).toEqual({ error: transport(mode, reason) });
  });

  it('a refused connection names the URL and the cause', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const result = await sli('ok', { url, timeout: TIMEOUT });
    expect(result).toEqual({
      error: `PrometheusQueryError: query to Prometheus backend "prometheus" at ${url}/api/v1/query could not be sent: connect ECONNREFUSED ${url.slice(7)} ${q('ok')}`,
    });
  });
});

describe('distribution_cut against buckets stored as le="1.0"', () => {
  it('threshold_bucket: 1 is an invalid report listing the le values, not SLI 0', async () => {
    seen.length = 0;
    const backend = new PrometheusBackend({ url: base, timeout: TIMEOUT });
    const slo = sloOf('unused');
    slo.spec.method = 'distribution_cut';
    slo.spec.service_level_indicator = {
      expression: 'fault_lebucket_bucket{job="api"}',
      threshold_bucket: 1,
    };
    await expect(backend.distribution_cut(T, 60, slo)).rejects.toThrow(
      'threshold_bucket 1 matches no bucket series (le="1") of fault_lebucket_bucket{job="api"} while its _count has data: the le values of the expression\'s buckets in that window are "0.5", "1.0", "+Inf"; threshold_bucket must be one of them, written exactly (e.g. 1.0 for le="1.0")',
    );
    expect(seen.map((s) => s.query).sort()).toEqual([
      'count by (le) (last_over_time(fault_lebucket_bucket{job="api"}[60s]))',
      'sum(increase(fault_lebucket_bucket{job="api", le="1"}[60s]))',
      'sum(increase(fault_lebucket_count{job="api"}[60s]))',
    ]);
  });
});

describe('URL, credentials and secrets', () => {
  const url = () => `http://alice:pa55word@${base.slice(7)}/prom/?access_token=tok-s3cret&tenant=team-a`;

  it('the API path goes after the base path, the base query is kept, URL credentials become Basic auth', async () => {
    seen.length = 0;
    expect(await sli('ok', { url: url(), timeout: TIMEOUT })).toEqual({ value: 0.995 });
    expect(seen).toEqual([
      {
        path: '/prom/api/v1/query?access_token=tok-s3cret&tenant=team-a',
        authorization: `Basic ${Buffer.from('alice:pa55word').toString('base64')}`,
        acceptEncoding: 'identity',
        query: 'sum(rate(fault_ok[60s]))',
      },
    ]);
  });

  it('errors name the URL without credentials, with secret query values redacted', async () => {
    const result = await sli('plain500', { url: url(), timeout: TIMEOUT });
    expect(result).toEqual({
      error: `PrometheusQueryError: Prometheus backend "prometheus" query failed (HTTP 500 Internal Server Error, not a JSON answer: internal error) at ${base}/prom/api/v1/query?access_token=***&tenant=team-a ${q('plain500')}`,
    });
    const timedOut = await sli('silent', { url: url(), timeout: TIMEOUT });
    expect(timedOut).toEqual({
      error: `PrometheusQueryError: query to Prometheus backend "prometheus" at ${base}/prom/api/v1/query?access_token=***&tenant=team-a timed out after ${TIMEOUT} s ${q('silent')}`,
    });
    for (const r of [result, timedOut]) {
      for (const secret of ['alice', 'pa55word', 'tok-s3cret'])
        expect(JSON.stringify(r)).not.toContain(secret);
    }
  });

  it('a bearer token echoed by the server is redacted', async () => {
    const echo = createServer((req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`denied for ${req.headers.authorization}`);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
    try {
      const result = await sli('ok', { url: echoUrl, bearer_token: 'bearer-s3cret', timeout: TIMEOUT });
      expect(result).toEqual({
        error: `PrometheusQueryError: Prometheus backend "prometheus" query failed (HTTP 500 Internal Server Error, not a JSON answer: denied for Bearer ***) at ${echoUrl}/api/v1/query ${q('ok')}`,
      });
    } finally {
      echo.closeAllConnections();
      await new Promise((resolve) => echo.close(resolve));
    }
  });
});

describe('query sharing', () => {
  it('identical queries at the same timestamp are sent once per instance; a failure is remembered', async () => {
    const backend = new PrometheusBackend({ url: base, timeout: TIMEOUT });
    seen.length = 0;
    const slo = sloOf('sum(rate(fault_ok[window]))');
    const values = await Promise.all([backend.query_sli(T, 60, slo), backend.query_sli(T, 60, slo)]);
    await backend.query_sli(T + 1, 60, slo);
    expect(values).toEqual([0.995, 0.995]);
    expect(seen.map((s) => s.query)).toEqual(['sum(rate(fault_ok[60s]))', 'sum(rate(fault_ok[60s]))']);
    const broken = sloOf('sum(rate(fault_plain500[window]))');
    await expect(backend.query_sli(T, 60, broken)).rejects.toThrow(/HTTP 500/);
    await expect(backend.query_sli(T, 60, broken)).rejects.toThrow(/HTTP 500/);
    expect(seen.filter((s) => s.query.includes('plain500'))).toHaveLength(1);
  });
});
