import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/domain/report.js';
import { PrometheusSelfExporter } from '../../src/exporters/prometheus-self.js';
import { ReportMetricsRegistry } from '../../src/exporters/report-metrics-registry.js';
import { reportV2toV1 } from '../../src/exporters/report-v1.js';
import { policyStep, sloConfig } from '../helpers/pushgateway.js';

describe('multiwindow fields in exporters', () => {
  const slo = sloConfig('api', { service_name: 'api' });
  const report = buildReport({
    slo,
    step: { ...policyStep('page', 3600, 9), short_window: 300 },
    timestamp: 1702660513,
    result: [900, 100],
    shortWindow: { result: [80, 20] },
  });

  it('the v1 report keeps them, after the renamed fields', () => {
    expect(reportV2toV1(report)).toMatchObject({
      short_window: 300,
      short_window_error_budget_burn_rate: 2,
      alerting_burn_rate_threshold: 9,
    });
  });

  it('a metrics block can expose the short window burn rate next to the long one', async () => {
    const registry = new ReportMetricsRegistry();
    const exporter = new PrometheusSelfExporter(
      { metrics: ['error_budget_burn_rate', 'short_window_error_budget_burn_rate'] },
      registry,
    );
    await exporter.export(reportV2toV1(report), { name: 'prometheus_self' });
    const lines = registry
      .render()
      .split('\n')
      .filter((line) => line && !line.startsWith('#'));
    expect(lines).toEqual([
      'error_budget_burn_rate{error_budget_policy_step_name="page",service_name="api",slo="api"} 1',
      'short_window_error_budget_burn_rate{error_budget_policy_step_name="page",service_name="api",slo="api"} 2',
    ]);
  });
});
