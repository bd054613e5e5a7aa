/**
 * The package root as embedders and plugin authors use it: every documented export is there with the right
 * kind, and a whole run (load, validate, compute, export, close) works through the root alone, with real
 * files, a real plugin backend module and the real SQLite history.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import * as slokit from '../../src/index.js';
import { tempDir } from '../helpers/tmp.js';

/** The runtime (value) exports of the package root, by kind. Types are checked in public-api.test-d.ts. */
const DOCUMENTED_VALUES = {
  function: [
    'buildReport',
    'closeExporterContext',
    'compute',
    'createExporterContext',
    'defineBackend',
    'defineExporter',
    'evaluateKeptn',
    'exportResults',
    'formatIssue',
    'loadSharedConfig',
    'loadSlos',
    'parseCriteriaString',
    'parseKeptnSlo',
    'previousEvaluationQuery',
    'pythonRound',
    'reportV2toV1',
    'selectPreviousEvaluations',
    'validateConfig',
  ],
  class: [
    'ConfigError',
    'EvaluationStore',
    'HistoryStore',
    'HistoryStores',
    'MetricsExporter',
    'PluginLoadError',
    'ReportMetricsRegistry',
  ],
  constant: ['DEFAULT_METRICS', 'DEFAULT_METRIC_LABELS', 'NO_DATA', 'silentLogger'],
} as const;

const isClass = (value: unknown) =>
  typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value));

describe('package root exports', () => {
  it('exports exactly the documented values', () => {
    const documented = Object.values(DOCUMENTED_VALUES).flat().sort();
    expect(Object.keys(slokit).sort()).toEqual(documented);
  });

  it('exports functions as functions and classes as classes', () => {
    const exports = slokit as Record<string, unknown>;
    for (const name of DOCUMENTED_VALUES.function) {
      expect(typeof exports[name], name).toBe('function');
      expect(isClass(exports[name]), name).toBe(false);
    }
    for (const name of DOCUMENTED_VALUES.class) expect(isClass(exports[name]), name).toBe(true);
    expect(slokit.NO_DATA).toBe(-1);
    expect(slokit.DEFAULT_METRICS.map((m) => m.name)).toContain('slo_target');
    expect(slokit.DEFAULT_METRIC_LABELS).toContain('error_budget_policy_step_name');
  });

  it('defineBackend and defineExporter return the class they are given', () => {
    class Backend {
      query_sli() {
        return 0.5;
      }
    }
    class Exporter {
      export() {}
    }
    expect(slokit.defineBackend(Backend)).toBe(Backend);
    expect(slokit.defineExporter(Exporter)).toBe(Exporter);
  });

  it('silentLogger discards events without throwing', () => {
    expect(() => slokit.silentLogger.error({ a: 1 }, 'x')).not.toThrow();
  });
});

describe('an embedded run through the package root', () => {
  const dir = tempDir('slokit-api-');
  afterAll(() => dir.cleanup());

  dir.write(
    'plugins/counts.js',
    `export class Counts {
  constructor(config) { this.bad = config.bad; }
  good_bad_ratio(timestamp, window, slo) { return [1000 - this.bad, this.bad]; }
}
`,
  );
  const sloFile = dir.write(
    'slos/checkout.yaml',
    `apiVersion: sre.google.com/v2
kind: ServiceLevelObjective
metadata:
  name: checkout-availability
  labels: { service_name: checkout, feature_name: pay, slo_name: availability, env: prod }
spec:
  description: Checkout availability
  backend: plugins.counts.Counts
  method: good_bad_ratio
  service_level_indicator: {}
  goal: 0.99
`,
  );
  const configFile = dir.write(
    'config.yaml',
    `backends:
  plugins.counts.Counts: { bad: 20 }
exporters:
  history: { path: ${JSON.stringify(`${dir.root}/history.db`)} }
  prometheus_self: {}
default_exporters: [history, prometheus_self]
error_budget_policies:
  default:
    steps:
      - { name: 1 hour, window: 3600, burn_rate_threshold: 9, alert: true, message_alert: page, message_ok: ok }
`,
  );

  it('loads, validates, computes, exports into context-owned resources and closes them', async () => {
    const slos = await slokit.loadSlos(sloFile);
    const shared = await slokit.loadSharedConfig(configFile);
    const pluginDirs = [dir.root];
    expect(await slokit.validateConfig(slos, shared, { pluginDirs, loadPlugins: true })).toEqual([]);

    const run = await slokit.compute(
      slos.map((s) => s.config),
      shared.config,
      { pluginDirs, timestamp: 1_700_000_000 },
    );
    const [report] = run.results[0]!.reports;
    expect(report).toMatchObject({ valid: true, sli_measurement: 0.98, error_budget_burn_rate: 2 });

    const reportMetrics = new slokit.ReportMetricsRegistry();
    const context = slokit.createExporterContext({ pluginDirs, reportMetrics });
    try {
      const summary = await slokit.exportResults(run.results, shared.config, context);
      expect(summary).toMatchObject({ exported: 2, failed: 0 });
    } finally {
      slokit.closeExporterContext(context);
    }
    expect(reportMetrics.render()).toContain(
      'slo_target{env="prod",error_budget_policy_step_name="1 hour",feature_name="pay",service_name="checkout",slo="checkout-availability",slo_name="availability"} 0.99',
    );
    expect(context.historyStores.size).toBe(0);

    const history = new slokit.HistoryStore(`${dir.root}/history.db`, { readonly: true });
    try {
      expect(history.latest('checkout-availability').map((r) => [r.step, r.sli, r.burnRate])).toEqual([
        ['1 hour', 0.98, 2],
      ]);
    } finally {
      history.close();
    }
  });

  it('returns validation problems as positioned issues that formatIssue prints', async () => {
    const misspelt = dir.write(
      'misspelt/slo.yaml',
      readFileSync(sloFile, 'utf8').replace('plugins.counts.Counts', 'plugins.count.Counts'),
    );
    const slos = await slokit.loadSlos(misspelt);
    const shared = await slokit.loadSharedConfig(configFile);
    const issues = await slokit.validateConfig(slos, shared, { pluginDirs: [dir.root], loadPlugins: true });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: misspelt, line: 8, path: 'spec.backend' });
    expect(slokit.formatIssue(issues[0]!)).toMatch(new RegExp(`^${misspelt}:8:\\d+: spec\\.backend: `));
  });

  it('throws ConfigError from the loaders, naming the file', async () => {
    const broken = dir.write(
      'broken/slo.yaml',
      'apiVersion: sre.google.com/v2\nkind: ServiceLevelObjective\n',
    );
    const error = await slokit.loadSlos(broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(slokit.ConfigError);
    expect((error as slokit.ConfigError).issues[0]!.file).toBe(broken);
  });
});
