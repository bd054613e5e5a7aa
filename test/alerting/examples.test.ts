/**
 * The alerting examples (examples/alerting/): the committed rule files are exactly what `slokit rules
 * generate` writes (golden files, reviewed by hand against the SRE workbook formulas), `promtool check rules`
 * accepts them, and the `promtool test rules` scenarios beside them pass (a sharp outage pages within
 * minutes, a slow burn opens a ticket but no page, clean traffic fires nothing, alerts resolve).
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO, runCli } from '../cli/run-cli.js';
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
});
