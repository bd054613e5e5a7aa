import { afterAll, describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/config/errors.js';
import { loadSharedConfig, loadSlos } from '../../src/config/load.js';
import { validateConfig } from '../../src/engine/validate.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('slokit-validate-');
afterAll(() => dir.cleanup());

async function validate(slo: string, config: string): Promise<string[]> {
  const sloFile = dir.write('slo.yaml', slo);
  const configFile = dir.write('config.yaml', config);
  const slos = await loadSlos(sloFile, {});
  const shared = await loadSharedConfig(configFile, {});
  const issues = await validateConfig(slos, shared, { pluginDirs: [dir.root], loadPlugins: true });
  return issues.map(formatIssue).map((line) => line.replace(`${dir.root}/`, ''));
}

const SLO = `apiVersion: sre.google.com/v2
kind: ServiceLevelObjective
metadata: {name: api}
spec:
  description: api
  backend: prometheus
  method: good_bad_ratio
  exporters: [prometheus, custom.exporters.Nope, custom.exporters.NoExport]
  service_level_indicator:
    filter_good: up
  goal: 0.99
`;
const CONFIG = `backends:
  prometheus: {url: "not a url"}
exporters:
  prometheus: {job: x}
  cloudevent: {service_url: "http://h", mode: carrier-pigeon}
  custom.exporters.Nope: {}
  custom.exporters.NoExport: {}
error_budget_policies:
  default:
    steps: [{name: 1h, window: 3600, burn_rate_threshold: 1}]
`;

describe('validateConfig', () => {
  it('checks built-in backend and exporter blocks, SLI fields and plugin exporters, with positions', async () => {
    dir.write('custom/exporters.js', 'export class NoExport {}\n');
    const issues = await validate(SLO, CONFIG);
    expect(issues).toEqual([
      'config.yaml:2:21: backends.prometheus.url: expected an absolute http:// or https:// URL',
      'config.yaml:4:15: exporters.prometheus.url: required field is missing (expected string)',
      'config.yaml:5:47: exporters.cloudevent.mode: Invalid option: expected one of "structured"|"binary"',
      expect.stringMatching(
        /^config\.yaml:6:3: exporters\.custom\.exporters\.Nope: plugin module .*custom\/exporters\.js has no exported class "Nope" \(exports: NoExport\)$/,
      ),
      'config.yaml:7:3: exporters.custom.exporters.NoExport: plugin exporter class has no export method (implement export, or extend MetricsExporter)',
      'slo.yaml:10:5: spec.service_level_indicator: `filter_bad` or `filter_valid` is required',
    ]);
  });
});

/** Validates with warnings collected; paths in messages are made relative to the temp dir. */
async function validateAll(
  slos: Record<string, string>,
  config: string,
  env: Record<string, string> = {},
  unsupportedInUse: 'error' | 'invalid-report' = 'error',
) {
  const sloDir = `slos-${Math.random().toString(36).slice(2)}`;
  for (const [name, text] of Object.entries(slos)) dir.write(`${sloDir}/${name}`, text);
  const configFile = dir.write('config.yaml', config);
  const loaded = await loadSlos(`${dir.root}/${sloDir}`, env);
  const shared = await loadSharedConfig(configFile, env);
  const warnings: string[] = [];
  const relative = (line: string) => line.replaceAll(`${dir.root}/`, '').replaceAll(`${sloDir}/`, '');
  const issues = await validateConfig(loaded, shared, {
    pluginDirs: [dir.root],
    loadPlugins: true,
    unsupportedInUse,
    onWarning: (issue) => warnings.push(relative(formatIssue(issue))),
  });
  return { errors: issues.map(formatIssue).map(relative), warnings, slos: loaded };
}

const POLICIES = `error_budget_policies:
  default:
    steps: [{name: 1h, window: 3600, burn_rate_threshold: 1}]
`;
const promSlo = (name: string, backend = 'prometheus', exporters = '[]') => `apiVersion: sre.google.com/v2
kind: ServiceLevelObjective
metadata: {name: ${name}}
spec:
  description: d
  backend: ${backend}
  method: query_sli
  exporters: ${exporters}
  service_level_indicator: {expression: up}
  goal: 0.99
`;

describe('entries slokit cannot use', () => {
  const CONFIG = `backends:
  prometheus: {url: "http://p:9090"}
  datadog: {api_key: \${DD_KEY}}
  promethues/typo: {url: "http://p:9090"}
exporters:
  bigquery: {project_id: p}
  pubsub: {project_id: \${PUBSUB_PROJECT_ID}}
  prometheus: {url: \${PGW_URL}}
  prometheus_slef: {}
${POLICIES}`;

  it('warns once per unused unsupported or unresolved entry; unknown types stay errors with a did-you-mean', async () => {
    const { errors, warnings } = await validateAll({ 'a.yaml': promSlo('a') }, CONFIG);
    expect(errors).toEqual([
      'config.yaml:4:3: backends.promethues/typo: unknown backend type "promethues"; did you mean "prometheus"? (supported: prometheus, events, http, or a plugin module path such as custom.module.Class)',
      'config.yaml:9:3: exporters.prometheus_slef: unknown exporter type "prometheus_slef"; did you mean "prometheus_self"? (supported: cloudevent, history, json, prometheus, prometheus_self, or a plugin module path such as custom.module.Class)',
    ]);
    expect(warnings).toEqual([
      'config.yaml:3:3: backends.datadog: not used by any SLO; backend type "datadog" is a slo-generator type slokit does not implement (supported: prometheus, events, http, or a plugin module path such as custom.module.Class); environment variables not set: DD_KEY',
      'config.yaml:6:3: exporters.bigquery: not used by any SLO; exporter type "bigquery" is a slo-generator type slokit does not implement (supported: cloudevent, history, json, prometheus, prometheus_self, or a plugin module path such as custom.module.Class)',
      'config.yaml:7:3: exporters.pubsub: not used by any SLO; exporter type "pubsub" is a slo-generator type slokit does not implement (supported: cloudevent, history, json, prometheus, prometheus_self, or a plugin module path such as custom.module.Class); environment variables not set: PUBSUB_PROJECT_ID',
      'config.yaml:8:3: exporters.prometheus: not used by any SLO; environment variables not set: PGW_URL',
    ]);
  });

  it('makes a missing variable an error where an SLO uses the entry, default exporters included', async () => {
    const config = CONFIG.replace('promethues/typo', 'prometheus/two').replace(
      'prometheus_slef: {}',
      'json: {path: ${JSON_PATH}}',
    );
    const { errors } = await validateAll(
      { 'a.yaml': promSlo('a', 'prometheus', '[prometheus]') },
      `default_exporters: [json, pubsub]\n${config}`,
    );
    expect(errors).toEqual([
      'config.yaml:1:27: default_exporters[1]: exporter type "pubsub" is a slo-generator type slokit does not implement (supported: cloudevent, history, json, prometheus, prometheus_self, or a plugin module path such as custom.module.Class)',
      'config.yaml:9:21: exporters.prometheus: environment variable "PGW_URL" is not set (use ${PGW_URL:-default} for a default); exporter "prometheus" is used',
      'config.yaml:10:16: exporters.json: environment variable "JSON_PATH" is not set (use ${JSON_PATH:-default} for a default); exporter "json" is used',
    ]);
  });

  it('is an error for the SLO that uses an unsupported type in validate, and not in compute mode', async () => {
    const slos = { 'a.yaml': promSlo('a'), 'dd.yaml': promSlo('dd', 'datadog', '[bigquery]') };
    // DD_KEY stays unset: a datadog entry's fields are never read, so only the type is reported.
    const env = { PGW_URL: 'http://g' };
    const config = CONFIG.replace('promethues/typo', 'prometheus/two').replace(
      'prometheus_slef: {}',
      'json: {path: out.json}',
    );
    const strict = await validateAll(slos, config, env);
    expect(strict.errors).toEqual([
      'dd.yaml:6:12: spec.backend: backend type "datadog" is a slo-generator type slokit does not implement (supported: prometheus, events, http, or a plugin module path such as custom.module.Class)',
      'dd.yaml:8:15: spec.exporters[0]: exporter type "bigquery" is a slo-generator type slokit does not implement (supported: cloudevent, history, json, prometheus, prometheus_self, or a plugin module path such as custom.module.Class)',
    ]);
    const lenient = await validateAll(slos, config, env, 'invalid-report');
    expect(lenient.errors).toEqual([]);
    expect(lenient.warnings.map((w) => w.split(': ')[1])).toEqual(['exporters.pubsub']);
  });
});

describe('SLOs sharing a metadata.name', () => {
  it('warns, naming both files; both stay loaded in file order', async () => {
    const { errors, warnings, slos } = await validateAll(
      { '1.yaml': promSlo('same'), '2.yaml': promSlo('same'), '3.yaml': promSlo('other') },
      `backends:\n  prometheus: {url: "http://p"}\n${POLICIES}`,
    );
    expect(errors).toEqual([]);
    expect(warnings).toEqual([
      '2.yaml:3:18: metadata.name: SLO name "same" is also used in 1.yaml; both are computed and their reports share the name',
    ]);
    expect(slos.map((s) => s.config.metadata.name)).toEqual(['same', 'same', 'other']);
  });
});

describe('the Prometheus prepareSlo hook', () => {
  it('keeps threshold_bucket as Python prints it for prometheus backends only, so le="1.0" buckets match', async () => {
    const config = `backends:\n  prometheus/prod: {url: "http://p"}\n  custom.latency.Backend: {}\n${POLICIES}`;
    const slo = (threshold: string, backend = 'prometheus/prod') =>
      promSlo('l', backend)
        .replace('method: query_sli', 'method: distribution_cut')
        .replace('{expression: up}', `{expression: latency_bucket, threshold_bucket: ${threshold}}`);
    const values: unknown[] = [];
    for (const threshold of ['1.0', '1', '0.25', '"0.5"', '1e3', '0x10', '2.50']) {
      const { errors, slos } = await validateAll({ 'l.yaml': slo(threshold) }, config);
      expect(errors).toEqual([]);
      values.push(slos[0]!.config.spec.service_level_indicator.threshold_bucket);
    }
    expect(values).toEqual(['1.0', 1, '0.25', '0.5', '1e3', 16, '2.5']);
    // Plugin backends get the number, as slo-generator gives them (the plugin need not exist: validate
    // reports it, the value is what matters here).
    const { slos } = await validateAll({ 'l.yaml': slo('1.0', 'custom.latency.Backend') }, config);
    expect(slos[0]!.config.spec.service_level_indicator.threshold_bucket).toBe(1);
  });
});
