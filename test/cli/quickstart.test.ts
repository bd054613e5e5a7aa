import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { SloReport, ValidReport } from '../../src/domain/types.js';
import { tempDir } from '../helpers/tmp.js';
import { REPO, runCli } from './run-cli.js';

const QUICKSTART = [
  '-f',
  'examples/compute-quickstart/slos',
  '-c',
  'examples/compute-quickstart/config.yaml',
];

let dir: ReturnType<typeof tempDir> | undefined;
afterEach(() => {
  dir?.cleanup();
  dir = undefined;
});

describe('slokit compute on the quickstart (no external service)', () => {
  it('prints one JSON report per SLO and step and exits 0', async () => {
    const { code, stdout } = await runCli([
      'compute',
      ...QUICKSTART,
      '--output',
      'json',
      '-t',
      '1702660513.987654',
    ]);
    expect(code).toBe(0);
    const reports = JSON.parse(stdout) as ValidReport[];
    expect(reports).toHaveLength(12);
    expect(new Set(reports.map((r) => r.timestamp))).toEqual(new Set([1702660513]));
    const ratio = reports.find((r) => r.name === 'custom-test-availability-ratio' && r.window === 3600)!;
    expect(ratio).toMatchObject({
      good_events_count: 100000,
      bad_events_count: 100,
      sli_measurement: 0.999001,
      error_budget_burn_rate: 1,
      alert: false,
    });
    const incident = reports.find((r) => r.name === 'checkout-availability' && r.window === 3600)!;
    expect(incident).toMatchObject({ alert: true, consequence_message: 'Page to defend the SLO' });
  });

  it('renders an aligned table and YAML', async () => {
    const table = await runCli(['compute', ...QUICKSTART, '--output', 'table']);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^SLO\s+STEP\s+WINDOW\s+SLI\s+GOAL/);
    expect(lines).toHaveLength(13);
    expect(lines.find((l) => l.startsWith('checkout-availability') && l.includes(' 1h '))).toMatch(
      /10\.1 \/ 9\s+-910\.0%\s+ALERT/,
    );
    const yaml = await runCli(['compute', ...QUICKSTART, '--output', 'yaml']);
    expect((parse(yaml.stdout) as SloReport[]).length).toBe(12);
  });

  it('hands reports to the custom exporters of the seed with --export', async () => {
    const { code, stderr } = await runCli(['compute', ...QUICKSTART, '--output', 'json', '--export']);
    expect(code).toBe(0);
    const slo = stderr.split('\n').filter((l) => l.startsWith('custom-slo-exporter '));
    expect(slo.map((l) => JSON.parse(l.slice('custom-slo-exporter '.length)))).toEqual(
      ['1 hour', '12 hours', '7 days', '28 days'].map((step) => ({
        name: 'custom-test-availability-ratio',
        step,
        arg_1: 'test_arg_1',
      })),
    );
    const metrics = stderr
      .split('\n')
      .filter((l) => l.startsWith('custom-metric-exporter '))
      .map((l) => JSON.parse(l.slice(23)));
    expect(metrics).toHaveLength(20); // 5 default metrics x 4 steps
    expect(metrics).toContainEqual({
      name: 'slo_target',
      value: 0.999,
      labels: {
        error_budget_policy_step_name: '1 hour',
        service_name: 'custom',
        feature_name: 'test',
        slo_name: 'availability-ratio',
      },
    });
  });

  it('validates the quickstart', async () => {
    const { code, stdout } = await runCli(['validate', ...QUICKSTART]);
    expect(code).toBe(0);
    expect(stdout).toContain('3 SLO(s)');
  });
});

