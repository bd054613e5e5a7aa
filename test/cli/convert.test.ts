/**
 * `slokit convert --from openslo` end to end with the built CLI: golden files, exit codes, notes on stderr,
 * the output validated by `slokit validate` and computed against a real Prometheus holding the deterministic
 * history of `test/helpers/prometheus.ts` (service "api": 600 requests a minute, errors a minute by age:
 * <1h 30, <12h 6, <7d 1, older 2). Hand-worked SLIs of that history:
 *   5m, 30m, 1h 0.95 | 2h 0.97 (2160 errors of 72000) | 6h 0.983333 (3600 of 216000)
 *   1d 0.9925 (6480 of 864000) | 3d 0.996389 (9360 of 2592000) | 7d 0.9975 | 28d 0.996875
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { SloReport, ValidReport } from '../../src/domain/types.js';
import { EVAL_TIME, type PrometheusServer, startPrometheus } from '../helpers/prometheus.js';
import { tempDir } from '../helpers/tmp.js';
import { REPO, runCli } from './run-cli.js';

const EXAMPLE = 'examples/openslo/openslo.yaml';
const GOLDEN = join(REPO, 'test/fixtures/openslo/checkout');
const API = 'test/fixtures/openslo/api.yaml';

let dir: ReturnType<typeof tempDir>;
beforeAll(() => {
  if (!existsSync(join(REPO, 'dist/cli/main.js')))
    throw new Error('dist/ is missing: run `npm run build` first');
});
beforeEach(() => {
  dir = tempDir('slokit-convert-');
});
afterEach(() => dir.cleanup());

const convert = (...args: string[]) => runCli(['convert', '--from', 'openslo', ...args]);
const out = () => join(dir.root, 'out');

describe('slokit convert --from openslo', () => {
  /** Paths of the files under `root`, relative, sorted (`config.yaml`, `slos/<name>.yaml`). */
  const filesUnder = (root: string) =>
    readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(root, join(entry.parentPath, entry.name)))
      .sort();

  it('writes the golden files of the example (reviewed by hand), which slokit validate accepts', async () => {
    const { code, stdout, stderr } = await convert(EXAMPLE, '-o', out());
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(`wrote 4 SLO file(s) to ${join(out(), 'slos')} and ${join(out(), 'config.yaml')}\n`);
    const golden = filesUnder(GOLDEN);
    expect(golden).toEqual([
      'config.yaml',
      'slos/checkout-availability-good.yaml',
      'slos/checkout-availability-great.yaml',
      'slos/checkout-errors.yaml',
      'slos/checkout-latency.yaml',
    ]);
    expect(filesUnder(out())).toEqual(golden);
    for (const name of golden) {
      expect(readFileSync(join(out(), name), 'utf8'), name).toBe(readFileSync(join(GOLDEN, name), 'utf8'));
    }
    const config = join(out(), 'config.yaml');
    const validate = await runCli(['validate', '-f', join(out(), 'slos'), '-c', config]);
    expect(validate).toMatchObject({ code: 0, stdout: `ok: 4 SLO(s) and ${config} are valid\n` });
  });

  it('prints the same files as YAML documents without -o, SLOs first', async () => {
    const { code, stdout } = await convert(EXAMPLE);
    expect(code).toBe(0);
    const expected = [...filesUnder(GOLDEN).slice(1), 'config.yaml']
      .map((name) => `# ${name}\n${readFileSync(join(GOLDEN, name), 'utf8')}`)
      .join('---\n');
    expect(stdout).toBe(expected);
  });

  it('an SLO named config does not overwrite config.yaml', async () => {
    const input = dir.write(
      'in.yaml',
      readFileSync(join(REPO, EXAMPLE), 'utf8').replace('name: checkout-errors', 'name: config'),
    );
    expect((await convert(input, '-o', out())).code).toBe(0);
    expect(readFileSync(join(out(), 'slos/config.yaml'), 'utf8')).toContain('kind: ServiceLevelObjective');
    expect(readFileSync(join(out(), 'config.yaml'), 'utf8')).toContain('error_budget_policies:');
  });

  it('exits 1 with the notes on stderr when some parts are not converted, and writes the rest', async () => {
    const input = dir.write(
      'in.yaml',
      `${readFileSync(join(REPO, EXAMPLE), 'utf8')}---
apiVersion: openslo/v1
kind: SLO
metadata: {name: sliced}
spec:
  indicatorRef: checkout-good-requests
  timeWindow: [{duration: 28d, isRolling: true}]
  budgetingMethod: Timeslices
  objectives: [{target: 0.99, timeSliceTarget: 0.9, timeSliceWindow: 1m}]
`,
    );
    const { code, stderr } = await convert(input, '-o', out());
    expect(code).toBe(1);
    expect(stderr).toBe(
      `slokit: ${input}:122:20: spec.budgetingMethod: not converted: budgetingMethod Timeslices is not supported (slokit counts Occurrences: good and total events over the window)\n`,
    );
    expect(filesUnder(out())).toHaveLength(5);
  });

  it('exits 2 when nothing converts, on YAML errors, and on usage errors', async () => {
    const nothing = dir.write(
      'calendar.yaml',
      'apiVersion: openslo/v1\nkind: AlertPolicy\nmetadata: {name: p}\nspec: {}\n',
    );
    const none = await convert(nothing);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      `slokit: ${nothing}:2:7: kind: not converted: kind AlertPolicy: slokit alerts with the error budget policy of each converted SLO (multiwindow burn rates from the SRE workbook)\nslokit: nothing converted from ${nothing}\n`,
    );
    const broken = dir.write('broken.yaml', 'apiVersion: openslo/v1\nkind: [SLO\n');
    const yaml = await convert(broken);
    expect(yaml.code).toBe(2);
    expect(yaml.stderr).toMatch(new RegExp(`^slokit: 1 config error:\\n {2}${broken}:3:1: invalid YAML: `));
    expect((await runCli(['convert', EXAMPLE])).code).toBe(2); // --from is required
    expect((await runCli(['convert', '--from', 'sloth', EXAMPLE])).code).toBe(2);
    expect((await convert(join(dir.root, 'missing.yaml'))).code).toBe(2);
  });

  it('writes the burn-rate thresholds rules generate alerts on: a report step and its alert share one factor', async () => {
    expect((await convert(EXAMPLE, '-o', out())).code).toBe(0);
    const config = parse(readFileSync(join(out(), 'config.yaml'), 'utf8')) as {
      error_budget_policies: Record<string, { steps: Record<string, unknown>[] }>;
    };
    const steps = config.error_budget_policies['openslo-28d']!.steps.filter((s) => s.short_window);
    const rules = await runCli([
      'rules',
      'generate',
      '-f',
      join(out(), 'slos', 'checkout-availability-good.yaml'),
      '-c',
      join(out(), 'config.yaml'),
    ]);
    expect(rules.code, rules.stderr).toBe(0);
    const alerts = (parse(rules.stdout) as { groups: { rules: { alert?: string; expr: string }[] }[] }).groups
      .flatMap((g) => g.rules)
      .filter((r) => r.alert)
      .map((r) => r.expr)
      .join('\n');
    const factor = (window: unknown, side: 'long' | 'short') => {
      const match = new RegExp(`ratio_rate${window}\\{[^}]*\\} > ([0-9.]+)`, 'g');
      const found = [...alerts.matchAll(match)].map((m) => Number(m[1]));
      expect(found, `${side} window ${window}`).not.toHaveLength(0);
      return found;
    };
    expect(steps.map((s) => s.window)).toEqual(['1h', '6h', '1d', '3d']);
    for (const step of steps) {
      expect(factor(step.window, 'long')).toContain(step.burn_rate_threshold);
      expect(factor(step.short_window, 'short')).toContain(step.burn_rate_threshold);
    }
    expect(steps.map((s) => s.burn_rate_threshold)).toEqual([13.44, 5.6, 2.8, 0.9333333333333333]);
  });

  it('refuses to overwrite files unless --force, writing nothing', async () => {
    dir.write('out/config.yaml', 'mine\n');
    const refused = await convert(EXAMPLE, '-o', out());
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`slokit: ${out()} already has config.yaml; use --force to overwrite\n`);
    expect(filesUnder(out())).toEqual(['config.yaml']);
    expect(readFileSync(join(out(), 'config.yaml'), 'utf8')).toBe('mine\n');
    const forced = await convert(EXAMPLE, '-o', out(), '--force');
    expect(forced.code).toBe(0);
    expect(readFileSync(join(out(), 'config.yaml'), 'utf8')).toBe(
      readFileSync(join(GOLDEN, 'config.yaml'), 'utf8'),
    );
  });
});

