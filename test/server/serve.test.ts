/**
 * `slokit serve` over real HTTP (fastify on 127.0.0.1:0, in this process): the contract's API, bearer auth
 * of writes, /metrics (checked by the real `promtool`), probes, and reload (good and bad configs).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { promtoolProblems } from '../helpers/promtool.js';
import { sloFile, startServe } from './serve-fixtures.js';

type Server = Awaited<ReturnType<typeof startServe>>;
const TOKEN = 'token-0123456789';

interface Summary {
  name: string;
  status: string;
  service_name: string | null;
  goal: number;
  steps: {
    step: string;
    window: number;
    burn_rate_threshold: number;
    latest: Record<string, unknown> | null;
  }[];
}

const json = async (response: Response) => (await response.json()) as Record<string, unknown>;

describe('slokit serve API', () => {
  let server: Server;
  const get = (path: string, init?: RequestInit) => fetch(`${server.base}${path}`, init);
  const post = (path: string, body?: string, token?: string) =>
    fetch(`${server.base}${path}`, {
      method: 'POST',
      body,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  const slos = async () => (await json(await get('/api/slos'))).slos as Summary[];

  beforeAll(async () => {
    server = await startServe({
      slos: ['checkout', 'burning', 'alerting', 'failing'],
      extra: `server: { auth_token: ${TOKEN}, body_limit: 4KiB }\nschedule: { interval: 1h }\n`,
    });
    // The first run of every SLO starts at once.
    await vi.waitFor(async () => expect((await slos()).every((s) => s.status !== 'no_data')).toBe(true));
  }, 30_000);
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
  });

  it('prints the dashboard URL and logs "slokit serving" with the real port', () => {
    expect(server.stdout.join('')).toBe(`Dashboard: ${server.base}/\n`);
    expect(server.base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.base).not.toMatch(/:0$/);
  });

  it('lists every SLO sorted by name with its steps, latest report and status', async () => {
    const body = await json(await get('/api/slos'));
    expect(typeof body.generated_at).toBe('number');
    const list = body.slos as Summary[];
    expect(list.map((s) => [s.name, s.status])).toEqual([
      ['alerting', 'alerting'], // 50 % bad against a 0.1 % budget: burn rate 500 > 9
      ['burning', 'burning'], // 0.15 % bad: burn rate 1.5, above 1 and below both thresholds (9, 2)
      ['checkout', 'ok'], // 0.1 % bad: burn rate 1
      ['failing', 'invalid'], // its backend throws: its reports are invalid, the others are not
    ]);
    const checkout = list.find((s) => s.name === 'checkout')!;
    expect(checkout).toMatchObject({ service_name: 'shop', goal: 0.999 });
    expect(checkout.steps.map((s) => [s.step, s.window, s.burn_rate_threshold])).toEqual([
      ['1h', 3600, 9],
      ['1d', 86400, 2],
    ]);
    expect(checkout.steps[0]!.latest).toMatchObject({
      name: 'checkout',
      error_budget_policy_step_name: '1h',
      good_events_count: 999,
      bad_events_count: 1,
      sli_measurement: 0.999,
      valid: true,
    });
  });

  it('answers one SLO, and 404 with a JSON reason for an unknown one', async () => {
    expect(((await json(await get('/api/slos/checkout'))) as unknown as Summary).name).toBe('checkout');
    const missing = await get('/api/slos/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'no SLO named "nope"' });
  });

  it('gives stored reports by step and time range, oldest first', async () => {
    const all = (await json(await get('/api/slos/checkout/reports'))).reports as Record<string, unknown>[];
    expect(all.map((r) => r.error_budget_policy_step_name).sort()).toEqual(['1d', '1h']);
    const oneStep = (await json(await get('/api/slos/checkout/reports?step=1d'))).reports as unknown[];
    expect(oneStep).toHaveLength(1);
    const past = (await json(await get('/api/slos/checkout/reports?from=0&to=1000'))).reports as unknown[];
    expect(past).toEqual([]);
    const bad = await get('/api/slos/checkout/reports?from=yesterday');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: 'query parameter "from" must be Unix seconds, got "yesterday"',
    });
  });

  it('computes an SLO posted as YAML with the server config, without storing it', async () => {
    const response = await post('/api/compute', sloFile('adhoc', 0.99), TOKEN);
    expect(response.status).toBe(200);
    const reports = (await json(response)).reports as Record<string, unknown>[];
    expect(reports.map((r) => [r.name, r.error_budget_policy_step_name, r.sli_measurement])).toEqual([
      ['adhoc', '1h', 0.999],
      ['adhoc', '1d', 0.999],
    ]);
    expect((await get('/api/slos/adhoc')).status).toBe(404);
    const asJson = await post('/api/compute', JSON.stringify(parse(sloFile('adhoc', 0.99))), TOKEN);
    expect(((await json(asJson)).reports as unknown[]).length).toBe(2);
  });

  it('refuses a compute body that is not a valid SLO, naming line and field', async () => {
    const response = await post('/api/compute', sloFile('adhoc').replace('goal: 0.999', 'goal: high'), TOKEN);
    expect(response.status).toBe(400);
    const body = await json(response);
    expect(body.error).toBe('the body is not a valid SLO config');
    expect(body.issues).toEqual([expect.stringMatching(/^request body:9:\d+: spec\.goal: /)]);
  });

  it('needs the bearer token on writes only', async () => {
    for (const token of [undefined, 'wrong']) {
      const refused = await post('/api/reload', undefined, token);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
      expect(await refused.json()).toEqual({
        error: 'this endpoint needs Authorization: Bearer <token> (server.auth_token)',
      });
    }
    expect((await post('/api/compute', sloFile('x'))).status).toBe(401);
    expect((await get('/api/slos')).status).toBe(200);
  });

  it("keeps a failing SLO's invalid reports with the backend's error", async () => {
    const failing = (await json(await get('/api/slos/failing'))) as unknown as Summary;
    // slo-generator's invalid report: the backend's error, then what it means for the report.
    const errors = ['Error: backend down', 'Backend returned None.'];
    expect(failing.steps.map((s) => s.latest)).toEqual([
      expect.objectContaining({ valid: false, error_budget_policy_step_name: '1h', errors }),
      expect.objectContaining({ valid: false, error_budget_policy_step_name: '1d', errors }),
    ]);
  });

  it('refuses a body above server.body_limit with 413 and a JSON reason', async () => {
    const response = await post('/api/compute', `# ${'x'.repeat(5000)}\n${sloFile('big')}`, TOKEN);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: 'request body larger than the limit of 4096 bytes' });
  });

  it('answers probes', async () => {
    const health = await get('/healthz');
    expect([health.status, await health.text()]).toEqual([200, 'ok']);
    const ready = await get('/readyz');
    expect([ready.status, await ready.text()]).toEqual([200, 'ok']);
  });

  it('answers unknown routes with 404 JSON, counted as unmatched', async () => {
    const response = await post('/api/nothing', '{}', TOKEN);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'no route POST /api/nothing' });
    const text = await (await get('/metrics')).text();
    expect(text).toMatch(/^http_requests_total\{method="POST",route="unmatched",status_code="404"\} [1-9]/m);
  });

  it('refuses events with 503 and the reason when slokit.yaml has no events: section', async () => {
    const response = await post('/api/events', '{}', TOKEN);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      error: 'not accepting events: slokit.yaml has no "events:" section',
    });
    expect((await get('/api/events/rules')).status).toBe(404);
  });

  it('serves /metrics as text 0.0.4 that promtool accepts, with its own, scheduler and report metrics', async () => {
    await get('/api/slos/checkout');
    const response = await get('/metrics');
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    expect(promtoolProblems(text)).toEqual([]);
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(text).toMatch(
      /^http_requests_total\{method="GET",route="\/api\/slos\/:name",status_code="200"\} [1-9]/m,
    );
    expect(text).toMatch(
      /^http_request_duration_seconds_count\{method="GET",route="\/api\/slos\/:name"\} [1-9]/m,
    );
    expect(text).toMatch(/^slokit_scheduler_runs_total\{interval="1h"\} [1-9]/m);
    expect(text).toContain('slokit_scheduler_run_failures_total{interval="1h"} 0');
    expect(text).toContain('slokit_scheduler_runs_skipped_total{interval="1h"} 0');
    expect(text).toMatch(/^slokit_scheduler_run_duration_seconds_count\{interval="1h"\} [1-9]/m);
    expect(text).toContain(
      'sli_measurement{error_budget_policy_step_name="1h",feature_name="checkout",service_name="shop",slo="checkout",slo_name="availability"} 0.999',
    );
  });

  it('serves OpenMetrics when asked, ending with # EOF and counters named without _total', async () => {
    const response = await get('/metrics', {
      headers: { accept: 'application/openmetrics-text; version=1.0.0' },
    });
    expect(response.headers.get('content-type')).toBe(
      'application/openmetrics-text; version=1.0.0; charset=utf-8',
    );
    const text = await response.text();
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(text.match(/# EOF/g)).toHaveLength(1);
    expect(text).toContain('# TYPE slokit_scheduler_runs counter');
    expect(text).toMatch(/^slokit_scheduler_runs_total\{interval="1h"\} [1-9]/m);
  });
});

describe('slokit serve reload', () => {
  let server: Server;
  const slos = async () =>
    ((await (await fetch(`${server.base}/api/slos`)).json()) as { slos: Summary[] }).slos.map((s) => s.name);
  const reload = () => fetch(`${server.base}/api/reload`, { method: 'POST' });

  beforeAll(async () => {
    server = await startServe({ slos: ['checkout'], extra: 'schedule: { interval: 1h }\n' });
  }, 30_000);
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
  });

  it('swaps in a good config: a new SLO file is listed and computed', async () => {
    server.dir.write('slos/search.yaml', sloFile('search'));
    const response = await reload();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ reloaded: true, slos: 2 });
    expect(await slos()).toEqual(['checkout', 'search']);
    await vi.waitFor(async () => {
      const search = (await (await fetch(`${server.base}/api/slos/search`)).json()) as Summary;
      expect(search.status).toBe('ok');
    });
  });

  it('drops the SLOs a reload removes from the API and from /metrics', async () => {
    const metrics = async () => (await fetch(`${server.base}/metrics`)).text();
    await vi.waitFor(async () => expect(await metrics()).toContain('slo="search"'));
    rmSync(join(server.dir.root, 'slos/search.yaml'));
    expect(await (await reload()).json()).toEqual({ reloaded: true, slos: 1 });
    expect(await slos()).toEqual(['checkout']);
    const text = await metrics();
    expect(text).not.toContain('slo="search"');
    expect(text).toContain('slo="checkout"');
    server.dir.write('slos/search.yaml', sloFile('search'));
    expect(await (await reload()).json()).toEqual({ reloaded: true, slos: 2 });
  });

  it('refuses a bad config with every issue and keeps the running one', async () => {
    server.dir.write('slos/broken.yaml', sloFile('broken').replace('goal: 0.999', 'goal: 2'));
    server.dir.write(
      'slokit.yaml',
      `backends:\n  fixed.FixedBackend: {}\nerror_budget_policies: {}\nslos: [slos/*.yaml]\nschedule: { interval: 1h, overrides: { serch: 5m } }\n`,
    );
    const response = await reload();
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; issues: string[] };
    expect(body.error).toBe('reload refused: the new config has errors; the running config is kept');
    expect(body.issues).toEqual(
      expect.arrayContaining([expect.stringMatching(/broken\.yaml:9:\d+: spec\.goal: /)]),
    );
    expect(await slos()).toEqual(['checkout', 'search']);
    expect(server.lines.some((l) => l.message === 'reload refused: the running config is kept')).toBe(true);
  });
});

describe('slokit serve with an event pipeline', () => {
  let server: Server;
  const RULES =
    'rules:\n  - slo_matcher: {domain: shop}\n    failure_conditions: [{operator: numberIsHigherThan, key: status, value: 499}]\n';

  beforeAll(async () => {
    server = await startServe({
      slos: ['checkout'],
      files: { 'rules.yaml': RULES },
      extra:
        'schedule: { interval: 1h }\nevents:\n  classification: {domain: shop, class: critical, app: web}\n  rules_files: [rules.yaml]\n',
    });
  }, 30_000);
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
  });

  it('ingests POST /api/events, counts per rule on /api/events/rules and on /metrics', async () => {
    const lines = [200, 200, 503, 200].map((status) => JSON.stringify({ status })).join('\n');
    const response = await fetch(`${server.base}/api/events`, { method: 'POST', body: lines });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ accepted: 4, malformed: 0 });
    const rules = (await (await fetch(`${server.base}/api/events/rules`)).json()) as Record<string, unknown>;
    expect(rules).toEqual({
      rules: [
        {
          index: 0,
          file: join(server.dir.root, 'rules.yaml'),
          line: 2,
          slo_matcher: { domain: 'shop' },
          additional_metadata: {},
          success: 3,
          fail: 1,
        },
      ],
      stats: {
        processed: 4,
        unclassified: 0,
        unmatched: 0,
        evaluation_errors: 0,
        slo_events: 4,
        malformed: 0,
      },
    });
    const text = await (await fetch(`${server.base}/metrics`)).text();
    expect(text).toContain(
      'slo_domain_slo_class:slo_events_total{result="fail",slo_class="critical",slo_domain="shop"} 1',
    );
    expect(promtoolProblems(text)).toEqual([]);
  });

  it('keeps the running pipeline when a reload brings a bad rule file', async () => {
    const before = await (await fetch(`${server.base}/api/events/rules`)).json();
    server.dir.write('rules.yaml', 'rules:\n  - slo_matcher: {domain: [shop]}\n');
    const response = await fetch(`${server.base}/api/reload`, { method: 'POST' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { issues: string[] };
    expect(body.issues).toEqual([
      expect.stringMatching(/rules\.yaml:2:\d+: rules\[0\]\.slo_matcher\.domain: /),
    ]);
    expect(await (await fetch(`${server.base}/api/events/rules`)).json()).toEqual(before);
  });

  it('restarts the pipeline with the new rules on a good reload', async () => {
    server.dir.write('rules.yaml', `${RULES}  - slo_matcher: {domain: other}\n`);
    const response = await fetch(`${server.base}/api/reload`, { method: 'POST' });
    expect(await response.json()).toEqual({ reloaded: true, slos: 1 });
    const ingest = await fetch(`${server.base}/api/events`, { method: 'POST', body: '{"status": 200}' });
    expect(await ingest.json()).toEqual({ accepted: 1, malformed: 0 });
    const rules = (await (await fetch(`${server.base}/api/events/rules`)).json()) as {
      rules: { slo_matcher: object; success: number; fail: number }[];
    };
    expect(rules.rules.map((r) => [r.slo_matcher, r.success, r.fail])).toEqual([
      [{ domain: 'shop' }, 1, 0],
      [{ domain: 'other' }, 0, 0],
    ]);
  });
});