describe('exit codes and errors', () => {
  it('exits 2 on usage errors', async () => {
    expect((await runCli(['compute'])).code).toBe(2);
    expect((await runCli(['compute', ...QUICKSTART, '--output', 'xml'])).code).toBe(2);
    expect((await runCli(['compute', ...QUICKSTART, '--concurrency', '0'])).code).toBe(2);
    expect((await runCli(['frobnicate'])).code).toBe(2);
  });

  it('exits 0 with help and version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/compute[\s\S]*validate[\s\S]*schema/);
    const computeHelp = await runCli(['compute', '--help']);
    expect(computeHelp.stdout).toContain('Exit codes: 0 all reports valid');
    expect((await runCli(['--version'])).stdout).toMatch(/^slokit v\d+\.\d+\.\d+/);
  });

  it('exits 2 on config errors, naming file, line, column and field', async () => {
    dir = tempDir();
    dir.write(
      'config.yaml',
      'backends:\n  custom.custom_backend.CustomBackend: {}\nerror_budget_policies:\n  default:\n    steps:\n      - {name: 1h, window: 3600, burn_rate_threshold: 1}\n',
    );
    const slo = dir.write(
      'slo.yaml',
      'apiVersion: sre.google.com/v2\nkind: ServiceLevelObjective\nmetadata:\n  name: x\nspec:\n  description: x\n  backend: custom.custom_backend.CustomBackand\n  method: good_bad_ratio\n  service_level_indicator: {}\n  goal: 0.99\n',
    );
    for (const command of ['compute', 'validate']) {
      const { code, stderr } = await runCli([command, '-f', slo, '-c', `${dir.root}/config.yaml`]);
      expect(code).toBe(2);
      expect(stderr).toContain(
        `${slo}:7:12: spec.backend: backend "custom.custom_backend.CustomBackand" is not defined in the shared config (defined: custom.custom_backend.CustomBackend); did you mean "custom.custom_backend.CustomBackend"?`,
      );
    }
  });

  it('exits 1 when a report is invalid, still printing the other reports', async () => {
    dir = tempDir();
    dir.write(
      'custom/flaky.js',
      'export class Flaky { good_bad_ratio(t, w) { if (w > 3600) throw new Error("down"); return [9, 1]; } }\n',
    );
    dir.write(
      'config.yaml',
      'backends:\n  custom.flaky.Flaky: {}\nerror_budget_policies:\n  default:\n    steps:\n      - {name: 1h, window: 3600, burn_rate_threshold: 1}\n      - {name: 1d, window: 86400, burn_rate_threshold: 1}\n',
    );
    dir.write(
      'slos/a.yaml',
      'apiVersion: sre.google.com/v2\nkind: ServiceLevelObjective\nmetadata: {name: a}\nspec: {description: a, backend: custom.flaky.Flaky, method: good_bad_ratio, service_level_indicator: {}, goal: 0.5}\n',
    );
    const { code, stdout } = await runCli(['compute', '-f', 'slos', '-c', 'config.yaml', '-o', 'json'], {
      cwd: dir.root,
    });
    expect(code).toBe(1);
    const reports = JSON.parse(stdout) as SloReport[];
    expect(reports.map((r) => r.valid)).toEqual([true, false]);
    expect(reports[1]!.errors[0]).toBe('Error: down');
  });
});

describe('slokit schema', () => {
  it('prints the JSON Schema of SLO files and of the shared config', async () => {
    const slo = JSON.parse((await runCli(['schema', 'slo'])).stdout);
    expect(slo.required).toEqual(expect.arrayContaining(['apiVersion', 'kind', 'metadata', 'spec']));
    expect(slo.properties.spec.properties.goal.anyOf[0]).toMatchObject({
      type: 'number',
      minimum: 0,
      maximum: 1,
    });
    const config = JSON.parse((await runCli(['schema', 'config'])).stdout);
    expect(Object.keys(config.properties)).toEqual(
      expect.arrayContaining(['backends', 'exporters', 'error_budget_policies', 'default_exporters']),
    );
    expect(config.additionalProperties).toBe(false);
    expect((await runCli(['schema', 'other'])).code).toBe(2);
  });

  it('matches the published schema files', async () => {
    for (const kind of ['slo', 'config']) {
      const published = JSON.parse(readFileSync(`${REPO}/schemas/${kind}.schema.json`, 'utf8'));
      expect(JSON.parse((await runCli(['schema', kind])).stdout)).toEqual(published);
    }
  });
});

describe('minimum valid events', () => {
  it('reads MIN_VALID_EVENTS from the environment, overridden by the config option and the flag', async () => {
    const ratio = (stdout: string) =>
      (JSON.parse(stdout) as SloReport[]).filter((r) => r.metadata.name === 'custom-test-availability-ratio');
    const fromEnv = await runCli(['compute', ...QUICKSTART, '-o', 'json'], {
      env: { MIN_VALID_EVENTS: '100101' },
    });
    expect(fromEnv.code).toBe(1);
    expect(ratio(fromEnv.stdout)[0]!.errors).toEqual([
      'Not enough valid events (100100) found. Minimum valid events: 100101.',
    ]);
    const fromFlag = await runCli(['compute', ...QUICKSTART, '-o', 'json', '--min-valid-events', '100100'], {
      env: { MIN_VALID_EVENTS: '100101' },
    });
    expect(ratio(fromFlag.stdout).every((r) => r.valid)).toBe(true);
    const garbage = await runCli(['compute', ...QUICKSTART, '-o', 'json'], {
      env: { MIN_VALID_EVENTS: 'ten' },
    });
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toContain(
      'environment: MIN_VALID_EVENTS: expected a non-negative integer, got "ten"',
    );
    expect((await runCli(['compute', ...QUICKSTART, '--min-valid-events', '-1'])).code).toBe(2);

    dir = tempDir();
    const config = dir.write(
      'config.yaml',
      `${readFileSync(`${REPO}/examples/compute-quickstart/config.yaml`, 'utf8')}\nmin_valid_events: 100100\n`,
    );
    // Plugins resolve against the working directory first, so run from the quickstart folder.
    const fromConfig = await runCli(['compute', '-f', 'slos', '-c', config, '-o', 'json'], {
      cwd: `${REPO}/examples/compute-quickstart`,
      env: { MIN_VALID_EVENTS: '100101' },
    });
    expect(fromConfig.stderr).toBe('');
    expect(ratio(fromConfig.stdout).every((r) => r.valid)).toBe(true);
  });
});

