import { describe, expect, it } from 'vitest';
import {
  buildMetrics,
  DEFAULT_METRICS,
  type Metric,
  MetricsExporter,
  resolveLabels,
} from '../../src/exporters/metrics-exporter.js';
import type { ExporterConfig } from '../../src/exporters/types.js';
import { policyStep, sloConfig, v1Report } from '../helpers/pushgateway.js';

// slo-generator's verified oracle (reference §4.2): service_name svc, feature feat, slo slo, env=prod,
// step "test", threshold 3, goal 0.9, 3556 good / 3556 bad → SLI 0.5, burn rate 5.
const slo = sloConfig('svc-feat-slo', {
  service_name: 'svc',
  feature_name: 'feat',
  slo_name: 'slo',
  env: 'prod',
});
const report = v1Report(slo, policyStep('test', 3600, 3), [3556, 3556]);
const LABELS = {
  env: 'prod',
  error_budget_policy_step_name: 'test',
  service_name: 'svc',
  feature_name: 'feat',
  slo_name: 'slo',
};

class Recorder extends MetricsExporter {
  seen: Metric[] = [];
  override exportMetric(metric: Metric): string {
    this.seen.push(metric);
    return metric.name;
  }
}

const config = (extra: Record<string, unknown> = {}): ExporterConfig => ({ name: 'custom', ...extra });

describe('MetricsExporter defaults (slo-generator oracle)', () => {
  it('builds the five default metrics with values and labels', () => {
    const metrics = buildMetrics(report);
    expect(metrics.map((m) => [m.name, m.value])).toEqual([
      ['error_budget_burn_rate', 5],
      ['alerting_burn_rate_threshold', 3],
      ['events_count', 7112],
      ['sli_measurement', 0.5],
      ['slo_target', 0.9],
    ]);
    for (const m of metrics) {
      expect(m.labels).toEqual(LABELS);
      expect(m.timestamp).toBe(1702660513);
      expect(m.additional_labels).toEqual([]);
    }
    expect(metrics[0]!.description).toBe('Speed at which the error budget is consumed.');
    expect(metrics[2]!.description).toBe('Number of events');
  });

  it('flattens metadata first, then the flat keys, as slo-generator orders them', () => {
    expect(Object.keys(buildMetrics(report)[0]!.labels)).toEqual([
      'env',
      'error_budget_policy_step_name',
      'service_name',
      'feature_name',
      'slo_name',
    ]);
  });

  it('events_count has no good/bad count labels unless additional_labels asks for them', () => {
    const [plain] = buildMetrics(report, ['events_count']);
    expect(plain!.labels).not.toHaveProperty('good_events_count');
    const [restored] = buildMetrics(report, [
      { name: 'events_count', additional_labels: ['good_events_count', 'bad_events_count'] },
    ]);
    expect(restored!.labels).toEqual({ ...LABELS, good_events_count: '3556', bad_events_count: '3556' });
    expect(restored!.additional_labels).toEqual(['good_events_count', 'bad_events_count']);
  });

  it('exports each default metric through exportMetric', async () => {
    const exporter = new Recorder();
    const results = await exporter.export(report, config());
    expect(results).toEqual(DEFAULT_METRICS.map((m) => m.name));
    expect(exporter.seen).toHaveLength(5);
  });
});

describe('metrics block forms', () => {
  it('short form: the field name is name and alias, no description, default labels', () => {
    const [m] = buildMetrics(report, ['error_budget_remaining_minutes']);
    expect(m).toMatchObject({
      name: 'error_budget_remaining_minutes',
      alias: 'error_budget_remaining_minutes',
      description: '',
      value: -24,
      labels: LABELS,
    });
  });

  it('long form: alias renames, labels replace the defaults, additional_labels add', () => {
    const [m] = buildMetrics(report, [
      {
        name: 'error_budget_burn_rate',
        alias: 'ebbr',
        description: 'burn',
        labels: ['service_name'],
        additional_labels: ['window', 'alert'],
      },
    ]);
    expect(m).toMatchObject({
      name: 'ebbr',
      alias: 'ebbr',
      description: 'burn',
      value: 5,
      labels: { service_name: 'svc', window: '3600', alert: 'true' },
    });
  });

  it('a prefix is prepended unless the alias already has it', async () => {
    class Prefixed extends Recorder {
      protected override metricPrefix = 'custom:';
    }
    const exporter = new Prefixed();
    await exporter.export(
      report,
      config({ metrics: ['slo_target', { name: 'sli_measurement', alias: 'custom:sli' }] }),
    );
    expect(exporter.seen.map((m) => m.name)).toEqual(['custom:slo_target', 'custom:sli']);
  });

  it('a field missing from the v1 report is an error (v2 names are not v1 fields)', () => {
    expect(() => buildMetrics(report, ['goal'])).toThrow('metric "goal" is not a field of the report');
    expect(() => buildMetrics(report, [{ name: 'nope' }])).toThrow(
      'metric "nope" is not a field of the report',
    );
  });

  it('missing labels are skipped silently; metadata values become strings', () => {
    expect(resolveLabels({ a: 1, m: { x: true, nested: { no: 1 } } }, ['a', 'missing', 'm'])).toEqual({
      x: 'true',
      a: '1',
    });
  });
});

describe('export_metric spelling', () => {
  it('accepts slo-generator spelling export_metric', async () => {
    const calls: string[] = [];
    class Snake extends MetricsExporter {
      override export_metric(metric: Metric, cfg: ExporterConfig) {
        calls.push(`${cfg.name}:${metric.name}`);
      }
    }
    await new Snake().export(report, config({ metrics: ['slo_target', 'sli_measurement'] }));
    expect(calls).toEqual(['custom:slo_target', 'custom:sli_measurement']);
  });

  it('awaits async exportMetric in order', async () => {
    const order: string[] = [];
    class Slow extends MetricsExporter {
      override async exportMetric(metric: Metric) {
        await new Promise((resolve) => setTimeout(resolve, metric.name === 'slo_target' ? 20 : 0));
        order.push(metric.name);
      }
    }
    await new Slow().export(report, config({ metrics: ['slo_target', 'sli_measurement'] }));
    expect(order).toEqual(['slo_target', 'sli_measurement']);
  });

  it('fails clearly when neither method exists', async () => {
    class Empty extends MetricsExporter {}
    await expect(new Empty().export(report, config())).rejects.toThrow(
      'Empty implements neither exportMetric nor export_metric',
    );
  });
});
