/**
 * slokit as a Keptn SLI provider end to end: the fastify route receives get-sli.triggered events, reads
 * sli.yaml from a fake resource service (base64, 404 levels skipped), queries a REAL Prometheus loaded with
 * the deterministic history of test/helpers/prometheus.ts and answers started/finished to a fake
 * distributor or Keptn API that validates them with the cloudevents SDK.
 *
 * Expected values, over the last hour of the history (start = EVAL_TIME − 1 h, end = EVAL_TIME):
 * service "api" 600 requests a minute → 36000, of which 30 a minute are errors → error rate 0.05;
 * service "web" 120 a minute → 7200.
 */
import { randomUUID } from 'node:crypto';
import { CloudEvent, HTTP } from 'cloudevents';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keptnSectionSchema, resolveKeptnSection } from '../../src/keptn/keptn-config.js';
import { createKeptnSliProvider, type KeptnSliProvider } from '../../src/keptn/sli-provider.js';
import { keptnRoutes } from '../../src/server/keptn-routes.js';
import { EVAL_TIME, HOUR, type PrometheusServer, startPrometheus } from '../helpers/prometheus.js';
import { tempDir } from '../helpers/tmp.js';
import { type ControlPlane, startControlPlane } from './keptn-control-plane.js';

const TOKEN = 'keptn-api-token-0123456789';
const START = new Date((EVAL_TIME - HOUR) * 1000).toISOString();
const END = new Date(EVAL_TIME * 1000).toISOString();
const URI = 'prometheus/sli.yaml';

const PROJECT_SLI = `spec_version: '1.0'
indicators:
  throughput: sum(increase(http_requests_total{service="$SERVICE"}[$DURATION_SECONDS]))
  error_rate: "1"
  web_throughput: sum(increase(http_requests_total{service="$LABEL.other"}[$DURATION_SECONDS]))
  per_code: sum by (code) (increase(http_requests_total{service="$SERVICE"}[$DURATION_SECONDS]))
  nothing: sum(increase(http_requests_total{service="$handler"}[$DURATION_SECONDS]))
  not_a_number: vector(0) / 0
  syntax: sum(
  requests_via_provider: provider:promhttp/requests
`;
const SERVICE_SLI = `indicators:
  error_rate: >-
    sum(increase(http_requests_total{service="$SERVICE", code="500"}[$DURATION_SECONDS]))
    / sum(increase(http_requests_total{service="$SERVICE"}[$DURATION_SECONDS]))
`;
/** An Iter8-style provider asking the same Prometheus over HTTP, at the event's end. */
const PROVIDER_FILE = `url: {{ .prometheusURL }}/api/v1/query
provider: promhttp
method: GET
metrics:
- name: requests
  type: counter
  description: requests of the service in the time frame
  params:
  - name: query
    value: sum(increase(http_requests_total{service="{{ .service }}"}[{{ .elapsedTimeSeconds }}s]))
  - name: time
    value: "{{ .endTime }}"
  jqExpression: .data.result[0].value[1] | tonumber
`;

let prometheus: PrometheusServer;
let plane: ControlPlane;
const dir = tempDir('slokit-keptn-');
const open: FastifyInstance[] = [];

beforeAll(async () => {
  [prometheus, plane] = await Promise.all([startPrometheus(), startControlPlane(TOKEN)]);
  plane.setResource('sockshop', URI, PROJECT_SLI);
  plane.setResource('sockshop/staging/api', URI, SERVICE_SLI);
  plane.setResourceStatus('broken', 500);
  dir.write('promhttp.yaml', PROVIDER_FILE);
}, 120_000);

afterAll(async () => {
  await Promise.all([prometheus?.stop(), plane?.close()]);
  dir.cleanup();
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((app) => app.close()));
  plane.events.length = 0;
  plane.refused.length = 0;
  plane.resourceRequests.length = 0;
  plane.failNext(0, 0);
});