describe('plugins outside the slokit repository', () => {
  it('runs the quickstart copied elsewhere: its plugins import "slokit" and resolve to the running package', async () => {
    dir = tempDir();
    cpSync(`${REPO}/examples/compute-quickstart`, dir.root, { recursive: true });
    const { code, stdout, stderr } = await runCli(
      ['compute', '-f', 'slos', '-c', 'config.yaml', '-o', 'json', '--export'],
      {
        cwd: dir.root,
      },
    );
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as SloReport[]).length).toBe(12);
    expect(stderr.split('\n').filter((l) => l.startsWith('custom-metric-exporter '))).toHaveLength(20);
  });

  it('gives SLOs of a broken plugin invalid reports (exit 1) while the others complete', async () => {
    dir = tempDir();
    cpSync(`${REPO}/examples/compute-quickstart`, dir.root, { recursive: true });
    writeFileSync(`${dir.root}/custom/custom_backend.js`, 'export class Other {}\n');
    const { code, stdout } = await runCli(['compute', '-f', 'slos', '-c', 'config.yaml', '-o', 'json'], {
      cwd: dir.root,
    });
    expect(code).toBe(1);
    const reports = JSON.parse(stdout) as SloReport[];
    const broken = reports.filter((r) => r.metadata.name.startsWith('custom-test-'));
    expect(
      broken.every(
        (r) => !r.valid && /has no exported class "CustomBackend" \(exports: Other\)/.test(r.errors[0]!),
      ),
    ).toBe(true);
    expect(reports.filter((r) => r.metadata.name === 'checkout-availability').every((r) => r.valid)).toBe(
      true,
    );
  });
});

describe('compute --delete', () => {
  it('calls the exporters’ delete for every SLO and step without querying any backend', async () => {
    dir = tempDir();
    dir.write(
      'custom/down.js',
      "import { writeFileSync } from 'node:fs';\nexport class Down { good_bad_ratio() { writeFileSync('queried', 'yes'); throw new Error('down'); } }\n",
    );
    dir.write(
      'custom/recorder.js',
      "import { appendFileSync } from 'node:fs';\nexport class Recorder {\n  export() {}\n  delete(report) { appendFileSync('deleted.txt', `${report.name}|${report.error_budget_policy_step_name}\\n`); }\n}\nexport class NoDelete { export() {} }\n",
    );
    dir.write(
      'config.yaml',
      'backends:\n  custom.down.Down: {}\nexporters:\n  custom.recorder.Recorder: {}\n  custom.recorder.NoDelete: {}\ndefault_exporters: [custom.recorder.NoDelete]\nerror_budget_policies:\n  default:\n    steps:\n      - {name: 1h, window: 3600, burn_rate_threshold: 1}\n      - {name: 1d, window: 86400, burn_rate_threshold: 1}\n',
    );
    dir.write(
      'slos/a.yaml',
      'apiVersion: sre.google.com/v2\nkind: ServiceLevelObjective\nmetadata: {name: a}\nspec: {description: a, backend: custom.down.Down, method: good_bad_ratio, exporters: [custom.recorder.Recorder], service_level_indicator: {}, goal: 0.9}\n',
    );
    const { code, stdout } = await runCli(
      ['compute', '-f', 'slos', '-c', 'config.yaml', '--delete', '-o', 'json'],
      { cwd: dir.root },
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([
      {
        name: 'a',
        error_budget_policy_step_name: '1h',
        deleted_from: ['custom.recorder.Recorder'],
        errors: [],
      },
      {
        name: 'a',
        error_budget_policy_step_name: '1d',
        deleted_from: ['custom.recorder.Recorder'],
        errors: [],
      },
    ]);
    expect(readFileSync(`${dir.root}/deleted.txt`, 'utf8')).toBe('a|1h\na|1d\n');
    expect(existsSync(`${dir.root}/queried`)).toBe(false);
    expect(
      (
        await runCli(['compute', '-f', 'slos', '-c', 'config.yaml', '--delete', '--export'], {
          cwd: dir.root,
        })
      ).code,
    ).toBe(2);
  });
});
