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
      'config.yaml:2:21: backends.prometheus.url: Invalid URL',
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