interface Logged {
  level: string;
  fields: Record<string, unknown>;
  message: string;
}

/** The SLI provider with a `keptn` section (defaults: distributor, resource service, Prometheus), mounted on fastify. */
async function provider(section: Record<string, unknown> = {}) {
  const parsed = keptnSectionSchema.parse({
    sli_providers: ['prometheus'],
    events: { distributor_url: plane.url, backoff_ms: 1 },
    sli: { resource_service_url: plane.url },
    prometheus: { url: prometheus.url },
    metric_providers: { promhttp: { provider: 'promhttp.yaml', values: { prometheusURL: prometheus.url } } },
    ...section,
  });
  const logs: Logged[] = [];
  const log = (level: string) => (fields: object, message: string) =>
    logs.push({ level, fields: fields as Record<string, unknown>, message });
  const settings = resolveKeptnSection(parsed, {
    env: { KEPTN_TOKEN: TOKEN, WRONG: 'wrong-token-987654' },
    baseDir: dir.root,
  });
  const sli = createKeptnSliProvider(settings, {
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
  });
  const app = Fastify();
  await app.register(keptnRoutes, { provider: sli, bodyLimit: parsed.max_body_bytes });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  open.push(app);
  return { sli, url: `${base}/keptn/event`, logs };
}

/** A get-sli.triggered event as lighthouse sends it. */
function triggered(getSli: Record<string, unknown>, data: Record<string, unknown> = {}) {
  return new CloudEvent({
    specversion: '1.0',
    id: randomUUID(),
    source: 'lighthouse-service',
    type: 'sh.keptn.event.get-sli.triggered',
    shkeptncontext: randomUUID(),
    shkeptnspecversion: '0.2.4',
    gitcommitid: 'c8a40997599180a338d72504541c00057550a3dc',
    datacontenttype: 'application/json',
    data: {
      project: 'sockshop',
      stage: 'staging',
      service: 'api',
      labels: { other: 'web' },
      deployment: 'canary',
      'get-sli': { sliProvider: 'prometheus', start: START, end: END, ...getSli },
      ...data,
    },
  });
}

