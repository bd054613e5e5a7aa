/**
 * End to end: reports exported through `exportResults` to a real Pushgateway, scraped by a real Prometheus
 * (`honor_labels: true`, 1 s interval); Prometheus must see the series with the right labels and values.
 * The same Prometheus also scrapes a `ReportMetricsRegistry` (prometheus_self) served by a node:http server.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedConfigSchema } from '../../src/config/shared-config-schema.js';
import { exportResults } from '../../src/engine/export.js';
import { ReportMetricsRegistry } from '../../src/exporters/report-metrics-registry.js';
import { type PrometheusServer, startScrapingPrometheus, type VectorSample } from '../helpers/prometheus.js';
import {
  type Pushgateway,
  policyStep,
  sloConfig,
  startPushgateway,
  v2Report,
} from '../helpers/pushgateway.js';

const LABELS = { service_name: 'svc', feature_name: 'feat', slo_name: 'slo', env: 'prod' };
const NAMES = 'error_budget_burn_rate|alerting_burn_rate_threshold|events_count|sli_measurement|slo_target';

let pgw: Pushgateway;
let prometheus: PrometheusServer;
let selfServer: Server;
const registry = new ReportMetricsRegistry();

beforeAll(async () => {
  pgw = await startPushgateway();
  selfServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': registry.contentType });
    res.end(registry.render());
  });
  await new Promise<void>((resolve) => selfServer.listen(0, '127.0.0.1', resolve));
  const address = selfServer.address();
  const selfPort = typeof address === 'object' && address ? address.port : 0;
  prometheus = await startScrapingPrometheus([
    { name: 'pushgateway', targets: [`127.0.0.1:${pgw.port}`], honorLabels: true },
    { name: 'slokit', targets: [`127.0.0.1:${selfPort}`], honorLabels: false },
  ]);
});

afterAll(async () => {
  await prometheus?.stop();
  await pgw?.stop();
  await new Promise((resolve) => selfServer?.close(resolve));
});

const steps = [policyStep('1h', 3600, 9), policyStep('6h', 21600, 3)];
const shared = () =>
  sharedConfigSchema.parse({
    error_budget_policies: { default: { steps } },
    exporters: { prometheus: { url: pgw.url }, prometheus_self: {} },
  });

const byKey = (samples: VectorSample[]) =>
  Object.fromEntries(
    samples.map((s) => [`${s.metric.__name__} ${s.metric.error_budget_policy_step_name}`, s.value[1]]),
  );

describe('Prometheus scraping the Pushgateway', () => {
  it('sees the exported series with the grouping and report labels and the right values', async () => {
    const slo = sloConfig('scrape-slo', LABELS, ['prometheus']);
    const reports = [v2Report(slo, steps[0]!, [3556, 3556]), v2Report(slo, steps[1]!, [990, 10])];
    const summary = await exportResults([{ slo, reports }], shared(), { pluginDirs: [] });
    expect(summary).toMatchObject({ exported: 2, failed: 0, retries: 0, skipped: 0 });

    const expr = `{__name__=~"${NAMES}",slo="scrape-slo"}`;
    const result = await prometheus.waitFor(expr, (r) => r.length === 10);
    expect(result).toHaveLength(10);
    for (const sample of result) {
      const { __name__, error_budget_policy_step_name, ...rest } = sample.metric;
      expect(NAMES.split('|')).toContain(__name__);
      expect(['1h', '6h']).toContain(error_budget_policy_step_name);
      // honor_labels keeps the pushed job; the gateway's empty instance means "no instance label".
      expect(rest).toEqual({ job: 'slo-generator', slo: 'scrape-slo', ...LABELS });
    }
    expect(byKey(result)).toEqual({
      'error_budget_burn_rate 1h': '5',
      'alerting_burn_rate_threshold 1h': '9',
      'events_count 1h': '7112',
      'sli_measurement 1h': '0.5',
      'slo_target 1h': '0.9',
      'error_budget_burn_rate 6h': '0.1',
      'alerting_burn_rate_threshold 6h': '3',
      'events_count 6h': '1000',
      'sli_measurement 6h': '0.99',
      'slo_target 6h': '0.9',
    });
    const up = await prometheus.query('up{job="pushgateway"}');
    expect(up.map((s) => s.value[1])).toEqual(['1']);
  });

  it('sees a replaced value after the next push, and label values with "/" intact', async () => {
    const slo = sloConfig('team/checkout', { ...LABELS, path: '/api/v1/pay' }, ['prometheus']);
    await exportResults([{ slo, reports: [v2Report(slo, steps[0]!, [3556, 3556])] }], shared(), {
      pluginDirs: [],
    });
    const expr = 'error_budget_burn_rate{slo="team/checkout",error_budget_policy_step_name="1h"}';
    let result = await prometheus.waitFor(expr, (r) => r[0]?.value[1] === '5');
    expect(result.map((s) => s.value[1])).toEqual(['5']);
    expect(result[0]!.metric.path).toBe('/api/v1/pay');

    await exportResults([{ slo, reports: [v2Report(slo, steps[0]!, [98, 2])] }], shared(), {
      pluginDirs: [],
    });
    result = await prometheus.waitFor(expr, (r) => r[0]?.value[1] === '0.2');
    expect(result.map((s) => s.value[1])).toEqual(['0.2']);
  });
});

describe('Prometheus scraping the prometheus_self registry', () => {
  it('ingests the lint-clean default series with escaped label values', async () => {
    const slo = sloConfig('self-slo', { ...LABELS, note: 'say "hi"\\ok' }, ['prometheus_self']);
    const summary = await exportResults(
      [{ slo, reports: [v2Report(slo, steps[0]!, [3556, 3556])] }],
      shared(),
      { pluginDirs: [], reportMetrics: registry },
    );
    expect(summary.failed).toBe(0);
    const result = await prometheus.waitFor('{job="slokit",slo="self-slo"}', (r) => r.length === 7);
    expect(Object.fromEntries(result.map((s) => [s.metric.__name__, s.value[1]]))).toEqual({
      error_budget_burn_rate: '5',
      alerting_burn_rate_threshold: '9',
      sli_measurement: '0.5',
      slo_target: '0.9',
      slo_events: '7112',
      slo_good_events: '3556',
      slo_bad_events: '3556',
    });
    const { __name__: _name, instance, ...labels } = result[0]!.metric;
    expect(instance).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(labels).toEqual({
      job: 'slokit',
      slo: 'self-slo',
      error_budget_policy_step_name: '1h',
      ...LABELS,
      note: 'say "hi"\\ok',
    });
  });
});
