import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigError, formatIssue } from '../../src/config/errors.js';
import { JqEngine } from '../../src/lang/jq.js';
import { MetricFetcher } from '../../src/providers/fetch.js';
import { loadProvider, type RenderedMetric } from '../../src/providers/provider.js';
import { buildRequest } from '../../src/providers/request.js';
import { tempDir } from '../helpers/tmp.js';
import { type ProviderServer, promAnswer, startProviderServer } from './server.js';

let server: ProviderServer;
const answers: Record<string, { status?: number; body: string; delayMs?: number }> = {
  '/ok': { body: promAnswer('21.7639') },
  '/nan': { body: promAnswer('NaN') },
  '/empty': { body: '{"status":"success","data":{"resultType":"vector","result":[]}}' },
  '/text': { body: '{"value":"twelve"}' },
  '/notjson': { body: '<html>oops</html>' },
  '/500': { status: 500, body: '{"error":"backend exploded"}' },
  '/401': { status: 401, body: 'token sekret-bearer-1 refused' },
  '/slow': { body: promAnswer('1'), delayMs: 1500 },
  '/provider': { body: 'url: http://h/q\nmetrics:\n- {name: a, type: gauge, jqExpression: .x}\n' },
  '/crd': {
    body: 'kind: Metric\nmetadata: {name: a}\nspec:\n  secret: env:HOME\n  urlTemplate: http://h\n  jqExpression: .x\n',
  },
  '/missing': { status: 404, body: 'no such provider' },
};

beforeAll(async () => {
  server = await startProviderServer((req) => {
    const path = new URL(req.url, 'http://x').pathname;
    // Echoes the key it was sent, as some APIs do in their error messages.
    if (path === '/echo')
      return { status: 403, body: `key ${String(req.headers['x-query-key'])} is not allowed` };
    return answers[path] ?? { status: 404, body: '' };
  });
});
afterAll(() => server.close());

const metric = (
  path: string,
  jqExpression = '.data.result[0].value[1]',
  extra: Partial<{ headers: [string, string][]; body: string; secrets: string[] }> = {},
): RenderedMetric => {
  const built = buildRequest({
    url: `${server.base}${path}`,
    method: 'GET',
    params: [],
    headers: extra.headers ?? [],
    body: extra.body,
    secrets: extra.secrets ?? [],
  });
  if (!('request' in built)) throw new Error(built.problem);
  return { name: path, jqExpression, request: built.request };
};

