/**
 * The HTTP client layer against real HTTP servers on 127.0.0.1, and the shared field schemas through the
 * config schemas of the components that use them.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinBackendFor } from '../../src/backends/registry.js';
import { builtinExporterFor } from '../../src/exporters/registry.js';
import { formatBytes, HttpClient, MiB } from '../../src/http/client.js';
import { DeliveryError, deliver } from '../../src/http/delivery.js';
import { httpUrl, timeoutSeconds } from '../../src/http/schema.js';
import { tempDir } from '../helpers/tmp.js';

let server: Server;
let base: string;
let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();

beforeAll(async () => {
  server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const client = (baseUrl: string, maxBodyBytes = 64 * 1024) =>
  new HttpClient({ baseUrl, timeoutSeconds: 2, maxBodyBytes });

describe('HttpClient.url: paths go after the base path, the base query is kept', () => {
  it.each([
    ['http://h:9090', '/api/v1/query', 'http://h:9090/api/v1/query'],
    ['http://h:9090/', '/api/v1/query', 'http://h:9090/api/v1/query'],
    ['http://h/prom', '/api/v1/query', 'http://h/prom/api/v1/query'],
    ['http://h/prom/', '/api/v1/query', 'http://h/prom/api/v1/query'],
    ['http://h/prom?access_token=x', '/api/v1/query', 'http://h/prom/api/v1/query?access_token=x'],
    ['https://u:p@h/gw?tenant=a#frag', '/metrics/job/j', 'https://h/gw/metrics/job/j?tenant=a'],
    ['http://h/hook/?sig=1', '', 'http://h/hook/?sig=1'],
  ])('%s + %j → %s', (baseUrl, path, expected) => {
    expect(client(baseUrl).url(path).href).toBe(expected);
  });

  it('display hides credentials and secret query values', () => {
    const c = client('https://u:p4ss@h.example/prom?access_token=t0ken&tenant=a');
    expect(c.display()).toBe('https://h.example/prom?access_token=***&tenant=a');
    expect(c.redact('saw t0ken and p4ss')).toBe('saw *** and ***');
  });
});

describe('HttpClient.request', () => {
  it('sends Basic auth from URL credentials, accept-encoding identity and the body', async () => {
    const seen: Record<string, unknown>[] = [];
    handler = (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c;
      });
      req.on('end', () => {
        seen.push({
          url: req.url,
          auth: req.headers.authorization,
          enc: req.headers['accept-encoding'],
          body,
        });
        res.end('fine');
      });
    };
    const c = client(`http://bob:s3cret@${base.slice(7)}/root?k=v`);
    const response = await c.request({ method: 'PUT', url: c.url('/x'), body: 'payload' });
    expect([response.status, response.body.toString()]).toEqual([200, 'fine']);
    expect(seen).toEqual([
      {
        url: '/root/x?k=v',
        auth: `Basic ${Buffer.from('bob:s3cret').toString('base64')}`,
        enc: 'identity',
        body: 'payload',
      },
    ]);
  });

  it('clients of the same server share one keep-alive pool: 50 clients in turn use one connection', async () => {
    const sockets = new Set<unknown>();
    handler = (req, res) => {
      sockets.add(req.socket);
      res.end('ok');
    };
    for (let i = 0; i < 50; i++) {
      const c = client(`${base}/p${i}?token=t${i}`);
      expect((await c.request({ method: 'GET', url: c.url('/q') })).status).toBe(200);
    }
    expect(sockets.size).toBe(1);
  });

  it('a body over the limit is refused, declared or not', async () => {
    handler = (req, res) => {
      if (req.url === '/declared') res.writeHead(200, { 'content-length': String(2 * MiB) });
      res.end(Buffer.alloc(2 * MiB));
    };
    const c = client(base, MiB);
    for (const path of ['/declared', '/chunked']) {
      await expect(c.request({ method: 'GET', url: c.url(path) })).rejects.toThrow(
        'got an answer larger than the 1 MiB limit',
      );
    }
  });

  it('deliver: a non-2xx answer quotes status and body; a large error body is cut at the limit', async () => {
    handler = (req, res) => {
      res.writeHead(req.url === '/big' ? 500 : 400, { 'content-type': 'text/plain' });
      res.end(req.url === '/big' ? 'x'.repeat(100_000) : 'bad push\n');
    };
    const c = client(base);
    const small = await deliver(c, { method: 'POST', path: '/small', body: '' }).catch((e: unknown) => e);
    expect(small).toBeInstanceOf(DeliveryError);
    expect(small).toMatchObject({
      message: `POST ${base}/small failed: HTTP 400 Bad Request: bad push`,
      status: 400,
    });
    const big = await deliver(c, { method: 'POST', path: '/big', body: '' }).catch((e: unknown) => e);
    expect(big).toMatchObject({
      message: `POST ${base}/big got an answer larger than the 64 KiB limit`,
      status: undefined,
    });
  });

  it('idle keep-alive connections do not keep a process alive', async () => {
    handler = (_req, res) => res.end('ok');
    server.keepAliveTimeout = 600_000;
    const script = `
      import { HttpClient } from ${JSON.stringify(new URL('../../src/http/client.ts', import.meta.url).href)};
      const c = new HttpClient({ baseUrl: ${JSON.stringify(base)}, timeoutSeconds: 5, maxBodyBytes: 100 });
      const r = await c.request({ method: 'GET', url: c.url('/') });
      console.log(r.status);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c;
    });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect([code, out.trim()]).toEqual([0, '200']);
  });

  it('https URLs go through TLS (a self-signed certificate is refused, naming the reason)', async () => {
    const dir = tempDir('slokit-tls-');
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-keyout',
          `${dir.root}/key.pem`,
          '-out',
          `${dir.root}/cert.pem`,
        ],
        { stdio: 'ignore' },
      );
      const tls = createTlsServer(
        { key: readFileSync(`${dir.root}/key.pem`), cert: readFileSync(`${dir.root}/cert.pem`) },
        (_req, res) => res.end('secret page'),
      );
      await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
      const c = client(`https://127.0.0.1:${(tls.address() as AddressInfo).port}`);
      await expect(c.request({ method: 'GET', url: c.url('/') })).rejects.toThrow(
        'could not be sent: self-signed certificate',
      );
      tls.closeAllConnections();
      await new Promise((resolve) => tls.close(resolve));
    } finally {
      dir.cleanup();
    }
  });

  it('formatBytes', () => {
    expect([formatBytes(16 * MiB), formatBytes(64 * 1024), formatBytes(100)]).toEqual([
      '16 MiB',
      '64 KiB',
      '100 bytes',
    ]);
  });
});

describe('shared field schemas', () => {
  it.each(['http://h', 'https://h:9090/prom?x=1', 'http://u:p@h'])('url %s is accepted', (url) => {
    expect(httpUrl.safeParse(url).success).toBe(true);
  });

  it.each([
    ['ftp://h/x', 'expected an http:// or https:// URL, not ftp:'],
    ['file:///etc/passwd', 'expected an http:// or https:// URL, not file:'],
    ['javascript:alert(1)', 'expected an http:// or https:// URL, not javascript:'],
    ['localhost:9090', 'expected an http:// or https:// URL, not localhost:'],
    ['/relative', 'expected an absolute http:// or https:// URL'],
  ])('url %s is refused: %s', (url, message) => {
    const result = httpUrl.safeParse(url);
    expect(result.error?.issues.map((i) => i.message)).toEqual([message]);
  });

  const range = 'timeout must be between 0.01 and 86400 seconds (1 day)';
  it.each([3_000_000, 1e10, 1e-9, 0.0015, 0, -1])('timeout %d is refused', (value) => {
    expect(
      timeoutSeconds(10)
        .safeParse(value)
        .error?.issues.map((i) => i.message),
    ).toEqual([range]);
  });

  it.each([0.01, 0.5, 30, 86_400])('timeout %d is accepted', (value) => {
    expect(timeoutSeconds(10).parse(value)).toBe(value);
  });

  it('the Prometheus backend and both HTTP exporters use them', async () => {
    const cases = [
      [
        (await builtinBackendFor('prometheus'))!.configSchema,
        { url: 'file:///x' },
        { url: 'http://h', timeout: 1e10 },
      ],
      [
        (await builtinExporterFor('prometheus'))!.configSchema,
        { url: 'ftp://x' },
        { url: 'http://h', timeout: 0.0015 },
      ],
      [
        (await builtinExporterFor('cloudevent'))!.configSchema,
        { service_url: 'javascript:x' },
        { service_url: 'http://h', timeout: 1e-9 },
      ],
    ] as const;
    for (const [schema, badUrl, badTimeout] of cases) {
      expect(schema.safeParse(badUrl).error?.issues[0]?.message).toMatch(
        /^expected an http:\/\/ or https:\/\/ URL, not /,
      );
      expect(schema.safeParse(badTimeout).error?.issues[0]?.message).toBe(range);
    }
  });
});
