/**
 * End to end: a real Prometheus (Debian package) scrapes `slokit serve` every second. Prometheus negotiates
 * OpenMetrics, so this also checks that exposition against Prometheus' own parser; it must see slokit's own
 * instrumentation, the scheduler's runs and the report metrics of the SLOs.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type PrometheusServer, startScrapingPrometheus } from '../helpers/prometheus.js';
import { startServe } from '../server/serve-fixtures.js';

let server: Awaited<ReturnType<typeof startServe>>;
let prometheus: PrometheusServer;

beforeAll(async () => {
  server = await startServe({ extra: 'schedule: { interval: 1h }\n' });
  prometheus = await startScrapingPrometheus([
    { name: 'slokit-serve', targets: [new URL(server.base).host] },
  ]);
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  await server?.stop();
});

it('Prometheus scrapes the report metrics, the scheduler runs and the request instrumentation', async () => {
  const sli = await prometheus.waitFor(
    'sli_measurement{job="slokit-serve", error_budget_policy_step_name="1h"}',
    (samples) => samples.length === 3,
  );
  expect(Object.fromEntries(sli.map((s) => [s.metric.slo, s.value[1]]))).toEqual({
    alerting: '0.5',
    burning: '0.9985',
    checkout: '0.999',
  });
  const runs = await prometheus.waitFor(
    'slokit_scheduler_runs_total{job="slokit-serve"}',
    (s) => s.length === 1,
  );
  expect(runs[0]!.metric).toMatchObject({ job: 'slokit-serve', interval: '1h' });
  expect(Number(runs[0]!.value[1])).toBeGreaterThanOrEqual(1);
  const scrapes = await prometheus.waitFor(
    'http_requests_total{job="slokit-serve", route="/metrics", method="GET", status_code="200"} >= 2',
    (s) => s.length === 1,
  );
  expect(scrapes).toHaveLength(1);
  const up = await prometheus.waitFor('up{job="slokit-serve"} == 1', (s) => s.length === 1);
  expect(up).toHaveLength(1);
}, 60_000);
