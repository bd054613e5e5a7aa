/**
 * The work of `slokit keptn evaluate` (options: keptn.ts): read slo.yaml, the get-sli.finished event and
 * the previous evaluations (a file, or the history database), evaluate as lighthouse (domain/
 * keptn-evaluation.ts), optionally store the evaluation, print it, and map its result to the exit code.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { ConfigError } from '../config/errors.js';
import {
  evaluateKeptn,
  parseCriteriaString,
  previousEvaluationQuery,
  selectPreviousEvaluations,
} from '../domain/keptn-evaluation.js';
import type {
  EvaluationFinishedData,
  KeptnSlo,
  PreviousEvaluation,
  SliTarget,
} from '../domain/keptn-types.js';
import { DEFAULT_HISTORY_PATH } from '../exporters/history.js';
import { HistoryStore } from '../history/store.js';
import { parseGetSliFinished, parsePreviousEvaluations } from '../keptn/evaluation-input.js';
import { EvaluationStore } from '../keptn/evaluation-store.js';
import { parseKeptnSlo } from '../keptn/slo-file.js';
import { EXIT, UsageError } from './context.js';
import type { KeptnEvaluateFlags } from './keptn.js';
import type { OutputFormat } from './options.js';
import { alignColumns } from './output.js';

/** Reads a file and parses it; a missing or unreadable file is a ConfigError naming it. */
async function load<T>(file: string, parse: (text: string, file: string) => T): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError([
      { file, line: 0, column: 0, path: '', message: `cannot read file: ${(error as Error).message}` },
    ]);
  }
  return parse(text, file);
}

/** Loads all input files before failing, so the problems of every file show together. */
async function loadInputs(flags: KeptnEvaluateFlags) {
  const settled = await Promise.allSettled([
    load(flags.slo, parseKeptnSlo),
    load(flags.sli, parseGetSliFinished),
    flags.previous === undefined ? Promise.resolve([]) : load(flags.previous, parsePreviousEvaluations),
  ] as const);
  const failures = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length) {
    const other = failures.find((f) => !(f instanceof ConfigError));
    if (other !== undefined) throw other;
    throw new ConfigError((failures as ConfigError[]).flatMap((f) => f.issues));
  }
  const [slo, sli, previous] = settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [
    Awaited<ReturnType<typeof parseKeptnSlo>>,
    Awaited<ReturnType<typeof parseGetSliFinished>>,
    PreviousEvaluation[],
  ];
  return { slo, sli, previous };
}

/** Opens the history database; a database slokit cannot use is a usage error (exit 2) naming it. */
function openHistory(path: string): HistoryStore {
  try {
    return new HistoryStore(path);
  } catch (error) {
    throw new UsageError(`cannot use history database ${path}: ${(error as Error).message}`);
  }
}

/**
 * `--history` names a database that does not exist: with `--history-db` and without `--store` that is a
 * mistake (a typo would silently compare with nothing): UsageError (exit 2) naming the file. Otherwise
 * (the default database, or a first `--store` creating it) a warning on stderr says nothing is compared.
 */
function checkMissingHistory(flags: KeptnEvaluateFlags, dbPath: string): void {
  if (flags.historyDb !== undefined && !flags.store)
    throw new UsageError(
      `--history-db ${dbPath}: no such file (it holds the evaluations --history compares with)`,
    );
  const created = flags.store ? '; it is created to store this evaluation' : '';
  process.stderr.write(
    `slokit: warning: history database ${dbPath} does not exist: no previous evaluations to compare with${created}\n`,
  );
}

