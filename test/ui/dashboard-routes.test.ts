import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_CSP, dashboardRoutes } from '../../src/server/dashboard-routes.js';
import { tempDir } from '../helpers/tmp.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with the path sent byte for byte (no URL normalisation, so `..` reaches the server). */
function get(
  base: string,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Answer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

async function serve(
  register: (app: FastifyInstance) => Promise<void>,
): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({ logger: false });
  await register(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return { app, url: `http://127.0.0.1:${address.port}` };
}

describe('dashboardRoutes with the shipped ui', () => {
  let app: FastifyInstance;
  let url: string;
  const indexHtml = readFileSync(new URL('../../src/ui/index.html', import.meta.url), 'utf8');

  beforeAll(async () => {
    ({ app, url } = await serve(async (a) => {
      await a.register(dashboardRoutes);
    }));
  });
  afterAll(() => app.close());

  it.each(['/', '/slos/checkout-availability', '/slos/a%2Fb%20c', '/events'])(
    'serves the page at %s as HTML with the CSP and no-cache',
    async (path) => {
      const answer = await get(url, path);
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(answer.headers['content-security-policy']).toBe(DASHBOARD_CSP);
      expect(answer.headers['cache-control']).toBe('no-cache');
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.body).toBe(indexHtml);
    },
  );

  it.each([
    ['/assets/app.js', 'text/javascript; charset=utf-8', '../../src/ui/app.js'],
    ['/assets/pages/slo.js', 'text/javascript; charset=utf-8', '../../src/ui/pages/slo.js'],
    ['/assets/styles.css', 'text/css; charset=utf-8', '../../src/ui/styles.css'],
    ['/assets/favicon.svg', 'image/svg+xml', '../../src/ui/favicon.svg'],
  ])('serves %s as %s', async (path, type, file) => {
    const answer = await get(url, path);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe(type);
    expect(answer.body).toBe(readFileSync(new URL(file, import.meta.url), 'utf8'));
  });

  it.each([
    ['/assets/vendor/uPlot.esm.js', 'text/javascript; charset=utf-8', 'uplot/dist/uPlot.esm.js'],
    ['/assets/vendor/uPlot.min.css', 'text/css; charset=utf-8', 'uplot/dist/uPlot.min.css'],
  ])('serves uPlot from the installed package: %s', async (path, type, module) => {
    const answer = await get(url, path);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe(type);
    expect(answer.body).toBe(readFileSync(createRequire(import.meta.url).resolve(module), 'utf8'));
  });

  it('answers a matching If-None-Match with 304 and no body, a stale one with the file', async () => {
    const first = await get(url, '/assets/app.js');
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    const again = await get(url, '/assets/app.js', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    const stale = await get(url, '/assets/app.js', { 'if-none-match': '"old"' });
    expect(stale.status).toBe(200);
    expect(stale.body).toBe(first.body);
  });

  it('answers HEAD with the headers of GET', async () => {
    const answer = await get(url, '/assets/styles.css', {}, 'HEAD');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(answer.body).toBe('');
  });

  it.each([
    '/assets/../package.json',
    '/assets/../../package.json',
    '/assets/..%2f..%2fpackage.json',
    '/assets/%2e%2e/%2e%2e/package.json',
    '/assets/vendor/../../server/dashboard-routes.ts',
    '/assets/vendor/../../../../package.json',
    '/assets//etc/passwd',
    '/assets/%2fetc%2fpasswd',
    '/assets/vendor/package.json',
    '/assets/index.html',
    '/assets/',
    '/assets/__proto__',
  ])('refuses %s with a JSON 404 (no path outside the served files)', async (path) => {
    const answer = await get(url, path);
    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body).error).toMatch(/^no dashboard asset /);
  });
});

describe('dashboardRoutes with another ui folder', () => {
  it('serves the files of known types below it and nothing else', async () => {
    const dir = tempDir();
    try {
      dir.write('index.html', '<!doctype html><title>t</title>');
      dir.write('sub/deep.css', 'p{}');
      dir.write('notes.txt', 'secret notes');
      dir.write('app.ts', 'export {}');
      const { app, url } = await serve(async (a) => {
        await a.register(dashboardRoutes, { uiDir: dir.root });
      });
      try {
        expect((await get(url, '/')).body).toBe('<!doctype html><title>t</title>');
        const deep = await get(url, '/assets/sub/deep.css');
        expect([deep.status, deep.body]).toEqual([200, 'p{}']);
        expect((await get(url, '/assets/notes.txt')).status).toBe(404);
        expect((await get(url, '/assets/app.ts')).status).toBe(404);
      } finally {
        await app.close();
      }
    } finally {
      dir.cleanup();
    }
  });

  it('refuses to register without an index.html, naming the file', async () => {
    const dir = tempDir();
    try {
      dir.write('app.js', '');
      const app = Fastify({ logger: false });
      await expect(app.register(dashboardRoutes, { uiDir: dir.root }).ready()).rejects.toThrow(
        `dashboard: ${dir.root}/index.html is missing`,
      );
      await app.close();
    } finally {
      dir.cleanup();
    }
  });
});