describe('MetricFetcher', () => {
  it('extracts a string value without tonumber, as Iter8 (Go ParseFloat)', async () => {
    expect(await new MetricFetcher().value(metric('/ok'))).toEqual({ value: 21.7639 });
  });

  it("accepts the shipped files' .data.result.[0].value.[1] form", async () => {
    expect(await new MetricFetcher().value(metric('/ok', '.data.result.[0].value.[1] | tonumber'))).toEqual({
      value: 21.7639,
    });
  });

  it.each([
    ['/nan', '.data.result[0].value[1]', /jq result is NaN/],
    ['/empty', '.data.result[0].value[1] | tonumber', /jq error: null \(null\) cannot be parsed as a number/],
    ['/empty', '.data.result[0].value[1]', /jq result is null, not a number/],
    ['/text', '.value', /jq result "twelve" is not a number/],
    ['/ok', '.data | keys', /jq result is an array, not a number/],
    ['/ok', '.data.result[', /jq program ".data.result\[" is invalid/],
    ['/notjson', '.x', /response is not valid JSON/],
    ['/500', '.x', /: HTTP 500 Internal Server Error: \{"error":"backend exploded"\}$/],
  ])('%s with %s is unavailable with the reason', async (path, jq, reason) => {
    const result = await new MetricFetcher().value(metric(path, jq));
    expect(result).toEqual({ error: expect.stringMatching(reason) });
    expect((result as { error: string }).error).toMatch(new RegExp(`^GET ${server.base}${path}`));
  });

  it('times out a request after the per-request timeout', async () => {
    const result = await new MetricFetcher({ timeoutSeconds: 0.2 }).value(metric('/slow'));
    expect(result).toEqual({ error: `GET ${server.base}/slow timed out after 0.2 s` });
  });

  it('reports a connection failure', async () => {
    const built = buildRequest({
      url: 'http://127.0.0.1:1/q',
      method: 'GET',
      params: [],
      headers: [],
      body: undefined,
      secrets: [],
    });
    if (!('request' in built)) throw new Error('unexpected');
    const result = await new MetricFetcher().value({ name: 'x', jqExpression: '.x', request: built.request });
    expect(result).toEqual({
      error: expect.stringMatching(/^GET http:\/\/127\.0\.0\.1:1\/q could not be sent: .*ECONNREFUSED/),
    });
  });

  it('returns the problem of a metric that could not be rendered, sending nothing', async () => {
    const before = server.requests.length;
    expect(
      await new MetricFetcher().value({
        name: 'x',
        jqExpression: '.x',
        problem: 'type must be counter or gauge, got "Counter"',
      }),
    ).toEqual({
      error: 'type must be counter or gauge, got "Counter"',
    });
    expect(server.requests.length).toBe(before);
  });

  it('never shows a secret in a reason, even when the server echoes it', async () => {
    const result = await new MetricFetcher().value(
      metric('/401', '.x', { headers: [['Authorization', 'Bearer sekret-bearer-1']] }),
    );
    expect(result).toEqual({ error: `GET ${server.base}/401: HTTP 401 Unauthorized: token *** refused` });
  });

  it('sends identical requests once and shares the answer among jq expressions', async () => {
    const fetcher = new MetricFetcher();
    const before = server.requests.length;
    const results = await Promise.all([
      fetcher.value(metric('/ok')),
      fetcher.value(metric('/ok', '.data.result[0].value[0]')),
      fetcher.value(metric('/ok', '.data.result[0].value[1]', { body: 'different body' })),
    ]);
    expect(results).toEqual([{ value: 21.7639 }, { value: 1 }, { value: 21.7639 }]);
    expect(server.requests.length - before).toBe(2);
    expect(fetcher.sent).toBe(2);
  });

  it('sends URL credentials as Basic auth, as Go did, and keeps them out of reasons', async () => {
    const built = buildRequest({
      url: `${server.base.replace('//', '//produser:t0p-secret@')}/500`,
      method: 'GET',
      params: [],
      headers: [],
      body: undefined,
      secrets: [],
    });
    if (!('request' in built)) throw new Error(built.problem);
    const before = server.requests.length;
    const result = await new MetricFetcher().value({ name: 'x', jqExpression: '.x', request: built.request });
    expect(server.requests[before]!.headers.authorization).toBe(
      `Basic ${Buffer.from('produser:t0p-secret').toString('base64')}`,
    );
    expect(result).toEqual({
      error: `GET ${server.base}/500: HTTP 500 Internal Server Error: {"error":"backend exploded"}`,
    });
  });

  it('runs the same jq expression on the same answer once', async () => {
    class CountingJq extends JqEngine {
      runs = 0;
      override extractValue(...args: Parameters<JqEngine['extractValue']>) {
        this.runs++;
        return super.extractValue(...args);
      }
    }
    const jq = new CountingJq();
    try {
      const fetcher = new MetricFetcher({ jq });
      const results = await Promise.all([
        fetcher.value(metric('/ok')),
        fetcher.value({ ...metric('/ok'), name: 'same request and program, other metric' }),
        fetcher.value(metric('/ok', '.data.result[0].value[0]')),
      ]);
      expect(results).toEqual([{ value: 21.7639 }, { value: 21.7639 }, { value: 1 }]);
      expect(jq.runs).toBe(2);
    } finally {
      await jq.close();
    }
  });

  it('sends at most `concurrency` requests at once', async () => {
    // A server of its own: requests other tests abandoned (timeouts) may still be open on the shared one.
    const own = await startProviderServer(() => ({ body: promAnswer('2'), delayMs: 50 }));
    try {
      const fetcher = new MetricFetcher({ concurrency: 2 });
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => {
          const built = buildRequest({
            url: `${own.base}/q?i=${i}`,
            method: 'GET',
            params: [],
            headers: [],
            body: undefined,
            secrets: [],
          });
          if (!('request' in built)) throw new Error(built.problem);
          return fetcher.value({
            name: `m${i}`,
            jqExpression: '.data.result[0].value[1]',
            request: built.request,
          });
        }),
      );
      expect(results).toEqual(Array.from({ length: 6 }, () => ({ value: 2 })));
      expect(own.requests.length).toBe(6);
      expect(own.maxInFlight).toBe(2);
    } finally {
      await own.close();
    }
  });
});