describe('converted OpenSLO SLOs computed against Prometheus', () => {
  let prometheus: PrometheusServer;
  beforeAll(async () => {
    prometheus = await startPrometheus();
  });
  afterAll(async () => {
    await prometheus?.stop();
  });

  /** Converts the api fixture, then computes it at the history's end; returns the reports by SLO name. */
  async function computeConverted(): Promise<Map<string, ValidReport[]>> {
    const converted = await convert(API, '-o', out());
    expect(converted.code, converted.stderr).toBe(0);
    const { code, stdout, stderr } = await runCli(
      [
        'compute',
        '-f',
        join(out(), 'slos'),
        '-c',
        join(out(), 'config.yaml'),
        '-o',
        'json',
        '-t',
        String(EVAL_TIME),
      ],
      { env: { PROMETHEUS_URL: prometheus.url, MIN_VALID_EVENTS: '' } },
    );
    expect(code, stderr).toBe(0);
    const bySlo = new Map<string, ValidReport[]>();
    for (const report of JSON.parse(stdout) as SloReport[]) {
      const valid = report as ValidReport;
      bySlo.set(valid.name, [...(bySlo.get(valid.name) ?? []), valid]);
    }
    return bySlo;
  }
  const windows = (r: ValidReport) => [
    r.error_budget_policy_step_name,
    r.sli_measurement,
    r.short_window_sli_measurement,
  ];

  it('good/total, bad/total and threshold SLOs give the hand-worked SLIs, multiwindow alerts per objective', async () => {
    const reports = await computeConverted();
    expect([...reports.keys()]).toEqual([
      'api-availability-three-nines',
      'api-availability-two-nines',
      'api-error-rate',
      'api-errors',
    ]);
    const twoNines = reports.get('api-availability-two-nines')!;
    expect(twoNines.map(windows)).toEqual([
      ['page 1h', 0.95, 0.95],
      ['page 6h', 0.983333, 0.95],
      ['ticket 1d', 0.9925, 0.97],
      ['ticket 3d', 0.996389, 0.983333],
      ['window 28d', 0.996875, undefined],
    ]);
    expect(twoNines.map((r) => r.alert)).toEqual([false, false, false, false, false]);
    // 99.9 %: every window burns above its threshold (1h 50 > 13.44, 6h 16.7 > 5.6, 1d 7.5 > 2.8, 3d 3.6 > 0.933).
    expect(reports.get('api-availability-three-nines')!.map((r) => r.alert)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);

    // bad/total over 7 days: good = total - bad.
    const errors = reports.get('api-errors')!;
    expect(errors[0]).toMatchObject({
      good_events_count: 34200,
      bad_events_count: 1800,
      short_window_bad_events_count: 150,
    });
    expect(errors.map(windows)).toEqual([
      ['page 1h', 0.95, 0.95],
      ['page 6h', 0.983333, 0.95],
      ['ticket 1d', 0.9925, 0.97],
      ['ticket 3d', 0.996389, 0.983333],
      ['window 7d', 0.9975, undefined],
    ]);
    // 7 days at 99 %: pages at 3.36 (1h burns 5.0) and 1.4 (6h burns 1.7); the 3d ticket at 0.2333 (3d
    // burns 0.4, 6h 1.7); not the 1d ticket at 0.7 (the report's burn rate, rounded to 0.1 as slo-generator
    // does, is 0.7: not above).
    expect(errors.map((r) => r.alert)).toEqual([true, true, false, true, false]);

    // Threshold: the 5xx rate (at most 0.5/s) is under 1 every minute; the 1-minute subquery includes both
    // ends of the window in Prometheus 2.x, so a day has 1441 points, an hour 61, five minutes 6.
    const rate = reports.get('api-error-rate')!;
    expect(
      rate.map((r) => [
        r.error_budget_policy_step_name,
        r.good_events_count,
        r.bad_events_count,
        r.short_window_good_events_count,
      ]),
    ).toEqual([
      ['page 1h', 61, 0, 6],
      ['page 6h', 361, 0, 31],
      ['window 1d', 1441, 0, undefined],
    ]);
  });
});
