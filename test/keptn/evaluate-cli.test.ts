/**
 * `slokit keptn evaluate` end to end with the built CLI, real files and the real SQLite history: exit codes,
 * the table, the JSON data (equal to the library's evaluation), --previous, --history/--store round trips
 * and positioned file errors.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  evaluateKeptn,
  previousEvaluationQuery,
  selectPreviousEvaluations,
} from '../../src/domain/keptn-evaluation.js';
import type { EvaluationFinishedData } from '../../src/domain/keptn-types.js';
import { HistoryStore } from '../../src/history/store.js';
import { parseGetSliFinished, parsePreviousEvaluations } from '../../src/keptn/evaluation-input.js';
import { EvaluationStore } from '../../src/keptn/evaluation-store.js';
import { parseKeptnSlo } from '../../src/keptn/slo-file.js';
import { REPO, runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers/tmp.js';

const FIXTURES = 'test/fixtures/keptn/evaluation';
const SLO = `${FIXTURES}/slo.yaml`;
const SLI = `${FIXTURES}/get-sli-finished.json`;
const PREVIOUS = `${FIXTURES}/previous.json`;
const read = (file: string) => readFileSync(join(REPO, file), 'utf8');

let dir: ReturnType<typeof tempDir>;
beforeAll(() => {
  if (!existsSync(join(REPO, 'dist/cli/main.js')))
    throw new Error('dist/ is missing: run `npm run build` first');
});
beforeEach(() => {
  dir = tempDir('slokit-keptn-cli-');
});
afterEach(() => dir.cleanup());

const evaluate = (...args: string[]) => runCli(['keptn', 'evaluate', ...args]);

describe('slokit keptn evaluate', () => {
  it('passes without previous evaluations (relative criteria have no baseline): table, exit 0', async () => {
    const { code, stdout, stderr } = await evaluate('--slo', SLO, '--sli', SLI);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'OBJECTIVE          VALUE  PASS                            WARNING  SCORE  STATUS',
        'Response time P95  580    <=+10% (no baseline) ✓, <600 ✓  <=800 ✓  2/2    pass',
        'Error rate (key)   0.004  <=0.01 ✓                                 1/1    pass',
        'throughput         88.3                                            -      info',
        'Score: 100 of 100 (pass >= 90%, warning >= 75%): pass',
        'Result: pass',
        '',
      ].join('\n'),
    );
  });

  it('prints with --output json the evaluation.finished data the library computes; --previous selects as lighthouse', async () => {
    const { code, stdout } = await evaluate('--slo', SLO, '--sli', SLI, '--previous', PREVIOUS, '-o', 'json');
    expect(code).toBe(1);
    const data = JSON.parse(stdout) as EvaluationFinishedData;
    const slo = parseKeptnSlo(read(SLO), SLO);
    const sli = parseGetSliFinished(read(SLI), SLI);
    const previous = selectPreviousEvaluations(
      parsePreviousEvaluations(read(PREVIOUS), PREVIOUS),
      sli,
      previousEvaluationQuery(slo.slo.comparison),
    );
    expect(data).toEqual(
      evaluateKeptn({
        sli,
        slo: slo.slo,
        sloFileContent: Buffer.from(slo.text).toString('base64'),
        previous,
      }),
    );
    // passed evaluations of staging only, newest two: 500 and 525 → 512.5; 580 > 563.75 → warning
    const [rt] = data.evaluation.indicatorResults!;
    expect(rt!.value!.comparedValue).toBe(512.5);
    expect(rt!.status).toBe('warning');
    expect(data.evaluation.comparedEvents).toEqual(['e-pass-2']);
    expect(data.result).toBe('fail');
    expect(data.message).toBe(
      'Evaluation failed since the calculated score of 66.66666666666666 is below the warning value of 75',
    );
    expect(Buffer.from(data.evaluation.sloFileContent, 'base64').toString('utf8')).toBe(read(SLO));
  });

  it('--store records evaluations and --history compares with them (include_result_with_score: pass)', async () => {
    const db = join(dir.root, 'history.db');
    const first = await evaluate('--slo', SLO, '--sli', SLI, '--history', '--store', '--history-db', db);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(
      /^slokit: warning: history database .* does not exist: no previous evaluations to compare with; it is created to store this evaluation\n/,
    );
    const stored = /stored in .* as ([0-9a-f-]{36})\n$/.exec(first.stderr)?.[1];
    expect(stored).toBeDefined();

    // slower now: 700 > 580 · 1.1 and not < 600, but <= 800 → warning; score 2/3 → fail
    const slower = dir.write('slower.json', read(SLI).replace('"value": 580', '"value": 700'));
    const second = await evaluate(
      '--slo',
      SLO,
      '--sli',
      slower,
      '--history',
      '--store',
      '--history-db',
      db,
      '-o',
      'json',
    );
    expect(second.code).toBe(1);
    const data = JSON.parse(second.stdout) as EvaluationFinishedData;
    expect(data.evaluation.comparedEvents).toEqual([stored]);
    expect(data.evaluation.indicatorResults![0]!.passTargets![0]).toEqual({
      criteria: '<=+10%',
      targetValue: (580 * 110) / 100,
      violated: true,
    });

    // the failed second evaluation is stored but not compared with (only passed ones count)
    const third = await evaluate('--slo', SLO, '--sli', SLI, '--history', '--history-db', db, '-o', 'json');
    expect(third.code).toBe(0);
    expect((JSON.parse(third.stdout) as EvaluationFinishedData).evaluation.comparedEvents).toEqual([stored]);
    const store = new HistoryStore(db, { readonly: true });
    expect(new EvaluationStore(store).count()).toBe(2);
    store.close();
  });

  it('--history with an explicit --history-db that does not exist: exit 2 naming the file, no file created', async () => {
    const db = join(dir.root, 'none.db');
    const { code, stdout, stderr } = await evaluate(
      '--slo',
      SLO,
      '--sli',
      SLI,
      '--history',
      '--history-db',
      db,
    );
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `slokit: --history-db ${db}: no such file (it holds the evaluations --history compares with)\n`,
    );
    expect(existsSync(db)).toBe(false);
  });

  it('--history without the default database yet: a warning, compares with nothing, creates no file', async () => {
    const args = ['--slo', join(REPO, SLO), '--sli', join(REPO, SLI), '--history'];
    const { code, stderr } = await runCli(['keptn', 'evaluate', ...args], { cwd: dir.root });
    expect(code).toBe(0);
    expect(stderr).toBe(
      'slokit: warning: history database .slokit/history.db does not exist: no previous evaluations to compare with\n',
    );
    expect(existsSync(join(dir.root, '.slokit'))).toBe(false);
  });

  it('a failed key SLI fails the gate: exit 1 and the reason', async () => {
    const bad = dir.write('bad.json', read(SLI).replace('"value": 0.004', '"value": 0.5'));
    const { code, stdout } = await evaluate('--slo', SLO, '--sli', bad);
    expect(code).toBe(1);
    expect(stdout).toContain('Error rate (key)   0.5    <=0.01 ✗');
    expect(stdout).toContain(
      "Message: Evaluation failed due to key_sli objective 'Error rate': failed evaluation with score 0.000000\n",
    );
  });

  it('an errored get-sli event (data only) fails the gate with the provider message', async () => {
    const errored = dir.write(
      'errored.json',
      JSON.stringify({
        project: 'p',
        stage: 's',
        service: 'x',
        status: 'errored',
        result: 'fail',
        message: 'no Prometheus',
      }),
    );
    const { code, stdout } = await evaluate('--slo', SLO, '--sli', errored);
    expect(code).toBe(1);
    expect(stdout).toBe(
      [
        'Score: 0 of 100 (pass >= 90%, warning >= 75%): pass',
        'Result: fail (score: pass), errored',
        'Message: evaluation performed by lighthouse received an unexpected error: no Prometheus',
        '',
      ].join('\n'),
    );
  });

  it('file and usage errors exit 2 with file, line, column and field', async () => {
    const slo = dir.write(
      'slo.yaml',
      'objectives:\n  - sli: a\n    pass:\n      - criteria: ["=>5"]\ntotal_score: {pass: 90%}\n',
    );
    const other = dir.write(
      'other.json',
      '{"specversion":"1.0","type":"sh.keptn.event.get-sli.triggered","data":{}}',
    );
    const bad = await evaluate('--slo', slo, '--sli', other);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      [
        'slokit: 2 config errors:',
        `  ${slo}:4:20: objectives[0].pass[0].criteria[0]: could not parse criteria target value "=>5": expected an operator (<, <=, =, >=, >) then a number; +N/-N and N% are relative to the comparison value`,
        `  ${other}:1:29: type: expected a sh.keptn.event.get-sli.finished event, got type "sh.keptn.event.get-sli.triggered"`,
        '',
      ].join('\n'),
    );
    const missing = await evaluate('--slo', join(dir.root, 'nope.yaml'), '--sli', SLI);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.yaml: cannot read file: ENOENT');
    const both = await evaluate('--slo', SLO, '--sli', SLI, '--previous', PREVIOUS, '--history');
    expect(both.code).toBe(2);
    expect(both.stderr).toBe(
      'slokit: --previous and --history both give previous evaluations: use one of them\n',
    );
    const usage = await evaluate('--slo', SLO);
    expect(usage.code).toBe(2);
  });
});

describe('examples/keptn', () => {
  it('the example quality gate passes', async () => {
    const { code, stdout } = await evaluate(
      '--slo',
      'examples/keptn/slo.yaml',
      '--sli',
      'examples/keptn/get-sli-finished.json',
    );
    expect(code).toBe(0);
    expect(stdout).toContain('Result: pass\n');
  });
});