/** Runs `slokit keptn evaluate`; returns the exit code: 0 pass, 1 warning or fail (2 is thrown). */
export async function runKeptnEvaluate(flags: KeptnEvaluateFlags): Promise<number> {
  if (flags.previous !== undefined && flags.history)
    throw new UsageError('--previous and --history both give previous evaluations: use one of them');
  const { slo, sli, previous: candidates } = await loadInputs(flags);
  const query = previousEvaluationQuery(slo.slo.comparison);
  const dbPath = flags.historyDb ?? DEFAULT_HISTORY_PATH;
  const exists = existsSync(dbPath);
  if (flags.history && !exists) checkMissingHistory(flags, dbPath);
  // Reading a history that does not exist yet finds nothing: create the file only to store into it.
  const store = flags.store || (flags.history && exists) ? openHistory(dbPath) : undefined;
  try {
    const evaluations = store && new EvaluationStore(store);
    const previous =
      flags.history && evaluations
        ? evaluations.previous(sli, query)
        : selectPreviousEvaluations(candidates, sli, query);
    const data = evaluateKeptn({
      sli,
      slo: slo.slo,
      sloFileContent: Buffer.from(slo.text, 'utf8').toString('base64'),
      previous,
    });
    if (flags.store && evaluations) {
      const id = randomUUID();
      evaluations.record(id, data);
      process.stderr.write(`slokit: evaluation stored in ${dbPath} as ${id}\n`);
    }
    process.stdout.write(renderEvaluation(data, slo.slo, flags.output, previous.length > 0));
    return data.result === 'pass' ? EXIT.ok : EXIT.failed;
  } finally {
    store?.close();
  }
}

/** A number for people: integers as they are, others to 6 significant digits. */
const readable = (x: number) => (Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6))));

/**
 * `<600 ✓`; a relative criterion adds its computed target, `<=+10% (528) ✗`, or `(no baseline)` when there
 * was nothing to compare with (it then passes).
 */
function targetCell(targets: readonly SliTarget[] | null, baseline: boolean): string {
  return (targets ?? [])
    .map((t) => {
      const parsed = parseCriteriaString(t.criteria);
      const target = baseline ? readable(t.targetValue) : 'no baseline';
      const relative = parsed.ok && parsed.criterion.relative ? ` (${target})` : '';
      return `${t.criteria}${relative} ${t.violated ? '✗' : '✓'}`;
    })
    .join(', ');
}

/**
 * The evaluation for people: one line per objective (value, pass and warning criteria with their targets,
 * score out of the weight, status), then the total score against `total_score`, the result and message.
 * `baseline`: whether previous evaluations were compared with.
 */
export function renderTable(data: EvaluationFinishedData, slo: KeptnSlo, baseline: boolean): string {
  const { evaluation } = data;
  const lines: string[] = [];
  const results = evaluation.indicatorResults ?? [];
  if (results.length) {
    const rows = results.map((r, i) => {
      const objective = slo.objectives[i];
      const name = r.displayName || r.value?.metric || objective?.sli || '';
      const value = !r.value
        ? 'no value'
        : r.value.success
          ? readable(r.value.value)
          : `no value: ${r.value.message ?? ''}`;
      const score = r.status === 'info' ? '-' : `${readable(r.score)}/${objective?.weight ?? ''}`;
      return [
        objective?.key_sli ? `${name} (key)` : name,
        value,
        targetCell(r.passTargets, baseline),
        targetCell(r.warningTargets, baseline),
        score,
        r.status,
      ];
    });
    lines.push(alignColumns([['OBJECTIVE', 'VALUE', 'PASS', 'WARNING', 'SCORE', 'STATUS'], ...rows]));
  }
  const targets = [
    slo.total_score?.pass ? `pass >= ${slo.total_score.pass}` : '',
    slo.total_score?.warning ? `warning >= ${slo.total_score.warning}` : '',
  ].filter(Boolean);
  lines.push(
    `Score: ${readable(evaluation.score)} of 100${targets.length ? ` (${targets.join(', ')})` : ''}: ${evaluation.result}\n`,
  );
  const overall = data.result ?? '';
  const scoreOnly =
    evaluation.result && evaluation.result !== overall ? ` (score: ${evaluation.result})` : '';
  lines.push(`Result: ${overall}${scoreOnly}${data.status === 'errored' ? ', errored' : ''}\n`);
  if (data.message) lines.push(`Message: ${data.message}\n`);
  return lines.join('');
}

/** Renders the evaluation: JSON/YAML of the evaluation.finished data, or the table. */
export function renderEvaluation(
  data: EvaluationFinishedData,
  slo: KeptnSlo,
  format: OutputFormat,
  baseline: boolean,
): string {
  if (format === 'json') return `${JSON.stringify(data, null, 2)}\n`;
  if (format === 'yaml') return stringify(data);
  return renderTable(data, slo, baseline);
}