async function post(url: string, event: CloudEvent<unknown>, mode: 'structured' | 'binary' = 'structured') {
  const message = mode === 'binary' ? HTTP.binary(event) : HTTP.structured(event);
  const response = await fetch(url, {
    method: 'POST',
    headers: message.headers as Record<string, string>,
    body: message.body as string,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Sends `event`, waits for the answers, returns the finished event's data. */
async function answer(sli: KeptnSliProvider, url: string, event: CloudEvent<unknown>) {
  expect((await post(url, event)).status).toBe(202);
  await sli.settled();
  const finished = plane.events.find((e) => e.event.type === 'sh.keptn.event.get-sli.finished');
  return finished?.event.data as Record<string, unknown>;
}

describe('Keptn SLI provider against a real Prometheus', () => {
  it('answers started then finished with every indicator (sli.yaml merged project → stage → service)', async () => {
    const { sli, url } = await provider();
    const event = triggered({
      indicators: ['throughput', 'error_rate', 'web_throughput', 'requests_via_provider'],
    });
    const data = await answer(sli, url, event);
    expect(plane.events.map((e) => e.event.type)).toEqual([
      'sh.keptn.event.get-sli.started',
      'sh.keptn.event.get-sli.finished',
    ]);
    for (const { event: sent } of plane.events) {
      expect(sent).toMatchObject({
        source: 'slokit',
        triggeredid: event.id,
        shkeptncontext: event.shkeptncontext,
        gitcommitid: event.gitcommitid,
        shkeptnspecversion: '0.2.4',
      });
    }
    expect(plane.events[0]!.event.data).toEqual({
      project: 'sockshop',
      stage: 'staging',
      service: 'api',
      labels: { other: 'web' },
    });
    expect(data).toEqual({
      project: 'sockshop',
      stage: 'staging',
      service: 'api',
      labels: { other: 'web' },
      status: 'succeeded',
      result: 'pass',
      'get-sli': {
        start: START,
        end: END,
        indicatorValues: [
          { metric: 'throughput', value: 36000, success: true },
          { metric: 'error_rate', value: 0.05, success: true },
          { metric: 'web_throughput', value: 7200, success: true },
          { metric: 'requests_via_provider', value: 36000, success: true },
        ],
      },
    });
    // Three levels asked (the stage level 404s and is skipped), the resource URI escaped, at the event's commit.
    expect(plane.resourceRequests.map((r) => r.path).sort()).toEqual([
      '/v1/project/sockshop/resource/prometheus%2Fsli.yaml',
      '/v1/project/sockshop/stage/staging/resource/prometheus%2Fsli.yaml',
      '/v1/project/sockshop/stage/staging/service/api/resource/prometheus%2Fsli.yaml',
    ]);
    expect(new Set(plane.resourceRequests.map((r) => r.gitCommitID))).toEqual(new Set([event.gitcommitid]));
    expect(sli.stats).toMatchObject({
      received: 1,
      accepted: 1,
      answered: 1,
      sender: { sent: 2, retries: 0, failed: 0 },
    });
  });

  it('some indicators failed: succeeded / warning, prometheus-service messages', async () => {
    const { sli, url } = await provider();
    const data = await answer(
      sli,
      url,
      triggered({
        indicators: ['throughput', 'per_code', 'nothing', 'not_a_number', 'syntax', 'latency_p99'],
        customFilters: [{ key: 'handler', value: "'nope'" }],
      }),
    );
    expect(data).toMatchObject({ status: 'succeeded', result: 'warning' });
    expect(data.message).toBeUndefined();
    const values = (data['get-sli'] as { indicatorValues: Record<string, unknown>[] }).indicatorValues;
    expect(values.slice(0, 4)).toEqual([
      { metric: 'throughput', value: 36000, success: true },
      { metric: 'per_code', value: 0, success: false, message: 'query did return multiple values' },
      { metric: 'nothing', value: 0, success: false, message: 'query did not return any values' },
      { metric: 'not_a_number', value: 0, success: false, message: 'query did not return valid values' },
    ]);
    expect(values[4]).toMatchObject({ metric: 'syntax', value: 0, success: false });
    expect(values[4]!.message).toMatch(/^unable to query prometheus api: .*bad_data/);
    expect(values[5]).toEqual({
      metric: 'latency_p99',
      value: 0,
      success: false,
      message: 'unable to get metric query: unsupported SLI',
    });
  });

  it('all indicators failed: succeeded / fail with "unable to retrieve metrics"', async () => {
    const { sli, url } = await provider();
    const data = await answer(sli, url, triggered({ indicators: ['per_code', 'latency_p99'] }));
    expect(data).toMatchObject({
      status: 'succeeded',
      result: 'fail',
      message: 'unable to retrieve metrics',
    });
    expect((data['get-sli'] as { indicatorValues: unknown[] }).indicatorValues).toHaveLength(2);
  });

  it('no sli.yaml at any level: built-in SLIs, other names unsupported', async () => {
    const { sli, url } = await provider();
    const data = await answer(
      sli,
      url,
      triggered({ indicators: ['throughput', 'cpu'] }, { project: 'empty' }),
    );
    expect(plane.resourceRequests).toHaveLength(3);
    // The built-in throughput query selects job="api-empty-staging-canary", which the history does not have.
    expect(data).toMatchObject({
      status: 'succeeded',
      result: 'fail',
      'get-sli': {
        indicatorValues: [
          { metric: 'throughput', value: 0, success: false, message: 'query did not return any values' },
          { metric: 'cpu', value: 0, success: false, message: 'unable to get metric query: unsupported SLI' },
        ],
      },
    });
  });

  it('the resource service failing: errored / fail with the reason, no values', async () => {
    const { sli, url } = await provider();
    const data = await answer(sli, url, triggered({ indicators: ['throughput'] }, { project: 'broken' }));
    expect(data).toMatchObject({ status: 'errored', result: 'fail' });
    // The block the spec requires, without indicator values: none was asked.
    expect(data['get-sli']).toEqual({ start: START, end: END });
    expect(data.message).toMatch(
      /^unable to retrieve custom queries for project broken: cannot read broken: prometheus\/sli.yaml from the resource service: GET .*HTTP 500/,
    );
  });

  it('reads a local sli.yaml instead of the resource service', async () => {
    const file = dir.write(
      'local-sli.yaml',
      'indicators:\n  up: sum(increase(http_requests_total{service="$LABEL.other"}[$DURATION_SECONDS]))\n',
    );
    const { sli, url } = await provider({ sli: { file } });
    const data = await answer(sli, url, triggered({ indicators: ['up'] }));
    expect(plane.resourceRequests).toHaveLength(0);
    expect(data['get-sli']).toMatchObject({
      indicatorValues: [{ metric: 'up', value: 7200, success: true }],
    });
  });

  it('accepts binary mode', async () => {
    const { sli, url } = await provider();
    const response = await post(url, triggered({ indicators: ['throughput'] }), 'binary');
    expect(response).toMatchObject({ status: 202, body: { status: 'accepted' } });
    await sli.settled();
    expect(plane.events).toHaveLength(2);
  });
});

describe('robustness', () => {
  it('refuses malformed requests with 400 and a reason, acknowledges other events, sends nothing', async () => {
    const { sli, url } = await provider();
    const raw = (headers: Record<string, string>, body: string) =>
      fetch(url, { method: 'POST', headers, body }).then(async (r) => ({
        status: r.status,
        body: await r.json(),
      }));
    const ce = { 'content-type': 'application/cloudevents+json' };
    const cases = [
      await raw(ce, '{"specversion": "1.0", "id": '),
      await raw({ 'content-type': 'application/json' }, '{"hello": 1}'),
      await raw(ce, JSON.stringify({ specversion: '1.0', source: 's', type: 't' })),
      await post(url, triggered({ start: undefined })),
      await post(url, triggered({ indicators: 'throughput' })),
      await raw(ce, 'null'),
      await raw(ce, '[]'),
      await post(url, triggered({ indicators: ['throughput'] }, { project: '..' })),
    ];
    expect(cases.map((c) => c.status)).toEqual([400, 400, 400, 400, 400, 400, 400, 400]);
    expect(cases.map((c) => (c.body as { error: string }).error)).toEqual([
      expect.stringMatching(/^not a CloudEvent: /),
      'not a CloudEvent: no cloud event detected',
      'invalid CloudEvent: required attribute id missing',
      'data.get-sli.start: required, expected a string',
      'data.get-sli.indicators: expected a list of SLI names',
      'not a CloudEvent: a structured-mode body must be a JSON object, got null',
      'batch mode is not supported: send one event per request',
      'data.project: ".." is not a Keptn name (expected a lowercase letter, then lowercase letters, digits or "-")',
    ]);

    const other = triggered({ sliProvider: 'dynatrace' });
    expect(await post(url, other)).toEqual({
      status: 200,
      body: { status: 'ignored', id: other.id, reason: 'sliProvider "dynatrace" is not one of prometheus' },
    });
    const evaluation = triggered({}).cloneWith({ type: 'sh.keptn.event.evaluation.triggered' });
    expect((await post(url, evaluation)).body).toMatchObject({ status: 'ignored' });
    await sli.settled();
    expect(plane.events).toHaveLength(0);
    expect(plane.resourceRequests).toHaveLength(0);
    expect(sli.stats).toMatchObject({ received: 10, malformed: 8, ignored: 2, accepted: 0 });
  });

  it('limits the body size (413)', async () => {
    const { url } = await provider({ max_body_bytes: 2048 });
    const big = triggered({ indicators: Array.from({ length: 200 }, (_, i) => `indicator_${i}`) });
    expect(await post(url, big)).toEqual({
      status: 413,
      body: { error: 'request body larger than the limit of 2048 bytes' },
    });
  });

  it('answers a duplicate delivery (same id) once', async () => {
    const { sli, url } = await provider();
    const event = triggered({ indicators: ['throughput'] });
    expect((await post(url, event)).status).toBe(202);
    expect(await post(url, event, 'binary')).toMatchObject({
      status: 200,
      body: { status: 'duplicate', id: event.id },
    });
    await sli.settled();
    expect(plane.events.map((e) => e.event.type)).toEqual([
      'sh.keptn.event.get-sli.started',
      'sh.keptn.event.get-sli.finished',
    ]);
    expect(sli.stats.duplicates).toBe(1);
  });

  it('retries a failing receiver with backoff and delivers', async () => {
    const { sli, url } = await provider();
    plane.failNext(2, 503);
    const data = await answer(sli, url, triggered({ indicators: ['throughput'] }));
    expect(data).toMatchObject({ status: 'succeeded', result: 'pass' });
    expect(plane.refused).toEqual([
      { status: 503, reason: 'failing on purpose' },
      { status: 503, reason: 'failing on purpose' },
    ]);
    expect(plane.events).toHaveLength(2);
    expect(sli.stats.sender).toEqual({ sent: 2, retries: 2, failed: 0 });
  });

  it('gives up after the last attempt, logs and counts it, and still sends finished', async () => {
    const { sli, url, logs } = await provider();
    plane.failNext(3, 502);
    await answer(sli, url, triggered({ indicators: ['throughput'] }));
    expect(plane.events.map((e) => e.event.type)).toEqual(['sh.keptn.event.get-sli.finished']);
    expect(sli.stats.sender).toEqual({ sent: 1, retries: 2, failed: 1 });
    const error = logs.find((l) => l.level === 'error');
    expect(error?.fields.error).toMatch(
      /^sh\.keptn\.event\.get-sli\.started \(id .*\) not delivered after 3 attempts: POST http:\/\/127\.0\.0\.1:\d+\/event failed: HTTP 502 Bad Gateway/,
    );
  });
});

describe('Keptn API destination', () => {
  it('posts Keptn event JSON to /v1/event with x-token', async () => {
    const { sli, url } = await provider({
      events: { api_url: plane.url, backoff_ms: 1 },
      api_token: { env: 'KEPTN_TOKEN' },
    });
    const event = triggered({ indicators: ['throughput'] });
    const data = await answer(sli, url, event);
    expect(data).toMatchObject({ status: 'succeeded', result: 'pass' });
    expect(plane.events.map((e) => e.endpoint)).toEqual(['/v1/event', '/v1/event']);
    expect(plane.events[1]!.body).toMatchObject({ contenttype: 'application/json', triggeredid: event.id });
    expect(plane.events[1]!.body).not.toHaveProperty('datacontenttype');
    // The resource service gets the token too.
    expect(new Set(plane.resourceRequests.map((r) => r.token))).toEqual(new Set([TOKEN]));
  });

  it('does not retry a refused token, and keeps the token out of logs', async () => {
    const { sli, url, logs } = await provider({
      events: { api_url: plane.url, backoff_ms: 1 },
      api_token: { env: 'WRONG' },
    });
    await answer(sli, url, triggered({ indicators: ['throughput'] }));
    expect(plane.refused).toEqual([
      { status: 401, reason: 'invalid token' },
      { status: 401, reason: 'invalid token' },
    ]);
    expect(sli.stats.sender).toEqual({ sent: 0, retries: 0, failed: 2 });
    const text = JSON.stringify(logs);
    expect(text).toContain('HTTP 401 Unauthorized');
    expect(text).not.toContain('wrong-token-987654');
  });
});
