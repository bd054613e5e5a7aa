/**
 * The `prometheus` exporter against a real Pushgateway (Debian prometheus-pushgateway): what it stores,
 * replacement and deletion semantics, grouping-key encoding, HTTP details, errors and retries.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sharedConfigSchema } from '../../src/config/shared-config-schema.js';
import { exportResults } from '../../src/engine/export.js';
import { PushgatewayExporter } from '../../src/exporters/pushgateway.js';
import { createExporter } from '../../src/exporters/registry.js';
import { formatValue, PROMETHEUS_TEXT_CONTENT_TYPE } from '../../src/lang/prometheus-text.js';
import {
  freePort,
  type ParsedSample,
  type Pushgateway,
  policyStep,
  type RecordingProxy,
  sloConfig,
  startProxy,
  startPushgateway,
  v1Report,
  v2Report,
} from '../helpers/pushgateway.js';

const DEFAULT_NAMES = [
  'error_budget_burn_rate',
  'alerting_burn_rate_threshold',
  'events_count',
  'sli_measurement',
  'slo_target',
];
const LABELS = { service_name: 'svc', feature_name: 'feat', slo_name: 'slo', env: 'prod' };

let pgw: Pushgateway;
const proxies: RecordingProxy[] = [];

beforeAll(async () => {
  pgw = await startPushgateway();
});
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await pgw?.stop();
});

async function proxy(target?: string, respond?: Parameters<typeof startProxy>[1]): Promise<RecordingProxy> {
  const p = await startProxy(target, respond);
  proxies.push(p);
  return p;
}

/** Samples stored for one SLO (all steps), without the gateway's own push_*_seconds. */
async function stored(slo: string, job = 'slo-generator'): Promise<ParsedSample[]> {
  return (await pgw.samples()).filter(
    (s) => s.labels.slo === slo && s.labels.job === job && !s.name.startsWith('push_'),
  );
}

/**
 * Exports one valid 1h report (3556 good, 3556 bad) of a new SLO `name` through `exportResults` (3 attempts,
 * 5 ms backoff) to the `prometheus` exporter configured by `exporter`.
 */
async function exportWithRetries(name: string, exporter: Record<string, unknown>) {
  const slo = sloConfig(name, LABELS, ['prometheus']);
  const shared = sharedConfigSchema.parse({
    error_budget_policies: { default: { steps: [policyStep('1h')] } },
    exporters: { prometheus: exporter },
  });
  const report = v2Report(slo, policyStep('1h'), [3556, 3556]);
  const summary = await exportResults(
    [{ slo, reports: [report] }],
    shared,
    { pluginDirs: [] },
    { attempts: 3, backoffMs: 5 },
  );
  return { report, summary };
}

const table = (samples: ParsedSample[]) =>
  samples.map((s) => `${s.name} ${JSON.stringify(Object.entries(s.labels).sort())} ${s.raw}`).sort();

