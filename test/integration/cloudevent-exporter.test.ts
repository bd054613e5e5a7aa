/**
 * The cloudevent exporter against a real HTTP receiver that decodes requests with the CloudEvents SDK.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CloudEventV1, HTTP } from 'cloudevents';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sharedConfigSchema } from '../../src/config/shared-config-schema.js';
import { buildReport } from '../../src/domain/report.js';
import type { SloConfig, ValidReport } from '../../src/domain/types.js';
import { exportResults } from '../../src/engine/export.js';
import { cloudeventExporter, eventId } from '../../src/exporters/cloudevent.js';
import { ONE_HOUR_STEP } from '../helpers/fixtures.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  event?: CloudEventV1<unknown>;
  valid?: boolean;
  decodeError?: string;
}

const TOKEN = 'tok-3f9a-very-secret';
const PASSWORD = 'pa55-w0rd-secret';

let server: Server;
let base: string;
const received: Received[] = [];

/** Routes: /ok → 202, /fail → 500 echoing the Authorization header, /moved → 302, /slow → never answers. */
function startReceiver(): Promise<void> {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      const entry: Received = { path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(entry);
      try {
        const event = HTTP.toEvent({ headers: req.headers, body: entry.body }) as CloudEventV1<unknown>;
        entry.event = event;
        entry.valid = (event as unknown as { validate(): boolean }).validate();
      } catch (error) {
        entry.decodeError = String(error);
      }
      if (path.startsWith('/ok')) {
        res.writeHead(202, { 'content-type': 'text/plain' }).end('accepted');
      } else if (path.startsWith('/fail')) {
        res
          .writeHead(500, { 'content-type': 'text/plain' })
          .end(`  database\n   on fire; you sent ${req.headers.authorization ?? 'nothing'}  `);
      } else if (path.startsWith('/moved')) {
        res.writeHead(302, { location: '/ok/elsewhere?sig=abc' }).end();
      } else if (path.startsWith('/slow')) {
        // Never answers; the exporter's timeout must fire.
      } else {
        res.writeHead(404).end('no route');
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve();
    });
  });
}

const TS = 1_702_660_513.987654;

function slo(exporters: string[] = []): SloConfig {
  return {
    apiVersion: 'sre.google.com/v2',
    kind: 'ServiceLevelObjective',
    metadata: {
      name: 'svc-feat-availability',
      labels: { service_name: 'svc', feature_name: 'feat', slo_name: 'availability' },
    },
    spec: {
      description: 'Availability of feat',
      backend: 'prometheus',
      method: 'good_bad_ratio',
      exporters,
      service_level_indicator: {},
      goal: 0.99,
    },
  };
}

function report(config = slo()): ValidReport {
  const built = buildReport({ slo: config, step: ONE_HOUR_STEP, timestamp: TS, result: [3556, 3556] });
  if (!built.valid) throw new Error(built.errors.join('; '));
  return built;
}

const exportWith = async (config: Record<string, unknown>, r: ValidReport = report()) =>
  cloudeventExporter.create(config, { pluginDirs: [] }).export({ ...r }, { ...config, name: 'cloudevent' });

beforeAll(startReceiver);
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received.length = 0;
});

