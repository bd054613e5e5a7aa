import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PrometheusSelfExporter, SELF_DEFAULT_METRICS } from '../../src/exporters/prometheus-self.js';
import { createExporter } from '../../src/exporters/registry.js';
import { ReportMetricsRegistry, reportKeyOf } from '../../src/exporters/report-metrics-registry.js';
import type { ExporterContext } from '../../src/exporters/types.js';
import { parseExposition, policyStep, sloConfig, v1Report } from '../helpers/pushgateway.js';

const PROMTOOL = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';

function promtoolCheck(text: string): { status: number | null; output: string } {
  const result = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const cfg = { name: 'prometheus_self' };
const svc = sloConfig('svc-feat-slo', {
  service_name: 'svc',
  feature_name: 'feat',
  slo_name: 'slo',
  env: 'prod',
});
const odd = sloConfig('odd "quoted" slo', {
  service_name: 'C:\\dir',
  feature_name: 'two\nlines',
  slo_name: 'say "hi"',
  team: 'a/b',
});
const bare = sloConfig('bare');

describe('prometheus_self exporter and ReportMetricsRegistry', () => {
  it('renders the latest report metrics as exact text that promtool accepts', async () => {
    const registry = new ReportMetricsRegistry();
    const exporter = new PrometheusSelfExporter({}, registry);
    await exporter.export(v1Report(svc, policyStep('1h', 3600, 9), [3556, 3556]), cfg);
    await exporter.export(v1Report(svc, policyStep('28d', 2419200, 1), [990, 10]), cfg);
    await exporter.export(v1Report(odd, policyStep('1h', 3600, 9), [1, 0]), cfg);
    await exporter.export(v1Report(bare, policyStep('1h', 3600, 9), 0.25), cfg); // numeric SLI: NO_DATA counts

    const text = registry.render();
    const check = promtoolCheck(text);
    expect(check.output).toBe('');
    expect(check.status).toBe(0);

    const lines = text.split('\n');
    // Families sorted by name, HELP/TYPE once each, series sorted by label set.
    expect(lines.filter((l) => l.startsWith('# TYPE'))).toEqual([
      '# TYPE alerting_burn_rate_threshold gauge',
      '# TYPE error_budget_burn_rate gauge',
      '# TYPE sli_measurement gauge',
      '# TYPE slo_bad_events gauge',
      '# TYPE slo_events gauge',
      '# TYPE slo_good_events gauge',
      '# TYPE slo_target gauge',
    ]);
    const burn = lines.slice(
      lines.indexOf('# HELP error_budget_burn_rate Speed at which the error budget is consumed.'),
    );
    expect(burn.slice(0, 6)).toEqual([
      '# HELP error_budget_burn_rate Speed at which the error budget is consumed.',
      '# TYPE error_budget_burn_rate gauge',
      // sorted by the rendered label set: `{env=` < `{error_` (n < r)
      'error_budget_burn_rate{env="prod",error_budget_policy_step_name="1h",feature_name="feat",service_name="svc",slo="svc-feat-slo",slo_name="slo"} 5',
      'error_budget_burn_rate{env="prod",error_budget_policy_step_name="28d",feature_name="feat",service_name="svc",slo="svc-feat-slo",slo_name="slo"} 0.1',
      'error_budget_burn_rate{error_budget_policy_step_name="1h",feature_name="two\\nlines",service_name="C:\\\\dir",slo="odd \\"quoted\\" slo",slo_name="say \\"hi\\"",team="a/b"} 0',
      'error_budget_burn_rate{error_budget_policy_step_name="1h",slo="bare"} 7.5',
    ]);
    expect(text).toContain("# HELP slo_events Number of valid events (good + bad) in the step's window.\n");
    expect(text.endsWith('\n')).toBe(true);

    const samples = parseExposition(text);
    expect(samples).toHaveLength(4 * SELF_DEFAULT_METRICS.length);
    const of = (name: string, slo: string, step: string) =>
      samples.find(
        (s) => s.name === name && s.labels.slo === slo && s.labels.error_budget_policy_step_name === step,
      );
    expect(of('slo_events', 'svc-feat-slo', '1h')?.value).toBe(7112);
    expect(of('slo_good_events', 'svc-feat-slo', '28d')?.value).toBe(990);
    expect(of('slo_bad_events', 'svc-feat-slo', '28d')?.value).toBe(10);
    expect(of('slo_events', 'bare', '1h')?.value).toBe(-2);
    expect(of('slo_good_events', 'bare', '1h')?.value).toBe(-1);
    expect(of('sli_measurement', 'bare', '1h')?.value).toBe(0.25);
    expect(of('slo_target', 'odd "quoted" slo', '1h')?.labels).toEqual({
      error_budget_policy_step_name: '1h',
      feature_name: 'two\nlines',
      service_name: 'C:\\dir',
      slo: 'odd "quoted" slo',
      slo_name: 'say "hi"',
      team: 'a/b',
    });
    expect(registry.seriesCount).toBe(28);
    expect(registry.reportCount).toBe(4);
    expect(registry.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('a new report for the same SLO and step replaces its values; other steps stay', async () => {
    const registry = new ReportMetricsRegistry();
    const exporter = new PrometheusSelfExporter({}, registry);
    await exporter.export(v1Report(svc, policyStep('1h'), [3556, 3556]), cfg);
    await exporter.export(v1Report(svc, policyStep('6h'), [90, 10]), cfg);
    const before = registry.render();
    await exporter.export(v1Report(svc, policyStep('1h'), [99, 1]), cfg);
    const after = parseExposition(registry.render());
    const burn = after.filter((s) => s.name === 'error_budget_burn_rate');
    expect(burn.map((s) => [s.labels.error_budget_policy_step_name, s.value])).toEqual([
      ['1h', 0.1],
      ['6h', 1],
    ]);
    expect(registry.seriesCount).toBe(14);
    expect(before).toContain('error_budget_burn_rate{env="prod",error_budget_policy_step_name="1h",');
  });

  it('series a new report no longer has disappear; labels are matched by name, not position', async () => {
    const registry = new ReportMetricsRegistry();
    const exporter = new PrometheusSelfExporter({}, registry);
    await exporter.export(v1Report(svc, policyStep('1h'), [3556, 3556]), cfg);
    // Same SLO, labels changed (a label dropped, one added): the old label set must not linger.
    const relabelled = sloConfig('svc-feat-slo', { service_name: 'svc', region: 'eu' });
    await exporter.export(v1Report(relabelled, policyStep('1h'), [1, 1]), cfg);
    const lines = registry
      .render()
      .split('\n')
      .filter((l) => l.startsWith('slo_target'));
    expect(lines).toEqual([
      'slo_target{error_budget_policy_step_name="1h",region="eu",service_name="svc",slo="svc-feat-slo"} 0.9',
    ]);
    // A metrics block with fewer metrics drops the others.
    const narrow = new PrometheusSelfExporter({ metrics: ['sli_measurement'] }, registry);
    await narrow.export(v1Report(relabelled, policyStep('1h'), [1, 1]), cfg);
    expect(registry.render()).toBe(
      [
        '# HELP sli_measurement Value of the SLO report field sli_measurement.',
        '# TYPE sli_measurement gauge',
        'sli_measurement{error_budget_policy_step_name="1h",region="eu",service_name="svc",slo="svc-feat-slo"} 0.5',
        '',
      ].join('\n'),
    );
  });

  it('delete removes the report series and empty families', async () => {
    const registry = new ReportMetricsRegistry();
    const exporter = new PrometheusSelfExporter({}, registry);
    const a = v1Report(svc, policyStep('1h'), [3556, 3556]);
    const b = v1Report(bare, policyStep('1h'), [5, 5]);
    await exporter.export(a, cfg);
    await exporter.export(b, cfg);
    await exporter.delete(a);
    const text = registry.render();
    expect(text).not.toContain('svc-feat-slo');
    expect(parseExposition(text).every((s) => s.labels.slo === 'bare')).toBe(true);
    expect(registry.delete(reportKeyOf('svc-feat-slo', '1h'))).toBe(false);
    await exporter.delete(b);
    expect(registry.render()).toBe('');
    expect(registry.seriesCount).toBe(0);
    expect(promtoolCheck(registry.render()).status).toBe(0);
  });

  it('custom metrics blocks: alias, description, extra labels; HELP escaped', async () => {
    const registry = new ReportMetricsRegistry();
    const exporter = new PrometheusSelfExporter(
      {
        metrics: [
          {
            name: 'error_budget_remaining_minutes',
            alias: 'slo_error_budget_remaining_minutes',
            description: 'a \\ b\nc "d"',
          },
          { name: 'events_count', alias: 'slo_events', additional_labels: ['window'] },
        ],
      },
      registry,
    );
    await exporter.export(v1Report(svc, policyStep('1h'), [3556, 3556]), cfg);
    const text = registry.render();
    expect(text).toContain('# HELP slo_error_budget_remaining_minutes a \\\\ b\\nc "d"\n');
    expect(text).toContain('# HELP slo_events Value of the SLO report field events_count.\n');
    expect(text).toContain(
      'slo_events{env="prod",error_budget_policy_step_name="1h",feature_name="feat",service_name="svc",slo="svc-feat-slo",slo_name="slo",window="3600"} 7112\n',
    );
    // promtool lints the unit: "minutes" → use base unit "seconds" (exit 3): user-chosen names are the user's.
    expect(promtoolCheck(text).output).toContain('use base unit "seconds"');
  });

  it('rejects invalid names without touching the registry', async () => {
    const registry = new ReportMetricsRegistry();
    const exporter = new PrometheusSelfExporter({}, registry);
    await exporter.export(v1Report(svc, policyStep('1h'), [1, 1]), cfg);
    const before = registry.render();
    const dashed = sloConfig('dashed', { 'team-name': 'x' });
    await expect(exporter.export(v1Report(dashed, policyStep('1h'), [1, 1]), cfg)).rejects.toThrow(
      'invalid label name "team-name"',
    );
    const badAlias = new PrometheusSelfExporter(
      { metrics: [{ name: 'slo_target', alias: 'slo-target' }] },
      registry,
    );
    await expect(badAlias.export(v1Report(bare, policyStep('1h'), [1, 1]), cfg)).rejects.toThrow(
      'invalid metric name "slo-target"',
    );
    expect(registry.render()).toBe(before);
  });

  it('the registry refuses one series for two reports', () => {
    const registry = new ReportMetricsRegistry();
    registry.replace('a', [{ name: 'x', help: 'X', labels: { k: 'v' }, value: 1 }]);
    expect(() => registry.replace('b', [{ name: 'x', help: 'X', labels: { k: 'v' }, value: 2 }])).toThrow(
      'already exported by another report',
    );
    registry.replace('a', [
      { name: 'x', help: 'X', labels: { k: 'v' }, value: 1 },
      { name: 'x', help: 'X', labels: { k: 'v' }, value: 3 },
    ]);
    expect(registry.render()).toBe('# HELP x X\n# TYPE x gauge\nx{k="v"} 3\n');
  });

  it('is registered as prometheus_self; uses the context registry, else one created for the context', async () => {
    const registry = new ReportMetricsRegistry();
    const withContext = await createExporter(
      'prometheus_self',
      {},
      { pluginDirs: [], reportMetrics: registry },
    );
    expect(withContext.className).toBe('PrometheusSelfExporter');
    expect(withContext.reportVersion).toBe(1);
    await withContext.instance.export(v1Report(svc, policyStep('1h'), [1, 1]), cfg);
    expect(registry.seriesCount).toBe(7);

    // A context without a registry gets its own on first use, stored in the context for its owner to read;
    // another context never sees its series.
    const context: ExporterContext = { pluginDirs: [] };
    const other: ExporterContext = { pluginDirs: [] };
    const fallback = await createExporter('prometheus_self/b', {}, context);
    await createExporter('prometheus_self', {}, other);
    const report = v1Report(sloConfig('context-registry-test'), policyStep('1h'), [1, 1]);
    await fallback.instance.export(report, cfg);
    expect(context.reportMetrics?.render()).toContain('slo="context-registry-test"');
    expect(other.reportMetrics).toBeInstanceOf(ReportMetricsRegistry);
    expect(other.reportMetrics).not.toBe(context.reportMetrics);
    expect(other.reportMetrics?.seriesCount).toBe(0);
    await fallback.instance.delete?.(report, cfg);
    expect(context.reportMetrics?.render()).toBe('');
    await expect(createExporter('prometheus_self', { url: 'x' }, { pluginDirs: [] })).rejects.toThrow();
  });

  it('renders again cheaply: an unchanged registry gives the identical string', async () => {
    const registry = new ReportMetricsRegistry();
    const exporter = new PrometheusSelfExporter({}, registry);
    for (let i = 0; i < 50; i++)
      await exporter.export(v1Report(sloConfig(`slo-${i}`), policyStep('1h'), [i + 1, 1]), cfg);
    const first = registry.render();
    expect(registry.render()).toBe(first);
    await exporter.export(v1Report(sloConfig('slo-7'), policyStep('1h'), [1, 1]), cfg);
    const second = registry.render();
    expect(second).not.toBe(first);
    const firstLines = new Set(first.split('\n'));
    const changed = second.split('\n').filter((line) => !firstLines.has(line));
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((line) => line.includes('slo="slo-7"'))).toBe(true);
    expect(second.split('\n')).toHaveLength(first.split('\n').length);
    expect(promtoolCheck(second).status).toBe(0);
  });
});