describe('pushgateway exporter against a real Pushgateway', () => {
  it('pushes one request per report; the gateway stores the exact series', async () => {
    const recorder = await proxy(pgw.url);
    const exporter = new PushgatewayExporter({ url: recorder.url });
    const slo = sloConfig('exact-slo', LABELS);
    await exporter.export(v1Report(slo, policyStep('1h', 3600, 3), [3556, 3556]), { name: 'prometheus' });

    expect(recorder.requests).toHaveLength(1);
    const [push] = recorder.requests;
    expect(push!.method).toBe('PUT');
    expect(push!.url).toBe('/metrics/job/slo-generator/slo/exact-slo/error_budget_policy_step_name/1h');
    expect(push!.headers['content-type']).toBe(PROMETHEUS_TEXT_CONTENT_TYPE);
    expect(push!.headers.authorization).toBeUndefined();
    // No timestamps, no grouping labels in the body, one HELP/TYPE per family.
    const sampleLines = push!.body.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(sampleLines).toHaveLength(5);
    for (const line of sampleLines) {
      expect(line).toMatch(/^[a-z_]+\{[^}]*\} \S+$/);
      expect(line).not.toMatch(/error_budget_policy_step_name=|slo=|job=/);
    }
    expect(push!.body.match(/^# TYPE /gm)).toHaveLength(5);

    const group = {
      error_budget_policy_step_name: '1h',
      instance: '',
      job: 'slo-generator',
      slo: 'exact-slo',
    };
    const series = { ...group, env: 'prod', feature_name: 'feat', service_name: 'svc', slo_name: 'slo' };
    expect(table(await stored('exact-slo'))).toEqual(
      table([
        { name: 'error_budget_burn_rate', labels: series, raw: '5', value: 5 },
        { name: 'alerting_burn_rate_threshold', labels: series, raw: '3', value: 3 },
        { name: 'events_count', labels: series, raw: '7112', value: 7112 },
        { name: 'sli_measurement', labels: series, raw: '0.5', value: 0.5 },
        { name: 'slo_target', labels: series, raw: '0.9', value: 0.9 },
      ]),
    );
    const pushTime = (await pgw.samples(['push_time_seconds'])).find((s) => s.labels.slo === 'exact-slo');
    expect(pushTime?.labels).toEqual(group);
    expect(pushTime!.value).toBeGreaterThan(Date.now() / 1000 - 60);
  });

  it('a second push of the same SLO and step replaces the values; other steps are kept', async () => {
    const exporter = new PushgatewayExporter({ url: pgw.url });
    const slo = sloConfig('replace-slo', LABELS);
    await exporter.export(v1Report(slo, policyStep('1h', 3600, 3), [3556, 3556]));
    await exporter.export(v1Report(slo, policyStep('6h', 21600, 2), [90, 10]));
    await exporter.export(v1Report(slo, policyStep('1h', 3600, 3), [99, 1]));

    const samples = await stored('replace-slo');
    expect(samples).toHaveLength(10);
    const value = (name: string, step: string) =>
      samples.find((s) => s.name === name && s.labels.error_budget_policy_step_name === step)?.raw;
    expect([
      value('error_budget_burn_rate', '1h'),
      value('sli_measurement', '1h'),
      value('events_count', '1h'),
    ]).toEqual(['0.1', '0.99', '100']);
    expect([value('error_budget_burn_rate', '6h'), value('alerting_burn_rate_threshold', '6h')]).toEqual([
      '1',
      '2',
    ]);
  });

  it('PUT replaces the whole group, POST only the metric names it pushes', async () => {
    const url = pgw.url;
    const report = v1Report(sloConfig('method-slo', LABELS), policyStep('1h'), [3556, 3556]);
    const wide = { metrics: ['error_budget_burn_rate', 'slo_target'] };
    const narrow = { metrics: ['sli_measurement'] };
    const names = async () => (await stored('method-slo')).map((s) => s.name).sort();

    await new PushgatewayExporter({ url, ...wide }).export(report);
    await new PushgatewayExporter({ url, ...narrow }).export(report);
    expect(await names()).toEqual(['sli_measurement']);

    const recorder = await proxy(pgw.url);
    await new PushgatewayExporter({ url: recorder.url, method: 'POST', ...wide }).export(report);
    await new PushgatewayExporter({ url: recorder.url, method: 'POST', ...narrow }).export(report);
    expect(recorder.requests.map((r) => r.method)).toEqual(['POST', 'POST']);
    expect(await names()).toEqual(['error_budget_burn_rate', 'sli_measurement', 'slo_target']);
  });

  it('delete removes the group (DELETE, 202) and nothing else', async () => {
    const recorder = await proxy(pgw.url);
    const exporter = new PushgatewayExporter({ url: recorder.url });
    const slo = sloConfig('delete-slo', LABELS);
    await exporter.export(v1Report(slo, policyStep('1h'), [1, 1]));
    await exporter.export(v1Report(slo, policyStep('6h'), [1, 1]));
    expect(await stored('delete-slo')).toHaveLength(10);

    await exporter.delete(v1Report(slo, policyStep('1h'), [1, 1]));
    const del = recorder.requests.at(-1)!;
    expect([del.method, del.url, del.body]).toEqual([
      'DELETE',
      '/metrics/job/slo-generator/slo/delete-slo/error_budget_policy_step_name/1h',
      '',
    ]);
    // The gateway answers 202 and deletes asynchronously: wait (bounded) for the group to go.
    await vi.waitFor(
      async () => {
        const left = await stored('delete-slo');
        expect(new Set(left.map((s) => s.labels.error_budget_policy_step_name))).toEqual(new Set(['6h']));
      },
      { timeout: 5000, interval: 50 },
    );
    expect(
      (await pgw.samples(['push_time_seconds'])).some(
        (s) => s.labels.slo === 'delete-slo' && s.labels.error_budget_policy_step_name === '1h',
      ),
    ).toBe(false);

    // Deleting through exportResults (compute --delete) uses the v1 report of an invalid report too.
    const shared = sharedConfigSchema.parse({
      error_budget_policies: { default: { steps: [policyStep('6h')] } },
      exporters: { prometheus: { url: pgw.url } },
    });
    const invalid = v2Report(sloConfig('delete-slo', LABELS, ['prometheus']), policyStep('6h'), [0, 0]);
    expect(invalid.valid).toBe(false);
    const summary = await exportResults(
      [{ slo: sloConfig('delete-slo', LABELS, ['prometheus']), reports: [invalid] }],
      shared,
      { pluginDirs: [] },
      { delete: true },
    );
    expect(summary).toMatchObject({ exported: 1, failed: 0, retries: 0, skipped: 0 });
    await vi.waitFor(async () => expect(await stored('delete-slo')).toEqual([]), {
      timeout: 5000,
      interval: 50,
    });
  });

  it('grouping values with "/", empty values and other specials survive (base64 / percent-encoding)', async () => {
    const recorder = await proxy(pgw.url);
    const exporter = new PushgatewayExporter({ url: recorder.url, job: 'batch/slo' });
    const names = ['team/a/b', 'a b%c?d#e&f=g Προμηθεύς', '..'];
    for (const name of names)
      await exporter.export(v1Report(sloConfig(name, { path: '/var/tmp' }), policyStep('1h'), [1, 1]));
    await exporter.export(v1Report(sloConfig('empty-step'), policyStep(''), [1, 1]));

    expect(recorder.requests.map((r) => r.url)).toEqual([
      '/metrics/job@base64/YmF0Y2gvc2xv/slo@base64/dGVhbS9hL2I/error_budget_policy_step_name/1h',
      `/metrics/job@base64/YmF0Y2gvc2xv/slo/${encodeURIComponent('a b%c?d#e&f=g Προμηθεύς')}/error_budget_policy_step_name/1h`,
      '/metrics/job@base64/YmF0Y2gvc2xv/slo@base64/Li4/error_budget_policy_step_name/1h',
      '/metrics/job@base64/YmF0Y2gvc2xv/slo/empty-step/error_budget_policy_step_name@base64/=',
    ]);
    expect(recorder.requests.every((r) => r.method === 'PUT')).toBe(true);
    for (const name of names) {
      const samples = await stored(name, 'batch/slo');
      expect(samples.map((s) => s.name).sort()).toEqual([...DEFAULT_NAMES].sort());
      expect(samples[0]!.labels).toMatchObject({ slo: name, job: 'batch/slo', path: '/var/tmp' });
    }
    const empty = await stored('empty-step', 'batch/slo');
    expect(empty).toHaveLength(5);
    expect(empty[0]!.labels.error_budget_policy_step_name ?? '').toBe('');
  });

  it('sends basic auth, bearer tokens and custom headers; URL credentials become basic auth', async () => {
    const recorder = await proxy(pgw.url);
    const report = v1Report(sloConfig('auth-slo'), policyStep('1h'), [1, 1]);
    await new PushgatewayExporter({ url: recorder.url, username: 'slo', password: 's3cr3t!' }).export(report);
    await new PushgatewayExporter({
      url: recorder.url,
      bearer_token: 'tok-123',
      headers: { 'X-Org': '7' },
    }).export(report);
    const withCreds = recorder.url.replace('http://', 'http://u%40x:p%3Aw@');
    await new PushgatewayExporter({ url: `${withCreds}/` }).export(report);
    await new PushgatewayExporter({
      url: recorder.url,
      headers: { 'Content-Type': 'application/json', Authorization: 'Custom abc' },
    }).export(report);

    const headers = recorder.requests.map((r) => r.headers);
    expect(headers[0]!.authorization).toBe(`Basic ${Buffer.from('slo:s3cr3t!').toString('base64')}`);
    expect(headers[1]!.authorization).toBe('Bearer tok-123');
    expect(headers[1]!['x-org']).toBe('7');
    expect(headers[2]!.authorization).toBe(`Basic ${Buffer.from('u@x:p:w').toString('base64')}`);
    expect(recorder.requests[2]!.url).toBe(
      '/metrics/job/slo-generator/slo/auth-slo/error_budget_policy_step_name/1h',
    );
    expect(headers[3]!.authorization).toBe('Custom abc');
    expect(headers.every((h) => h['content-type'] === PROMETHEUS_TEXT_CONTENT_TYPE)).toBe(true);
    expect(await stored('auth-slo')).toHaveLength(5);
  });

  it('a base URL path and query string are kept: the group path goes after the path; tokens stay out of errors', async () => {
    const report = v1Report(sloConfig('prefixed-slo'), policyStep('1h'), [1, 1]);
    const recorder = await proxy(undefined, () => ({ status: 500, body: 'gateway says no' }));
    const error = await new PushgatewayExporter({
      url: `${recorder.url}/gw/?access_token=tok-s3cret&tenant=a`,
    })
      .export(report)
      .catch((e: Error) => e);
    expect(recorder.requests.map((r) => r.url)).toEqual([
      '/gw/metrics/job/slo-generator/slo/prefixed-slo/error_budget_policy_step_name/1h?access_token=tok-s3cret&tenant=a',
    ]);
    expect((error as Error).message).toBe(
      `PUT ${recorder.url}/gw/metrics/job/slo-generator/slo/prefixed-slo/error_budget_policy_step_name/1h?access_token=***&tenant=a failed: HTTP 500 Internal Server Error: gateway says no`,
    );
  });

  it('non-2xx answers (redirects included) become errors with the status and body', async () => {
    const report = v1Report(sloConfig('error-slo'), policyStep('1h'), [1, 1]);
    const moved = await proxy(undefined, () => ({
      status: 301,
      body: '<a href="/elsewhere">Moved Permanently</a>.\n\n',
      headers: { location: '/elsewhere' },
    }));
    await expect(new PushgatewayExporter({ url: moved.url }).export(report)).rejects.toThrow(
      /^PUT http:\/\/127\.0\.0\.1:\d+\/metrics\/job\/slo-generator\/slo\/error-slo\/error_budget_policy_step_name\/1h failed: HTTP 301 Moved Permanently \(redirect to http:\/\/127\.0\.0\.1:\d+\/elsewhere, not followed\): <a href="\/elsewhere">Moved Permanently<\/a>\.$/,
    );
    expect(moved.requests).toHaveLength(1);

    const broken = await proxy(undefined, () => ({ status: 500, body: '  boom\n' }));
    await expect(new PushgatewayExporter({ url: broken.url }).export(report)).rejects.toThrow(
      /failed: HTTP 500 Internal Server Error: boom$/,
    );
    await expect(new PushgatewayExporter({ url: `${pgw.url}/wrong/prefix` }).export(report)).rejects.toThrow(
      /HTTP 404 Not Found: 404 page not found$/,
    );
    // The gateway's own validation errors come through verbatim.
    const clash = new PushgatewayExporter({
      url: pgw.url,
      metrics: [{ name: 'slo_target', alias: 'process_cpu_seconds_total' }],
    });
    await expect(clash.export(report)).rejects.toThrow(
      /HTTP 400 Bad Request: pushed metrics are invalid or inconsistent with existing metrics: .*process_cpu_seconds_total has type GAUGE but should have COUNTER$/,
    );
    const silent = createServer(() => {}); // accepts the request, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentPort = (silent.address() as AddressInfo).port;
    await expect(
      new PushgatewayExporter({ url: `http://127.0.0.1:${silentPort}`, timeout: 0.2 }).export(report),
    ).rejects.toThrow(/^PUT http:\/\/127\.0\.0\.1:\d+\/metrics\/.* timed out after 0\.2 s$/);
    silent.closeAllConnections();
    silent.close();
    const closed = await freePort();
    await expect(
      new PushgatewayExporter({ url: `http://127.0.0.1:${closed}` }).export(report),
    ).rejects.toThrow(/could not be sent: .*ECONNREFUSED/);
    await expect(
      // @ts-expect-error a report without an SLO name, as a hand-built report in plugin code may be
      new PushgatewayExporter({ url: pgw.url }).delete({ error_budget_policy_step_name: '1h' }),
    ).rejects.toThrow('the report has no SLO name');
  });

  it('exportResults retries a failing push and then succeeds', async () => {
    const flaky = await proxy(pgw.url, (_req, i) => (i < 2 ? { status: 500, body: 'not yet' } : undefined));
    const { report, summary } = await exportWithRetries('retry-slo', {
      url: flaky.url,
      username: 'admin',
      password: 'hunter2-secret',
    });
    expect(summary).toMatchObject({ exported: 1, failed: 0, retries: 2, skipped: 0 });
    expect(flaky.requests).toHaveLength(3);
    expect(report.errors).toEqual([]);
    expect((await stored('retry-slo')).find((s) => s.name === 'error_budget_burn_rate')?.raw).toBe('5');
  });

  it('exportResults records a push that keeps failing in report.errors, without the password', async () => {
    const password = 'hunter2-secret';
    const token = Buffer.from(`admin:${password}`).toString('base64');
    // A hostile or chatty proxy that echoes the credentials back in its error body.
    const echo = await proxy(undefined, (req) => ({
      status: 500,
      body: `denied ${req.headers.authorization} (${Buffer.from(String(req.headers.authorization).slice(6), 'base64').toString()})`,
    }));
    const { report, summary } = await exportWithRetries('failing-slo', {
      url: echo.url,
      username: 'admin',
      password,
    });
    expect(summary).toMatchObject({ exported: 0, failed: 1, retries: 2, skipped: 0 });
    expect(echo.requests).toHaveLength(3);
    expect(report.errors).toHaveLength(1);
    const [error] = report.errors;
    expect(error).toMatch(
      /^PrometheusExporter "prometheus" failed\. \| PushgatewayError: PUT http:\/\/127\.0\.0\.1:\d+\/metrics\/job\/slo-generator\/slo\/failing-slo\/error_budget_policy_step_name\/1h failed: HTTP 500 Internal Server Error: denied Basic \*\*\* \(admin:\*\*\*\)$/,
    );
    expect(error).not.toContain(password);
    expect(error).not.toContain(token);
    expect(report.valid).toBe(true);
  });

  it('writes numbers exactly as client_golang re-exposes them (differential against the gateway)', async () => {
    const values = [
      0,
      1,
      -1,
      0.5,
      0.9,
      7112,
      0.1 + 0.2,
      123456,
      999999,
      1e6,
      1234567,
      -2.5e6,
      1702660513,
      2 ** 53,
      1e21,
      1e22,
      1.7976931348623157e308,
      0.001,
      1e-4,
      0.00012345,
      1e-5,
      1.5e-7,
      -3e-10,
      1e-100,
      5e-324,
      1 / 3,
      Math.PI * 1e10,
      4.468743327960138e16,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ];
    const body = `# TYPE fmt_check gauge\n${values.map((v, i) => `fmt_check{i="${i}"} ${formatValue(v)}\n`).join('')}`;
    const response = await fetch(`${pgw.url}/metrics/job/fmt-check`, {
      method: 'PUT',
      body,
      headers: { 'content-type': PROMETHEUS_TEXT_CONTENT_TYPE },
    });
    expect(response.status).toBe(200);
    const echoed = new Map((await pgw.samples(['fmt_check'])).map((s) => [Number(s.labels.i), s.raw]));
    expect(values.map((_, i) => echoed.get(i))).toEqual(values.map(formatValue));
  });

  it('is registered as `prometheus` (class name PrometheusExporter, v1 reports) with a checked config', async () => {
    const resolved = await createExporter('prometheus/prod', { url: pgw.url }, { pluginDirs: [] });
    expect(resolved.className).toBe('PrometheusExporter');
    expect(resolved.reportVersion).toBe(1);
    const bad: [Record<string, unknown>, RegExp][] = [
      [{}, /url/],
      [{ url: 'not a url' }, /url/i],
      [{ url: pgw.url, username: 'u' }, /`username` and `password` go together/],
      [{ url: pgw.url, username: 'u', password: 'p', bearer_token: 't' }, /not both/],
      [{ url: pgw.url, method: 'PATCH' }, /method/],
      [{ url: pgw.url, jobb: 'x' }, /jobb/],
      [{ url: pgw.url, metrics: [{ name: 'x', alias: 'y', extra: 1 }] }, /extra/],
    ];
    for (const [config, message] of bad) {
      await expect(createExporter('prometheus', config, { pluginDirs: [] })).rejects.toThrow(message);
    }
  });
});
