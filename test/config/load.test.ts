import { afterEach, describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/config/errors.js';
import { loadSharedConfig, loadSlos } from '../../src/config/load.js';
import { issuesOf } from '../helpers/config-issues.js';
import { ONE_HOUR_STEP, policyStepsYaml, sloYaml } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const SLO = sloYaml({
  name: 'prom-metrics-availability',
  labels: { service_name: 'prom' },
  description: '99.9% of Prometheus requests return a good HTTP code',
  method: 'good_bad_ratio',
  exporters: ['prometheus'],
  sli: { filter_good: 'up{code=~"2.."}', filter_valid: 'up' },
  goal: 0.999,
});

const CONFIG = `backends:
  prometheus:
    url: \${PROMETHEUS_URL}
exporters:
  prometheus:
    url: \${PUSHGATEWAY_URL:-http://localhost:9091}
error_budget_policies:
  default:
    steps:
${policyStepsYaml([{ ...ONE_HOUR_STEP, alert: true }])}`;

let dir: ReturnType<typeof tempDir>;
afterEach(() => dir?.cleanup());

describe('loadSlos', () => {
  it('loads .yaml, .yml and .json files of a directory, sorted, skipping other kinds and other files', async () => {
    dir = tempDir();
    dir.write('slos/b.yaml', SLO.replace('prom-metrics-availability', 'b'));
    dir.write('slos/a.yml', SLO.replace('prom-metrics-availability', 'a'));
    dir.write(
      'slos/c.json',
      JSON.stringify({
        apiVersion: 'sre.google.com/v2',
        kind: 'ServiceLevelObjective',
        metadata: { name: 'c' },
        spec: {
          description: 'd',
          backend: 'prometheus',
          method: 'query_sli',
          service_level_indicator: { expression: 'up' },
          goal: 0.9,
        },
      }),
    );
    dir.write('slos/other.yaml', 'kind: SomethingElse\n');
    dir.write('slos/notes.txt', 'not a config');
    const slos = await loadSlos(`${dir.root}/slos`);
    expect(slos.map((s) => s.config.metadata.name)).toEqual(['a', 'b', 'c']);
    expect(slos[0]!.config.spec.service_level_indicator).toEqual({
      filter_good: 'up{code=~"2.."}',
      filter_valid: 'up',
    });
  });

  it('reports every problem with file, line, column, field path and what was expected', async () => {
    dir = tempDir();
    const bad = SLO.replace('  method: good_bad_ratio\n', '  methdo: good_bad_ratio\n').replace(
      'goal: 0.999',
      'goal: "high"',
    );
    const file = dir.write('slo.yaml', bad);
    const issues = await issuesOf(loadSlos(file));
    expect(issues).toEqual([
      `${file}:8:3: spec.method: required field is missing (expected string)`,
      `${file}:10:3: spec.methdo: unknown field "methdo"; did you mean "method"?`,
      `${file}:15:9: spec.goal: expected a number, got "high"`,
    ]);
  });

  it('reports YAML syntax errors with their position', async () => {
    dir = tempDir();
    const file = dir.write('slo.yaml', 'kind: ServiceLevelObjective\nmetadata: [unclosed\n');
    const [issue] = await issuesOf(loadSlos(file));
    expect(issue).toMatch(new RegExp(`^${file}:\\d+:\\d+: invalid YAML: `));
  });

  it('loads SLOs sharing a metadata.name, in file order (validateConfig warns)', async () => {
    dir = tempDir();
    const first = dir.write('slos/1.yaml', SLO);
    const second = dir.write('slos/2.yaml', SLO);
    const slos = await loadSlos(`${dir.root}/slos`);
    expect(slos.map((s) => [s.source.file, s.config.metadata.name])).toEqual([
      [first, 'prom-metrics-availability'],
      [second, 'prom-metrics-availability'],
    ]);
  });

  it('fails when nothing is found', async () => {
    dir = tempDir();
    dir.write('slos/other.yaml', 'kind: Other\n');
    const [issue] = await issuesOf(loadSlos(`${dir.root}/slos`));
    expect(issue).toContain('no SLO configs found');
  });

  it('fails on a missing path', async () => {
    const [issue] = await issuesOf(loadSlos('/nonexistent/slos'));
    expect(issue).toBe('/nonexistent/slos: no such file or directory (ENOENT)');
  });
});

describe('loadSharedConfig', () => {
  it('interpolates ${VAR} and ${VAR:-default} before parsing', async () => {
    dir = tempDir();
    const file = dir.write('config.yaml', CONFIG);
    const { config } = await loadSharedConfig(file, { PROMETHEUS_URL: 'http://prom:9090' });
    expect(config.backends.prometheus).toEqual({ url: 'http://prom:9090' });
    expect(config.exporters.prometheus).toEqual({ url: 'http://localhost:9091' });
    expect(config.error_budget_policies.default!.steps[0]).toMatchObject({
      name: '1 hour',
      window: 3600,
      burn_rate_threshold: 9,
    });
    expect(config.default_exporters).toEqual([]);
  });

  it('names a missing variable outside backends and exporters, the file and the line', async () => {
    dir = tempDir();
    const file = dir.write(
      'config.yaml',
      CONFIG.replace('burn_rate_threshold: 9', 'burn_rate_threshold: ${BRT}'),
    );
    expect(await issuesOf(loadSharedConfig(file, { PROMETHEUS_URL: 'http://p' }))).toEqual([
      `${file}:12:30: environment variable "BRT" is not set (use \${BRT:-default} for a default)`,
    ]);
  });

  it('keeps a missing variable inside a backends or exporters entry for validateConfig, with its position', async () => {
    dir = tempDir();
    const file = dir.write(
      'config.yaml',
      CONFIG.replace('${PUSHGATEWAY_URL:-http://localhost:9091}', '${PGW}'),
    );
    const shared = await loadSharedConfig(file, {});
    expect(shared.unresolved.map((u) => [u.section, u.key, u.variables])).toEqual([
      ['backends', 'prometheus', ['PROMETHEUS_URL']],
      ['exporters', 'prometheus', ['PGW']],
    ]);
    expect(shared.unresolved.map((u) => [u.section, u.key, u.issues.map(formatIssue)])).toEqual([
      [
        'backends',
        'prometheus',
        [
          `${file}:3:10: environment variable "PROMETHEUS_URL" is not set (use \${PROMETHEUS_URL:-default} for a default)`,
        ],
      ],
      [
        'exporters',
        'prometheus',
        [`${file}:6:10: environment variable "PGW" is not set (use \${PGW:-default} for a default)`],
      ],
    ]);
    expect(shared.config.backends.prometheus).toEqual({ url: '$(PROMETHEUS_URL)' });
  });

  it('ignores placeholders in whole-line comments', async () => {
    dir = tempDir();
    const file = dir.write('config.yaml', `# url: \${UNSET_VARIABLE}\n${CONFIG}`);
    await expect(loadSharedConfig(file, { PROMETHEUS_URL: 'http://p' })).resolves.toBeDefined();
  });

  it('types interpolated values after substitution, as slo-generator does', async () => {
    dir = tempDir();
    const file = dir.write(
      'config.yaml',
      CONFIG.replace('burn_rate_threshold: 9', 'burn_rate_threshold: ${THRESHOLD}'),
    );
    const { config } = await loadSharedConfig(file, { PROMETHEUS_URL: 'http://p', THRESHOLD: '4.5' });
    expect(config.error_budget_policies.default!.steps[0]!.burn_rate_threshold).toBe(4.5);
  });

  it('accepts Prometheus durations as policy windows, beyond slo-generator', async () => {
    dir = tempDir();
    const file = dir.write('config.yaml', CONFIG.replace('window: 3600', 'window: 28d'));
    const { config } = await loadSharedConfig(file, { PROMETHEUS_URL: 'http://p' });
    expect(config.error_budget_policies.default!.steps[0]!.window).toBe(2419200);
  });

  it('reports several errors at once, with hints', async () => {
    dir = tempDir();
    const bad = CONFIG.replace('exporters:', 'exporterz:').replace('window: 3600', 'window: 1 hour');
    const file = dir.write('config.yaml', bad);
    expect(await issuesOf(loadSharedConfig(file, { PROMETHEUS_URL: 'http://p' }))).toEqual([
      `${file}:4:1: exporterz: unknown field "exporterz"; did you mean "exporters"?`,
      `${file}:11:17: error_budget_policies.default.steps[0].window: expected a positive whole number of seconds or a duration such as "90d", "12h", "1h30m" (units y, w, d, h, m, s, ms), got "1 hour"`,
    ]);
  });
});

describe('slo-generator files as PyYAML reads them', () => {
  it('accepts merge keys, numeric strings for float fields and an empty exporters list; keeps y/n and dates as text', async () => {
    dir = tempDir();
    const file = dir.write(
      'config.yaml',
      `backends: {prometheus: {url: "http://p"}}
error_budget_policies:
  default:
    steps:
      - &hour {name: 1 hour, window: 3600, burn_rate_threshold: "9", alert: true, message_alert: a, message_ok: b}
      - <<: *hour
        name: 12 hours
        window: 43200
`,
    );
    const { config } = await loadSharedConfig(file, {});
    expect(config.error_budget_policies.default!.steps).toEqual([
      {
        name: '1 hour',
        window: 3600,
        burn_rate_threshold: 9,
        alert: true,
        message_alert: 'a',
        message_ok: 'b',
      },
      {
        name: '12 hours',
        window: 43200,
        burn_rate_threshold: 9,
        alert: true,
        message_alert: 'a',
        message_ok: 'b',
      },
    ]);
    const slo = dir.write(
      'slo.yaml',
      SLO.replace('goal: 0.999', 'goal: "0.999"')
        .replace('  exporters: [prometheus]', '  exporters:')
        .replace('    service_name: prom', '    service_name: prom\n    tier: n\n    since: 2024-01-01'),
    );
    const [loaded] = await loadSlos(slo, {});
    expect(loaded!.config.spec.goal).toBe(0.999);
    expect(loaded!.config.spec.exporters).toBeUndefined();
    expect(loaded!.config.metadata.labels).toEqual({ service_name: 'prom', tier: 'n', since: '2024-01-01' });
  });

  it('never quotes the value of a secret field in an error', async () => {
    dir = tempDir();
    const file = dir.write(
      'config.yaml',
      'backends: {prometheus: {url: "http//admin:Hunter2Secret@p", basic_auth: "admin:hunter22", headers: "Bearer tok-abcdef"}}\nerror_budget_policies: {}\n',
    );
    const shared = await loadSharedConfig(file, {});
    const { validateConfig } = await import('../../src/engine/validate.js');
    const issues = (await validateConfig([], shared, { pluginDirs: [], loadPlugins: false }))
      .map(formatIssue)
      .join('\n');
    expect(issues).toContain('backends.prometheus.basic_auth: expected object, got string');
    expect(issues).not.toContain('hunter22');
    expect(issues).not.toContain('tok-abcdef');
    expect(issues).toContain('backends.prometheus.url: expected an absolute http:// or https:// URL');
    expect(issues).not.toContain('Hunter2Secret');
  });
});