describe('provider files from URLs', () => {
  it('loads a provider file with GET', async () => {
    const provider = await loadProvider(`${server.base}/provider`, { timeoutSeconds: 5 });
    expect(provider.location).toBe(`${server.base}/provider`);
    expect(provider.render({}, 0, 0).map((m) => m.name)).toEqual(['a']);
  });

  it('refuses a non-2xx answer', async () => {
    await expect(loadProvider(`${server.base}/missing`, { timeoutSeconds: 5 })).rejects.toThrow(
      'cannot fetch provider file: HTTP 404 Not Found: no such provider',
    );
  });

  it('refuses secrets named by a file fetched from a URL', async () => {
    try {
      await loadProvider(`${server.base}/crd`, { timeoutSeconds: 5, env: { HOME_x: 'x' } });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).issues.map(formatIssue)).toEqual([
        `${server.base}/crd:4:11: spec.secret: a provider file fetched from a URL may not name a secret (use a local file)`,
      ]);
    }
  });
});

describe('older-generation auth on the wire', () => {
  it('Basic, Bearer and APIKey reach the server as Iter8 sent them; no secret in reasons', async () => {
    const dir = tempDir('slokit-auth-');
    try {
      dir.write('nr.yaml', 'mykey: t0p-secret-api-key\n');
      const metricDoc = (name: string, spec: string) =>
        `kind: Metric\nmetadata: {name: ${name}}\nspec:\n${spec}  jqExpression: .data.result[0].value[1]\n`;
      const file = dir.write(
        'auth.yaml',
        [
          metricDoc('basic', `  authType: Basic\n  secret: env:PROM_\n  urlTemplate: ${server.base}/ok\n`),
          metricDoc(
            'bearer',
            `  authType: Bearer\n  secret: env:SD_\n  method: POST\n  body: '{"last": $elapsedTime}'\n  headerTemplates:\n  - {name: Authorization, value: 'Bearer \${token}'}\n  urlTemplate: ${server.base}/ok\n`,
          ),
          metricDoc(
            'apikey',
            `  authType: APIKey\n  secret: file:nr.yaml\n  headerTemplates:\n  - {name: X-Query-Key, value: '\${mykey}'}\n  urlTemplate: ${server.base}/echo\n`,
          ),
        ].join('---\n'),
      );
      const provider = await loadProvider(file, {
        timeoutSeconds: 5,
        env: { PROM_username: 'produser', PROM_password: 't0p-secret', SD_token: '87654321-1234' },
      });
      const before = server.requests.length;
      const fetcher = new MetricFetcher();
      const values = await Promise.all(provider.render({}, Date.now(), 0).map((m) => fetcher.value(m)));
      expect(values.slice(0, 2)).toEqual([{ value: 21.7639 }, { value: 21.7639 }]);
      expect(values[2]).toEqual({
        error: `GET ${server.base}/echo: HTTP 403 Forbidden: key *** is not allowed`,
      });
      const sent = server.requests.slice(before);
      const by = (method: string, path: string) => sent.find((r) => r.method === method && r.url === path)!;
      expect(by('GET', '/ok').headers.authorization).toBe(
        `Basic ${Buffer.from('produser:t0p-secret').toString('base64')}`,
      );
      expect(by('POST', '/ok')).toMatchObject({
        body: '{"last": 1}',
        headers: expect.objectContaining({ authorization: 'Bearer 87654321-1234' }),
      });
      expect(by('GET', '/echo').headers['x-query-key']).toBe('t0p-secret-api-key');
    } finally {
      dir.cleanup();
    }
  });
});
