/**
 * The Keptn endpoint mounted in `slokit serve`: slokit.yaml's `keptn:` section, a REAL Prometheus (the
 * deterministic history of test/helpers/prometheus.ts) as the data source, and a fake Keptn control plane
 * (keptn-control-plane.ts: resource service + distributor validating the answers with the cloudevents SDK).
 * A get-sli.triggered POSTed to serve is answered with started + finished; /metrics counts it as
 * slokit_keptn_*_total; a reload swaps the provider (a bad keptn section is refused with its position); serve
 * without a keptn section answers 503.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CloudEvent, HTTP } from 'cloudevents';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EVAL_TIME, HOUR, type PrometheusServer, startPrometheus } from '../helpers/prometheus.js';
import { promtoolProblems } from '../helpers/promtool.js';
import { startServe } from '../server/serve-fixtures.js';
import { type ControlPlane, startControlPlane } from './keptn-control-plane.js';

const START = new Date((EVAL_TIME - HOUR) * 1000).toISOString();
const END = new Date(EVAL_TIME * 1000).toISOString();
const SLI = `indicators:
  throughput: sum(increase(http_requests_total{service="$SERVICE"}[$DURATION_SECONDS]))
`;

let prometheus: PrometheusServer;
let plane: ControlPlane;

beforeAll(async () => {
  [prometheus, plane] = await Promise.all([startPrometheus(), startControlPlane('unused-token')]);
  plane.setResource('sockshop', 'prometheus/sli.yaml', SLI);
}, 120_000);

afterAll(async () => {
  await Promise.all([prometheus?.stop(), plane?.close()]);
});

/** The keptn section of slokit.yaml; `providers`: its sli_providers. */
const keptnSection = (providers = '[prometheus]', extra = '') =>
  `keptn:
  sli_providers: ${providers}
  events: { distributor_url: ${plane.url}, backoff_ms: 1 }
  sli: { resource_service_url: ${plane.url} }
  prometheus: { url: ${prometheus.url} }
${extra}`;

function triggered(sliProvider = 'prometheus') {
  return new CloudEvent({
    specversion: '1.0',
    id: randomUUID(),
    source: 'lighthouse-service',
    type: 'sh.keptn.event.get-sli.triggered',
    shkeptncontext: randomUUID(),
    datacontenttype: 'application/json',
    data: {
      project: 'sockshop',
      stage: 'staging',
      service: 'api',
      'get-sli': { sliProvider, start: START, end: END, indicators: ['throughput'] },
    },
  });
}