describe('cloudevent exporter → real receiver', () => {
  it('structured mode (default): a valid CloudEvent 1.0 whose data is the v2 report', async () => {
    const r = report();
    await exportWith({ service_url: `${base}/ok/structured` }, r);
    expect(received).toHaveLength(1);
    const [got] = received;
    expect(got!.decodeError).toBeUndefined();
    expect(got!.headers['content-type']).toMatch(/^application\/cloudevents\+json/);
    expect(got!.headers['ce-id']).toBeUndefined();
    expect(got!.valid).toBe(true);
    const event = got!.event!;
    expect(event.specversion).toBe('1.0');
    expect(event.type).toBe('com.google.slo_generator.slo_report');
    expect(event.source).toBe('slokit');
    expect(event.subject).toBe('svc-feat-availability');
    expect(event.id).toBe(eventId('svc-feat-availability', '1 hour', 1_702_660_513));
    expect(event.id).toMatch(/^[0-9a-f]{32}$/);
    expect(event.time).toBe('2023-12-15T17:15:13.000Z');
    expect(event.data).toEqual(r);
    // Key order of slo-generator's report is kept in the body.
    const body = JSON.parse(got!.body) as { data: Record<string, unknown> };
    expect(Object.keys(body.data)).toEqual(Object.keys(r));
  });

  it('binary mode: ce-* headers and the report as the JSON body', async () => {
    const r = report();
    await exportWith(
      {
        url: `${base}/ok/binary`,
        mode: 'binary',
        type: 'dev.slokit.report',
        source: 'https://slokit.example/prod',
        headers: { 'X-Team': 'sre' },
      },
      r,
    );
    const [got] = received;
    expect(got!.headers['ce-specversion']).toBe('1.0');
    expect(got!.headers['ce-type']).toBe('dev.slokit.report');
    expect(got!.headers['ce-source']).toBe('https://slokit.example/prod');
    expect(got!.headers['ce-subject']).toBe('svc-feat-availability');
    expect(got!.headers['content-type']).toMatch(/^application\/json/);
    expect(got!.headers['x-team']).toBe('sre');
    expect(JSON.parse(got!.body)).toEqual(r);
    expect(got!.valid).toBe(true);
    expect(got!.event!.id).toBe(eventId('svc-feat-availability', '1 hour', 1_702_660_513));
    expect(got!.event!.time).toBe('2023-12-15T17:15:13.000Z');
    expect(got!.event!.data).toEqual(r);
  });

  it('the id is the same for every delivery of one report and differs between reports', async () => {
    const r = report();
    await exportWith({ service_url: `${base}/ok/a` }, r);
    await exportWith({ service_url: `${base}/ok/a`, mode: 'binary' }, r);
    await exportWith({ service_url: `${base}/ok/a` }, { ...r, error_budget_policy_step_name: '12 hours' });
    await exportWith({ service_url: `${base}/ok/a` }, { ...r, timestamp: r.timestamp + 60 });
    const ids = received.map((x) => x.event!.id);
    expect(ids[0]).toBe(ids[1]);
    expect(new Set(ids).size).toBe(3);
  });

  it('sends Bearer and Basic auth headers', async () => {
    await exportWith({ service_url: `${base}/ok/bearer`, auth: { token: TOKEN } });
    await exportWith({ service_url: `${base}/ok/basic`, auth: { username: 'slo', password: PASSWORD } });
    await exportWith({ service_url: `${base}/ok/none`, auth: { google_service_account_auth: false } });
    expect(received.map((x) => x.headers.authorization)).toEqual([
      `Bearer ${TOKEN}`,
      `Basic ${Buffer.from(`slo:${PASSWORD}`).toString('base64')}`,
      undefined,
    ]);
  });

  it('a 500 is retried by the export runner, then recorded in report.errors without the secret', async () => {
    const shared = sharedConfigSchema.parse({
      exporters: {
        'cloudevent/bearer': { service_url: `${base}/fail/bearer?api_key=q5-secret`, auth: { token: TOKEN } },
        'cloudevent/basic': {
          service_url: `${base}/fail/basic`,
          auth: { username: 'slo', password: PASSWORD },
        },
      },
      error_budget_policies: { default: { steps: [ONE_HOUR_STEP] } },
    });
    const config = slo(['cloudevent/bearer', 'cloudevent/basic']);
    const r = report(config);
    const summary = await exportResults(
      [{ slo: config, reports: [r] }],
      shared,
      { pluginDirs: [] },
      {
        attempts: 3,
        backoffMs: 5,
      },
    );

    expect(summary).toMatchObject({ exported: 0, failed: 2, retries: 4, skipped: 0 });
    const bearer = received.filter((x) => x.path.startsWith('/fail/bearer'));
    const basic = received.filter((x) => x.path.startsWith('/fail/basic'));
    expect(bearer).toHaveLength(3);
    expect(basic).toHaveLength(3);
    expect(new Set(bearer.map((x) => x.event!.id)).size).toBe(1); // retries carry the same id

    expect(r.valid).toBe(true);
    expect(r.errors).toHaveLength(2);
    const [bearerError, basicError] = r.errors as [string, string];
    expect(bearerError).toBe(
      `CloudeventExporter "cloudevent/bearer" failed. | CloudEventDeliveryError: POST ${base}/fail/bearer?api_key=*** failed: HTTP 500 Internal Server Error: database on fire; you sent Bearer ***`,
    );
    expect(basicError).toMatch(
      /^CloudeventExporter "cloudevent\/basic" failed\. \| CloudEventDeliveryError: POST .*\/fail\/basic failed: HTTP 500 Internal Server Error: database on fire; you sent Basic \*\*\*$/,
    );
    const credentials = Buffer.from(`slo:${PASSWORD}`).toString('base64');
    for (const error of r.errors) {
      for (const secret of [TOKEN, PASSWORD, credentials, 'q5-secret']) expect(error).not.toContain(secret);
    }
  });

  it('a 3xx answer is an error and the redirect is not followed', async () => {
    const error = await exportWith({ service_url: `${base}/moved`, auth: { token: TOKEN } }).then(
      () => undefined,
      (e: unknown) => e as Error & { status?: number },
    );
    expect(error).toBeInstanceOf(Error);
    expect(error!.name).toBe('CloudEventDeliveryError');
    expect(error!.status).toBe(302);
    expect(error!.message).toBe(
      `POST ${base}/moved failed: HTTP 302 Found (redirect to ${base}/ok/elsewhere?sig=***, not followed)`,
    );
    expect(received.map((x) => x.path)).toEqual(['/moved']);
  });

  it('times out on a receiver that never answers', async () => {
    await expect(exportWith({ service_url: `${base}/slow`, timeout: 0.2 })).rejects.toThrow(
      `POST ${base}/slow timed out after 0.2 s`,
    );
  });

  it('names the cause when the receiver is unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(exportWith({ service_url: `http://127.0.0.1:${port}/x` })).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('cloudevent exporter config', () => {
  const parse = (config: unknown) => cloudeventExporter.configSchema.safeParse(config);
  const messages = (config: unknown) =>
    parse(config).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);

  it('applies slo-generator defaults', () => {
    expect(cloudeventExporter.configSchema.parse({ service_url: 'https://events.example/ingest' })).toEqual({
      service_url: 'https://events.example/ingest',
      mode: 'structured',
      type: 'com.google.slo_generator.slo_report',
      source: 'slokit',
      timeout: 10,
    });
  });

  it('rejects what it cannot honour', () => {
    expect(messages({})).toEqual(['service_url: `service_url` (or `url`) is required']);
    expect(messages({ service_url: 'ftp://x.example' })![0]).toMatch(/^service_url: expected an http/);
    expect(messages({ url: 'http://a.example', mode: 'batch' })![0]).toMatch(/^mode: /);
    expect(messages({ url: 'http://a.example', auth: { google_service_account_auth: true } })![0]).toMatch(
      /^auth.google_service_account_auth: Google service account auth is not supported/,
    );
    expect(messages({ url: 'http://a.example', auth: { username: 'u' } })).toEqual([
      'auth.password: `username` and `password` go together (Basic auth)',
    ]);
    expect(messages({ url: 'http://a.example', auth: { token: 't', username: 'u', password: 'p' } })).toEqual(
      ['auth.token: use either `token` (Bearer) or `username`/`password` (Basic), not both'],
    );
    expect(parse({ url: 'http://a.example', timeot: 3 }).success).toBe(false);
    expect(messages({ url: 'http://a.example', headers: { 'X-A': 'a\r\nInjected: 1' } })).toEqual([
      'headers.X-A: HTTP header values cannot contain line breaks or NUL',
    ]);
    expect(parse({ url: 'http://a.example', headers: { 'bad name': 'x' } }).success).toBe(false);
  });
});
