/**
 * Multiwindow steps against a real Prometheus loaded with the history of `test/helpers/prometheus.ts`
 * (service "api": 600 requests a minute; errors a minute by age: <1h 30, <12h 6, <7d 1). Hand-worked values:
 *   1h  SLI 0.95      burn at goal 0.999: 50.0
 *   12h SLI 0.986667  burn 13.3
 *   7d  SLI 0.9975    burn 2.5
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SharedConfig } from '../../src/config/schema.js';
import type { SloConfig, ValidReport } from '../../src/domain/types.js';
import { compute } from '../../src/engine/compute.js';
import {
  type CountingProxy,
  DAY,
  EVAL_TIME,
  HOUR,
  type PrometheusServer,
  startCountingProxy,
  startPrometheus,
} from '../helpers/prometheus.js';

const GOOD = 'http_requests_total{service="api", code="200"}';
const VALID = 'http_requests_total{service="api"}';

let prometheus: PrometheusServer;
let proxy: CountingProxy;

beforeAll(async () => {
  prometheus = await startPrometheus();
  proxy = await startCountingProxy(prometheus.url);
});
afterAll(async () => {
  await proxy?.stop();
  await prometheus?.stop();
});

const shared = (): SharedConfig => ({
  backends: { prometheus: { url: proxy.url } },
  exporters: {},
  default_exporters: [],
  error_budget_policies: {
    default: {
      steps: [
        {
          name: 'page',
          window: 12 * HOUR,
          short_window: HOUR,
          burn_rate_threshold: 9,
          message_alert: 'page',
          message_ok: 'ok',
        },
        {
          name: 'ticket',
          window: 7 * DAY,
          short_window: 12 * HOUR,
          burn_rate_threshold: 3,
          message_alert: 'ticket',
          message_ok: 'ok',
        },
      ],
    },
  },
});
const slo: SloConfig = {
  apiVersion: 'sre.google.com/v2',
  kind: 'ServiceLevelObjective',
  metadata: { name: 'api-availability' },
  spec: {
    description: 'api availability',
    backend: 'prometheus',
    method: 'good_bad_ratio',
    service_level_indicator: { filter_good: GOOD, filter_valid: VALID },
    goal: 0.999,
  },
};

describe('multiwindow steps on the Prometheus backend', () => {
  it('pages only when both windows burn, asking each distinct window once at the run timestamp', async () => {
    proxy.reset();
    const result = await compute([slo], shared(), { timestamp: EVAL_TIME });
    const [page, ticket] = result.results[0]!.reports as ValidReport[];
    expect(page).toMatchObject({
      valid: true,
      window: 12 * HOUR,
      sli_measurement: 0.986667,
      error_budget_burn_rate: 13.3,
      short_window: HOUR,
      short_window_sli_measurement: 0.95,
      short_window_error_budget_burn_rate: 50,
      short_window_good_events_count: 34200,
      short_window_bad_events_count: 1800,
      alert: true,
      consequence_message: 'page',
    });
    expect(ticket).toMatchObject({
      sli_measurement: 0.9975,
      error_budget_burn_rate: 2.5,
      short_window_error_budget_burn_rate: 13.3,
      alert: false,
    });
    // 12h is the page's long window and the ticket's short window: its two queries are sent once.
    const windows = [HOUR, 12 * HOUR, 7 * DAY];
    expect(proxy.queries().sort()).toEqual(
      windows.flatMap((w) => [`sum(increase(${GOOD}[${w}s]))`, `sum(increase(${VALID}[${w}s]))`]).sort(),
    );
    expect(result.backendCalls).toBe(3);
  });
});
