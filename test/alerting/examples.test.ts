/**
 * The alerting examples (examples/alerting/): the committed rule files are exactly what `slokit rules
 * generate` writes (golden files, reviewed by hand against the SRE workbook formulas), `promtool check rules`
 * accepts them, and the `promtool test rules` scenarios beside them pass (a sharp outage pages within
 * minutes, a slow burn opens a ticket but no page, clean traffic fires nothing, alerts resolve), and the
 * example config's multi-window policy steps compute reports beside them against a real Prometheus.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { SloReport, ValidReport } from '../../src/domain/types.js';
import { REPO, runCli } from '../cli/run-cli.js';
import { DAY, type History, HOUR, STEP, startPrometheus } from '../helpers/prometheus.js';
import { tempDir } from '../helpers/tmp.js';

const EXAMPLE = join(REPO, 'examples/alerting');
const SLOKIT_RULES = join(EXAMPLE, 'rules/slo-rules.yml');
const SLOTH_RULES = join(EXAMPLE, 'rules/sloth-rules.yml');

/** Runs promtool; resolves with its exit code and output. */
function promtool(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile('promtool', args, { cwd: REPO }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

let dir: ReturnType<typeof tempDir> | undefined;
afterEach(() => {
  dir?.cleanup();
  dir = undefined;
});

describe('alerting examples', () => {
  it('slokit SLO files generate exactly the committed rule file', async () => {
    const { code, stdout, stderr } = await runCli([
      'rules',
      'generate',
      '-f',
      'examples/alerting/slos',
      '-c',
      'examples/alerting/config.yaml',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(readFileSync(SLOKIT_RULES, 'utf8'));
  });

  it('the Sloth spec generates exactly the committed rule file', async () => {
    const { code, stdout } = await runCli([
      'rules',
      'generate',
      '--from',
      'sloth',
      'examples/alerting/sloth',
      '-l',
      'cmd=examplesgen.sh',
    ]);
    expect(code).toBe(0);
    expect(stdout).toBe(readFileSync(SLOTH_RULES, 'utf8'));
  });

  it('-o writes the same rules to a file', async () => {
    dir = tempDir();
    const out = join(dir.root, 'rules.yml');
    const args = ['rules', 'generate', '-f', 'examples/alerting/slos', '-c', 'examples/alerting/config.yaml'];
    const { code, stdout } = await runCli([...args, '-o', out]);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(SLOKIT_RULES, 'utf8'));
    expect(readdirSync(dir.root)).toEqual(['rules.yml']);
  });

  it.each([
    [SLOKIT_RULES, 63],
    [SLOTH_RULES, 17],
  ])('promtool check rules accepts %s', async (file, rules) => {
    const { code, output } = await promtool(['check', 'rules', file]);
    expect(output).toContain(`SUCCESS: ${rules} rules found`);
    expect(code).toBe(0);
  });

  it('the promtool test rules scenarios pass', async () => {
    const tests = readdirSync(join(EXAMPLE, 'tests'))
      .filter((f) => f.endsWith('.test.yml'))
      .map((f) => join(EXAMPLE, 'tests', f));
    expect(tests).toHaveLength(4);
    const { code, output } = await promtool(['test', 'rules', ...tests]);
    expect(output).not.toContain('FAILED');
    expect(output.match(/SUCCESS/g)).toHaveLength(4);
    expect(code).toBe(0);
  }, 120_000);

  it('the config computes multi-window reports whose page steps fire with the generated page alert', async () => {
    // checkout: 1000 requests a minute; 5xx: 2 % over the last hour (burn rate 20), 0.5 % the 5 hours before
    // (6h burn rate (60×20 + 300×5) / 360 = 7.5), none before.
    const end = 1_700_006_400;
    const errors = (t: number) => (end - t < HOUR ? 20 : end - t < 6 * HOUR ? 5 : 0);
    const history: History = {
      start: end - DAY,
      end,
      step: STEP,
      families: [
        {
          name: 'http_requests',
          type: 'counter',
          help: 'Requests.',
          series: [
            {
              name: 'http_requests_total',
              labels: { job: 'checkout', code: '200' },
              increment: (t) => 1000 - errors(t),
            },
            { name: 'http_requests_total', labels: { job: 'checkout', code: '500' }, increment: errors },
          ],
        },
      ],
    };
    const prometheus = await startPrometheus(history);
    try {
      const slo = 'examples/alerting/slos/checkout-availability.yaml';
      const config = 'examples/alerting/config.yaml';
      const computed = await runCli(['compute', '-f', slo, '-c', config, '-o', 'json', '-t', String(end)], {
        env: { PROMETHEUS_URL: prometheus.url, MIN_VALID_EVENTS: '' },
      });
      expect(computed.code, computed.stderr).toBe(0);
      const reports = (JSON.parse(computed.stdout) as SloReport[]).map((r) => {
        const v = r as ValidReport & Record<string, unknown>;
        return [
          v.error_budget_policy_step_name,
          v.short_window,
          v.error_budget_burn_rate,
          v.short_window_error_budget_burn_rate,
          v.error_budget_burn_rate_threshold,
          v.alert,
        ];
      });
      expect(reports).toEqual([
        ['1 hour', 300, 20, 20, 14.4, true],
        ['6 hours', 1800, 7.5, 20, 6, true],
        // The history holds one day: 2700 errors of 1,440,000 requests, burn rate 1.875 (rounded to 0.1).
        ['30 days', undefined, 1.9, undefined, 1, true],
      ]);
      // The generated page alert compares the same window pairs with the same factors.
      const rules = await runCli(['rules', 'generate', '-f', slo, '-c', config]);
      const page = (
        parse(rules.stdout) as {
          groups: { rules: { alert?: string; expr: string; labels?: Record<string, string> }[] }[];
        }
      ).groups[0]!.rules.find((r) => r.alert && r.labels?.severity === 'page')!.expr;
      expect(page).toContain('ratio_rate1h{slo="checkout-availability"} > 14.4');
      expect(page).toContain('ratio_rate5m{slo="checkout-availability"} > 14.4');
      expect(page).toContain('ratio_rate6h{slo="checkout-availability"} > 6');
      expect(page).toContain('ratio_rate30m{slo="checkout-availability"} > 6');
    } finally {
      await prometheus.stop();
    }
  }, 120_000);
});
