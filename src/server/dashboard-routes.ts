/**
 * The dashboard's HTTP routes (a fastify plugin): the single page `index.html` at `/`, `/slos/:name` and
 * `/events` (the page's script routes on `location.pathname`), and its static files under `/assets/`:
 * `src/ui/**` (copied to `dist/ui/` by `npm run build`) plus uPlot's ESM build and stylesheet from the
 * installed `uplot` package under `/assets/vendor/`. No CDN, no build step at run time.
 *
 * - Path traversal is impossible by construction: every file is read once at registration into a map keyed
 *   by its path below `/assets/`; a request is a lookup in that map, never a file-system path.
 * - Caching: every answer carries a strong ETag (SHA-256 of the bytes) and `Cache-Control: no-cache`, so a
 *   browser revalidates each load (a 304 without a body) and never runs a stale script after an upgrade;
 *   asset URLs carry no version to make longer lifetimes safe.
 * - The page is served with a Content-Security-Policy that allows only same-origin scripts, styles and
 *   requests: SLO names and labels are untrusted and the page inserts them as text, the policy is the
 *   second line of defence.
 */

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Content types of the files the dashboard serves, by extension. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
};

/** The policy of the page: same-origin only; `data:` images for uPlot's legend markers. */
export const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/** One file held in memory. */
interface Asset {
  body: Buffer;
  contentType: string;
  etag: string;
}

/** Options of `dashboardRoutes`. */
export interface DashboardRoutesOptions {
  /** Folder of the dashboard files; default `../ui/` beside this module (`src/ui` or `dist/ui`). */
  uiDir?: string;
}

function toAsset(file: string): Asset | undefined {
  const contentType = CONTENT_TYPES[extname(file)];
  if (contentType === undefined) return undefined;
  const body = readFileSync(file);
  return { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url')}"` };
}

/** Every servable file below `dir`, by its `/`-separated path relative to `dir`. */
function readAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const path of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const file = join(dir, path);
    if (!statSync(file).isFile()) continue;
    const asset = toAsset(file);
    if (asset) assets.set(path.split(sep).join('/'), asset);
  }
  return assets;
}

/** uPlot's browser files from the installed package (a runtime dependency of slokit). */
function readVendorAssets(): Map<string, Asset> {
  const require = createRequire(import.meta.url);
  const dist = join(require.resolve('uplot/package.json'), '..', 'dist');
  const vendor = new Map<string, Asset>();
  for (const name of ['uPlot.esm.js', 'uPlot.min.css']) {
    const asset = toAsset(join(dist, name));
    if (asset) vendor.set(`vendor/${name}`, asset);
  }
  return vendor;
}

function send(request: FastifyRequest, reply: FastifyReply, asset: Asset): FastifyReply {
  reply
    .header('content-type', asset.contentType)
    .header('cache-control', 'no-cache')
    .header('etag', asset.etag)
    .header('x-content-type-options', 'nosniff');
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  return reply.send(asset.body);
}

/**
 * Registers `GET /`, `GET /slos/:name`, `GET /events` (the dashboard page) and `GET /assets/*` (its files;
 * 404 `{"error"}` for anything else). HEAD is answered too (fastify's default). Reads the files once, at
 * registration; throws (an fs error) when the ui folder or the `uplot` package is missing.
 */
export async function dashboardRoutes(
  app: FastifyInstance,
  options: DashboardRoutesOptions = {},
): Promise<void> {
  const uiDir = options.uiDir ?? fileURLToPath(new URL('../ui/', import.meta.url));
  const files = readAssets(uiDir);
  const page = files.get('index.html');
  if (!page) throw new Error(`dashboard: ${join(uiDir, 'index.html')} is missing`);
  files.delete('index.html');
  for (const [key, asset] of readVendorAssets()) files.set(key, asset);

  const sendPage = (request: FastifyRequest, reply: FastifyReply) =>
    send(request, reply.header('content-security-policy', DASHBOARD_CSP), page);
  app.get('/', sendPage);
  app.get('/slos/:name', sendPage);
  app.get('/events', sendPage);
  app.get('/assets/*', (request, reply) => {
    const key = (request.params as { '*': string })['*'];
    const asset = files.get(key);
    if (!asset) return reply.code(404).send({ error: `no dashboard asset ${JSON.stringify(key)}` });
    return send(request, reply, asset);
  });
}