async function post(base: string, event: CloudEvent<unknown>) {
  const message = HTTP.structured(event);
  const response = await fetch(`${base}/keptn/event`, {
    method: 'POST',
    headers: message.headers as Record<string, string>,
    body: message.body as string,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The samples of `slokit_keptn_*` on /metrics, by name. */
async function keptnCounters(base: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const counters: Record<string, number> = {};
  for (const match of text.matchAll(/^(slokit_keptn_\w+) (\S+)$/gm)) counters[match[1]!] = Number(match[2]);
  return counters;
}

/** The events the control plane received for `event`, once both answers are in. */
async function answersTo(event: CloudEvent<unknown>) {
  return vi.waitFor(
    () => {
      const answers = plane.events.filter((e) => e.event.triggeredid === event.id);
      expect(answers).toHaveLength(2);
      return answers;
    },
    { timeout: 15_000 },
  );
}

describe('slokit serve with a keptn section', () => {
  let server: Awaited<ReturnType<typeof startServe>>;
  beforeAll(async () => {
    server = await startServe({
      slos: ['checkout'],
      extra: `schedule: { interval: 1h }\n${keptnSection('[prometheus]', '  max_body_bytes: 4096\n')}`,
    });
  }, 30_000);
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
  });

  it('answers a get-sli.triggered with started then finished, and counts it on /metrics', async () => {
    const event = triggered();
    expect(await post(server.base, event)).toEqual({
      status: 202,
      body: { status: 'accepted', id: event.id },
    });
    const answers = await answersTo(event);
    expect(answers.map((a) => a.event.type)).toEqual([
      'sh.keptn.event.get-sli.started',
      'sh.keptn.event.get-sli.finished',
    ]);
    expect(answers[1]!.event).toMatchObject({ shkeptncontext: event.shkeptncontext, source: 'slokit' });
    expect(answers[1]!.event.data).toEqual({
      project: 'sockshop',
      stage: 'staging',
      service: 'api',
      labels: {},
      status: 'succeeded',
      result: 'pass',
      'get-sli': {
        start: START,
        end: END,
        indicatorValues: [{ metric: 'throughput', value: 36000, success: true }],
      },
    });

    expect(await post(server.base, event)).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    expect(await post(server.base, triggered('dynatrace'))).toMatchObject({ body: { status: 'ignored' } });
    await vi.waitFor(async () =>
      expect(await keptnCounters(server.base)).toEqual({
        slokit_keptn_events_received_total: 3,
        slokit_keptn_events_handled_total: 1,
        slokit_keptn_events_ignored_total: 1,
        slokit_keptn_events_duplicate_total: 1,
        slokit_keptn_events_malformed_total: 0,
        slokit_keptn_sends_total: 2,
        slokit_keptn_sends_failed_total: 0,
        slokit_keptn_sends_retried_total: 0,
      }),
    );
    const exposition = await (await fetch(`${server.base}/metrics`)).text();
    expect(promtoolProblems(exposition)).toEqual([]);
    const open = await fetch(`${server.base}/metrics`, {
      headers: { accept: 'application/openmetrics-text; version=1.0.0' },
    });
    expect(await open.text()).toMatch(
      /^# TYPE slokit_keptn_events_handled counter\nslokit_keptn_events_handled_total 1$/m,
    );
  });

  it('limits the body to keptn.max_body_bytes (413), before the provider sees it', async () => {
    const big = triggered().cloneWith({ data: { padding: 'x'.repeat(5000) } });
    expect(await post(server.base, big)).toEqual({
      status: 413,
      body: { error: 'request body larger than the limit of 4096 bytes' },
    });
    // Chunked (no content-length): refused once read.
    const { headers, body } = HTTP.structured(big);
    const chunked = await fetch(`${server.base}/keptn/event`, {
      method: 'POST',
      headers: headers as Record<string, string>,
      body: new Blob([body as string]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await chunked.json()).toEqual({ error: 'request body larger than the limit of 4096 bytes' });
    expect((await keptnCounters(server.base)).slokit_keptn_events_received_total).toBe(3);
  });

  it('a reload swaps the provider and keeps the counts; a bad keptn section is refused with its position', async () => {
    const config = readFileSync(server.config, 'utf8');
    server.dir.write(
      'slokit.yaml',
      config.replace('sli_providers: [prometheus]', 'sli_providers: [dynatrace]'),
    );
    expect(await (await fetch(`${server.base}/api/reload`, { method: 'POST' })).json()).toEqual({
      reloaded: true,
      slos: 1,
    });
    const event = triggered('dynatrace');
    expect((await post(server.base, event)).status).toBe(202);
    await answersTo(event);
    expect(await post(server.base, triggered('prometheus'))).toMatchObject({ body: { status: 'ignored' } });
    const counters = await keptnCounters(server.base);
    expect(counters.slokit_keptn_events_received_total).toBe(5);
    expect(counters.slokit_keptn_events_handled_total).toBe(2);

    server.dir.write(
      'slokit.yaml',
      `${config}  api_token: { env: SLOKIT_TEST_UNSET_KEPTN_TOKEN }\n`.replace('distributor_url', 'api_url'),
    );
    const refused = await fetch(`${server.base}/api/reload`, { method: 'POST' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { issues: string[] }).issues).toEqual([
      expect.stringMatching(
        /slokit\.yaml:\d+:\d+: keptn\.api_token\.env: environment variable SLOKIT_TEST_UNSET_KEPTN_TOKEN is not set$/,
      ),
    ]);
    // The running provider (dynatrace) still answers.
    expect((await post(server.base, triggered('dynatrace'))).status).toBe(202);
  });
});

describe('slokit serve without a keptn section', () => {
  it('answers 503 with the reason and shows no keptn counters', async () => {
    const server = await startServe({ slos: ['checkout'], extra: 'schedule: { interval: 1h }\n' });
    try {
      expect(await post(server.base, triggered())).toEqual({
        status: 503,
        body: { error: 'slokit.yaml has no "keptn:" section' },
      });
      expect(await keptnCounters(server.base)).toEqual({});
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
