/**
 * Keptn quality-gate evaluation as lighthouse-service (Keptn 1.4.5, `event_handler/evaluate_sli_handler.go`
 * and `common.go`) does it: slo.yaml defaults, the criteria grammar, per-objective scoring, the total score
 * and the `evaluation.finished` data, with lighthouse's messages and quirks (reference/keptn.md §4.2-§4.6).
 * Pure: previous evaluations are handed in, already selected (`previousEvaluationQuery` says which).
 */
import { formatFloatShortest, parseGoFloat } from './go-float.js';
import type {
  EvaluationFinishedData,
  GetSliFinishedData,
  KeptnComparison,
  KeptnCriteriaSet,
  KeptnEventData,
  KeptnObjective,
  KeptnSliResult,
  KeptnSlo,
  PreviousEvaluation,
  PreviousEvaluationData,
  SliEvaluationResult,
  SliTarget,
} from './keptn-types.js';

/** slo.yaml as written (after type checks), before `defaultKeptnSlo`. */
export interface KeptnSloInput {
  spec_version?: string;
  filter?: Record<string, string>;
  comparison?: Partial<KeptnComparison> | null;
  /** null entries (an empty `- ` item) are dropped, as lighthouse does. */
  objectives?: ((Omit<KeptnObjective, 'weight'> & { weight?: number | null }) | null)[] | null;
  total_score?: { pass?: string; warning?: string } | null;
}

/**
 * Applies lighthouse's defaults (`parseSLO`): no `comparison` → single_result, all, 1, avg; a `comparison`
 * without `include_result_with_score` → all, with `number_of_comparison_results` 0 or unset → 3, without
 * `aggregate_function` → avg (`compare_with` stays unset: 3 previous results). Weight 0 or unset → 1.
 */
export function defaultKeptnSlo(input: KeptnSloInput): KeptnSlo {
  const c = input.comparison;
  const comparison: KeptnComparison = c
    ? {
        ...(c.compare_with ? { compare_with: c.compare_with } : {}),
        include_result_with_score: c.include_result_with_score || 'all',
        number_of_comparison_results: c.number_of_comparison_results || 3,
        aggregate_function: c.aggregate_function || 'avg',
      }
    : {
        compare_with: 'single_result',
        include_result_with_score: 'all',
        number_of_comparison_results: 1,
        aggregate_function: 'avg',
      };
  const objectives = (input.objectives ?? [])
    .filter((o) => o !== null)
    .map((o) => ({ ...o, weight: o.weight || 1 }));
  const slo: KeptnSlo = { comparison, objectives };
  if (input.spec_version !== undefined) slo.spec_version = input.spec_version;
  if (input.filter !== undefined) slo.filter = input.filter;
  if (input.total_score) slo.total_score = input.total_score;
  return slo;
}

/** Which previous evaluations lighthouse compares with: the newest `limit` whose `data.result` is in `results`. */
export interface PreviousEvaluationQuery {
  limit: number;
  /** Allowed overall results; undefined: any. */
  results?: readonly string[];
}

/**
 * The previous-evaluation query of a comparison (lighthouse's datastore query): 1 for `single_result`,
 * `number_of_comparison_results` for `several_results`, else 3; `include_result_with_score` `pass` → pass,
 * `pass_or_warn` → pass or warning, else any (compared case-insensitively, as lighthouse lowercases it).
 */
export function previousEvaluationQuery(comparison: KeptnComparison): PreviousEvaluationQuery {
  const limit =
    comparison.compare_with === 'single_result'
      ? 1
      : comparison.compare_with === 'several_results'
        ? comparison.number_of_comparison_results
        : 3;
  const include = String(comparison.include_result_with_score).toLowerCase();
  if (include === 'pass') return { limit, results: ['pass'] };
  if (include === 'pass_or_warn') return { limit, results: ['pass', 'warning'] };
  return { limit };
}

/**
 * Selects, from candidates ordered newest first, the previous evaluations of the same project, stage and
 * service that `query` admits (what lighthouse's datastore query returns).
 */
export function selectPreviousEvaluations(
  candidates: readonly PreviousEvaluation[],
  current: GetSliFinishedData,
  query: PreviousEvaluationQuery,
): PreviousEvaluation[] {
  const same = (a?: string, b?: string) => (a ?? '') === (b ?? '');
  return candidates
    .filter(
      ({ data }) =>
        same(data.project, current.project) &&
        same(data.stage, current.stage) &&
        same(data.service, current.service) &&
        (query.results === undefined || query.results.includes(data.result ?? '')),
    )
    .slice(0, Math.max(0, query.limit));
}

/** Comparison operators of the criteria grammar. */
export type CriteriaOperator = '<' | '<=' | '=' | '>=' | '>';

/** A parsed criterion. */
export interface KeptnCriterion {
  operator: CriteriaOperator;
  /** The number written (without sign when relative). */
  value: number;
  /** Relative to the comparison value (a sign or a `%` was written). */
  relative: boolean;
  /** `%`: the target is the comparison value scaled by `value` percent. */
  percentage: boolean;
  /** `+` (or `%` without sign): target above the comparison value; `-`: below. */
  increase: boolean;
}

/** Result of `parseCriteriaString`: the criterion, or lighthouse's error text. */
export type CriteriaParse = { ok: true; criterion: KeptnCriterion } | { ok: false; error: string };

/** Tried in this order: `<=` before `<`, `>=` before `>`. */
const OPERATORS: readonly CriteriaOperator[] = ['<=', '<', '=', '>=', '>'];

/**
 * Parses a criteria string as lighthouse does: spaces removed; it must start with one of `<`, `=`, `>`
 * (or `|`, a quirk of lighthouse's regexp, which then fails to parse) else "invalid criteria string"; the
 * operator is the first of `<=`, `<`, `=`, `>=`, `>` it starts with; a trailing `%` makes it relative in
 * percent (increase unless a `-` follows the operator); a leading `-` or `+` makes it relative (absolute
 * delta); the rest must be a Go float, else "could not parse criteria target value". So `<600` is a fixed
 * threshold, `<=+10%` and `<=10%` mean at most 10% above the comparison value, `>=-5` at least 5 below it,
 * and a negative fixed threshold cannot be written.
 */
export function parseCriteriaString(criteria: string): CriteriaParse {
  let rest = criteria.replaceAll(' ', '');
  if (!/^[<|=>]/.test(rest)) return { ok: false, error: 'invalid criteria string' };
  const operator = OPERATORS.find((op) => rest.startsWith(op));
  if (operator) rest = rest.slice(operator.length);
  let relative = false;
  let percentage = false;
  let increase = false;
  if (rest.endsWith('%')) {
    percentage = relative = increase = true;
    rest = rest.slice(0, -1);
  }
  if (rest.startsWith('-')) {
    relative = true;
    increase = false;
    rest = rest.slice(1);
  } else if (rest.startsWith('+')) {
    relative = increase = true;
    rest = rest.slice(1);
  }
  const value = parseGoFloat(rest);
  // Without an operator the rest starts with `|`, which is never a number.
  if (value === undefined || !operator) return { ok: false, error: 'could not parse criteria target value' };
  return { ok: true, criterion: { operator, value, relative, percentage, increase } };
}

/** The target a relative criterion sets from the comparison value `base`. */
function relativeTarget(c: KeptnCriterion, base: number): number {
  if (c.percentage) return (base * (c.increase ? 100 + c.value : 100 - c.value)) / 100;
  return c.increase ? base + c.value : base - c.value;
}

function compare(measured: number, operator: CriteriaOperator, expected: number): boolean {
  switch (operator) {
    case '<':
      return measured < expected;
    case '<=':
      return measured <= expected;
    case '=':
      return measured === expected;
    case '>=':
      return measured >= expected;
    case '>':
      return measured > expected;
  }
}

/**
 * lighthouse's percentile: sorted values, position p·(n+1) (1-based); below 1 → the smallest, at or above n
 * → the largest, else linear interpolation between the values around it.
 */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return 0;
  const pos = p * (n + 1);
  if (pos < 1) return sorted[0]!;
  if (pos >= n) return sorted[n - 1]!;
  const lower = sorted[Math.floor(pos) - 1]!;
  const upper = sorted[Math.floor(pos)]!;
  return lower + (pos - Math.floor(pos)) * (upper - lower);
}

/**
 * The comparison value of an SLI from its previous values (`aggregateValues`): only successful ones count;
 * `skip` when there are none (relative criteria then pass). An unknown function gives 0, as in lighthouse.
 */
export function aggregatePrevious(
  previous: readonly KeptnSliResult[],
  fn: string,
): { value: number; skip: boolean } {
  const values = previous.filter((v) => v.success).map((v) => v.value);
  if (values.length === 0) return { value: 0, skip: true };
  switch (fn) {
    case 'avg':
      return { value: values.reduce((sum, v) => sum + v, 0) / values.length, skip: false };
    case 'p50':
      return { value: percentile(values, 0.5), skip: false };
    case 'p90':
      return { value: percentile(values, 0.9), skip: false };
    case 'p95':
      return { value: percentile(values, 0.95), skip: false };
    default:
      return { value: 0, skip: false };
  }
}

/** Outcome of evaluating criteria sets against a value. */
interface SetsOutcome {
  satisfied: boolean;
  /** Every criterion of every set, in order (all sets are evaluated, even after one is satisfied). */
  targets: SliTarget[] | null;
  error?: string;
}

/**
 * OR over the sets, AND within a set (`evaluateOrCombinedCriteria`). Sets `value.comparedValue` to the
 * aggregated previous value, as lighthouse does for the Bridge. A parse error stops with `error`.
 */
function evaluateSets(
  value: KeptnSliResult,
  sets: readonly KeptnCriteriaSet[],
  previous: readonly KeptnSliResult[],
  aggregateFunction: string,
): SetsOutcome {
  let satisfied = false;
  let targets: SliTarget[] | null = null;
  for (const set of sets) {
    let setSatisfied = true;
    for (const criteria of set.criteria) {
      const parsed = parseCriteriaString(criteria);
      if (!parsed.ok) return { satisfied: false, targets: [], error: parsed.error };
      const c = parsed.criterion;
      const base = aggregatePrevious(previous, aggregateFunction);
      value.comparedValue = base.value;
      let met: boolean;
      let targetValue = 0;
      if (!c.relative) {
        targetValue = c.value;
        met = compare(value.value, c.operator, c.value);
      } else if (base.skip) {
        met = true; // no successful previous value: a relative criterion passes (keptn#1125)
      } else {
        targetValue = relativeTarget(c, base.value);
        met = compare(value.value, c.operator, targetValue);
      }
      if (!met) setSatisfied = false;
      targets ??= [];
      targets.push({ criteria, targetValue, violated: !met });
    }
    if (setSatisfied) satisfied = true;
  }
  return { satisfied, targets };
}

/**
 * Targets of criteria that could not be evaluated (`getEmptyTargets`: no value, or an info objective): all
 * violated, target = the fixed threshold or, for relative criteria, the comparison value itself.
 */
function unevaluatedTargets(
  sets: readonly KeptnCriteriaSet[] | undefined,
  previous: readonly KeptnSliResult[],
  aggregateFunction: string,
): SliTarget[] {
  const targets: SliTarget[] = [];
  for (const set of sets ?? []) {
    for (const criteria of set.criteria) {
      const parsed = parseCriteriaString(criteria);
      if (!parsed.ok) continue;
      const c = parsed.criterion;
      const targetValue = c.relative ? aggregatePrevious(previous, aggregateFunction).value : c.value;
      targets.push({ criteria, targetValue, violated: true });
    }
  }
  return targets;
}

/** A failed key SLI: it fails the evaluation whatever the score. */
export interface KeySliFailure {
  /** The objective's displayName ("" when unset, as lighthouse prints it). */
  name: string;
  message: string;
}

/** What `evaluateObjectives` returns. */
export interface ObjectivesOutcome {
  data: EvaluationFinishedData;
  /** Sum of the weights of objectives with pass criteria. */
  maximumAchievableScore: number;
  keySliFailure?: KeySliFailure;
  /** A pass criterion did not parse: `error with <displayName or sli>: <reason>`. */
  error?: string;
}

/** Copy of an SLI value as lighthouse serializes it: comparedValue always there, message only when set. */
function sliValue(v: KeptnSliResult): KeptnSliResult {
  const out: KeptnSliResult = {
    metric: v.metric,
    value: v.value,
    comparedValue: v.comparedValue ?? 0,
    success: v.success,
  };
  if (v.message) out.message = v.message;
  return out;
}

/**
 * Scores each objective in slo.yaml order (`evaluateObjectives`). Per objective: the current value is the
 * first unconsumed indicator value with that metric name; the previous values are the indicator results
 * with that metric name in `previous`. No pass criteria → `info` (score 0); no value or `success: false` →
 * `fail` (a key SLI then fails the evaluation with the provider's message); pass → weight; else warning →
 * weight / 2; else `fail`. Indicator values no objective asked for are named in `data.message`.
 * `data.result`/`evaluation.result`/`score` are set by `calculateScore`, except on an `error`.
 */
export function evaluateObjectives(
  sli: GetSliFinishedData,
  slo: KeptnSlo,
  previous: readonly PreviousEvaluationData[],
): ObjectivesOutcome {
  const getSli = sli['get-sli'];
  const data: EvaluationFinishedData = {
    ...scope(sli),
    evaluation: {
      timeStart: getSli?.start ?? '',
      timeEnd: getSli?.end ?? '',
      result: '',
      score: 0,
      sloFileContent: '',
      indicatorResults: null,
    },
  };
  if (slo.objectives.length === 0) {
    data.result = 'fail';
    data.evaluation.result = 'fail';
    return { data, maximumAchievableScore: 100 };
  }
  const fn = slo.comparison.aggregate_function;
  const remaining = (getSli?.indicatorValues ?? []).map(sliValue);
  const results: SliEvaluationResult[] = [];
  let maximumAchievableScore = 0;
  let keySliFailure: KeySliFailure | undefined;
  for (const objective of slo.objectives) {
    const pass = objective.pass ?? [];
    const warning = objective.warning ?? [];
    const displayName = objective.displayName ?? '';
    if (pass.length > 0) maximumAchievableScore += objective.weight;
    const previousValues = previous.flatMap((p) =>
      (p.evaluation?.indicatorResults ?? []).flatMap((r) =>
        r?.value && r.value.metric === objective.sli ? [r.value] : [],
      ),
    );
    const value = takeValue(remaining, objective.sli);
    const result: SliEvaluationResult = {
      score: 0,
      value: value ?? null,
      displayName,
      passTargets: null,
      warningTargets: null,
      keySli: false,
      status: 'fail',
    };
    results.push(result);
    if (pass.length === 0 || !value?.success) {
      result.status = pass.length === 0 ? 'info' : 'fail';
      result.passTargets = unevaluatedTargets(pass, previousValues, fn);
      result.warningTargets = unevaluatedTargets(warning, previousValues, fn);
      if (pass.length === 0) continue;
      result.value = value ?? {
        metric: objective.sli,
        value: 0,
        comparedValue: 0,
        success: false,
        message: 'no value received from SLI provider',
      };
      if (objective.key_sli) keySliFailure = { name: displayName, message: result.value.message ?? '' };
      continue;
    }
    const passed = evaluateSets(value, pass, previousValues, fn);
    if (passed.error !== undefined) {
      data.result = 'fail';
      data.evaluation.result = 'fail';
      return {
        data,
        maximumAchievableScore: 100,
        error: `error with ${displayName || objective.sli}: ${passed.error}`,
      };
    }
    if (passed.satisfied) {
      result.score = objective.weight;
      result.status = 'pass';
    }
    let warned = false;
    if (warning.length > 0) {
      const outcome = evaluateSets(value, warning, previousValues, fn);
      warned = outcome.satisfied; // lighthouse ignores errors of warning criteria
      result.warningTargets = outcome.targets;
      if (!passed.satisfied && warned) {
        result.score = 0.5 * objective.weight;
        result.status = 'warning';
      }
    }
    result.passTargets = passed.targets;
    result.keySli = objective.key_sli ?? false;
    if (!passed.satisfied && !warned) {
      if (objective.key_sli) {
        keySliFailure = {
          name: displayName,
          message: `failed evaluation with score ${result.score.toFixed(6)}`,
        };
      }
      result.status = 'fail';
      result.score = 0;
    }
  }
  if (remaining.length > 0) {
    data.message = `${data.message ?? ''}Lighthouse received additional SLIs, which are not specified as SLO: ${remaining
      .map((v) => v.metric)
      .join(', ')} . Please consider using them as an SLO.`;
  }
  data.evaluation.indicatorResults = results;
  return keySliFailure ? { data, maximumAchievableScore, keySliFailure } : { data, maximumAchievableScore };
}

/**
 * Removes and returns the first value named `metric`, the way lighthouse does (the last value moves into
 * its place, which decides the order of the "additional SLIs" message).
 */
function takeValue(values: KeptnSliResult[], metric: string): KeptnSliResult | undefined {
  const i = values.findIndex((v) => v.metric === metric);
  if (i < 0) return undefined;
  const found = values[i]!;
  values[i] = values[values.length - 1]!;
  values.pop();
  return found;
}

/** Project, stage, service and labels of an event's data, empty ones omitted (Go's `omitempty`). */
function scope(d: KeptnEventData): KeptnEventData {
  const out: KeptnEventData = {};
  if (d.project) out.project = d.project;
  if (d.stage) out.stage = d.stage;
  if (d.service) out.service = d.service;
  if (d.labels && Object.keys(d.labels).length > 0) out.labels = d.labels;
  return out;
}

/** Go's `strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)`. */
const percentOf = (text: string) => parseGoFloat(text.endsWith('%') ? text.slice(0, -1) : text);

/**
 * Sets the total score and results (`calculateScore`): score = 100 · Σ scores of objectives with pass
 * targets / maximum (unrounded); no scored objective → pass with 100. pass when score ≥ `total_score.pass`
 * and no key SLI failed; else warning when score ≥ `total_score.warning`, fail below it; a key SLI failure
 * → fail. Returns lighthouse's error text when `total_score` is missing or does not parse (the evaluation
 * then errors), else undefined.
 */
export function calculateScore(outcome: ObjectivesOutcome, slo: KeptnSlo): string | undefined {
  const { data, maximumAchievableScore, keySliFailure } = outcome;
  const passText = slo.total_score?.pass ?? '';
  if (passText === '') return 'no target score defined';
  const passTarget = percentOf(passText);
  if (passTarget === undefined) return 'could not parse pass target percentage';
  const warningText = slo.total_score?.warning ?? '';
  const warningTarget = warningText === '' ? undefined : percentOf(warningText);
  if (warningText !== '' && warningTarget === undefined) return 'could not parse warning target percentage';
  const set = (result: 'pass' | 'warning' | 'fail', message?: string) => {
    data.evaluation.result = result;
    data.result = result;
    data.status = 'succeeded';
    if (message !== undefined) data.message = message;
  };
  if (maximumAchievableScore === 0) {
    data.evaluation.score = 100;
    set('pass');
    return undefined;
  }
  let total = 0;
  for (const r of data.evaluation.indicatorResults ?? []) if (r.passTargets?.length) total += r.score;
  const score = 100 * (total / maximumAchievableScore);
  data.evaluation.score = score;
  const pct = formatFloatShortest(score);
  if (score >= passTarget && !keySliFailure) set('pass');
  else if (warningTarget !== undefined && !keySliFailure) {
    const w = formatFloatShortest(warningTarget);
    if (score >= warningTarget)
      set(
        'warning',
        `Evaluation returned a warning: the calculated score of ${pct} is close to the warning target value of ${w}`,
      );
    else
      set(
        'fail',
        `Evaluation failed since the calculated score of ${pct} is below the warning value of ${w}`,
      );
  } else if (keySliFailure) {
    set(
      'fail',
      `Evaluation failed due to key_sli objective '${keySliFailure.name}': ${keySliFailure.message}`,
    );
  } else {
    set(
      'fail',
      `Evaluation failed since the calculated score of ${pct} is below the target value of ${formatFloatShortest(passTarget)}`,
    );
  }
  return undefined;
}

/** Inputs of a whole evaluation. */
export interface KeptnEvaluationInput {
  /** `data` of the get-sli.finished event. */
  sli: GetSliFinishedData;
  /** The SLO file after `defaultKeptnSlo`; undefined: no slo.yaml (the evaluation passes, as lighthouse). */
  slo?: KeptnSlo;
  /** Base64 of the raw slo.yaml text (lighthouse sends the file as written, not the defaulted one). */
  sloFileContent?: string;
  /** The previous evaluations to compare with, newest first, already selected (`selectPreviousEvaluations`). */
  previous?: readonly PreviousEvaluation[];
}

/**
 * Evaluates SLIs against an SLO file as lighthouse does on get-sli.finished (`processGetSliFinishedEvent`)
 * and returns the `data` of the evaluation.finished event it would send. Never throws. Outcomes:
 * - get-sli status `aborted`/`errored` → status errored, result fail, lighthouse's message;
 * - no SLO file → status succeeded, result pass, "no evaluation performed ..." (project named);
 * - a pass criterion that does not parse → result fail, score 0, `error with <objective>: <reason>`;
 * - a missing or unparseable `total_score` → status errored, result fail;
 * - otherwise the scored evaluation; then no objectives, or a get-sli `result: fail`, force `data.result`
 *   to fail (the evaluation's own result and score stay as computed).
 */
export function evaluateKeptn(input: KeptnEvaluationInput): EvaluationFinishedData {
  const { sli, slo } = input;
  const getSli = sli['get-sli'];
  const details = (result: string, sloFileContent = '') => ({
    timeStart: getSli?.start ?? '',
    timeEnd: getSli?.end ?? '',
    result,
    score: 0,
    sloFileContent,
    indicatorResults: null,
  });
  const finished = (status: string, result: string, message: string, evaluation = details('pass')) =>
    ordered({ ...sli, status, result, message, evaluation });
  if (sli.status === 'aborted')
    return finished('errored', 'fail', 'evaluation performed by lighthouse was aborted');
  if (sli.status === 'errored') {
    return finished(
      'errored',
      'fail',
      `evaluation performed by lighthouse received an unexpected error: ${sli.message ?? ''}`,
    );
  }
  if (!slo) {
    return finished(
      'succeeded',
      'pass',
      `no evaluation performed by lighthouse because no SLO file configured for project ${sli.project ?? ''}`,
    );
  }
  const sloFileContent = input.sloFileContent ?? '';
  const previous = input.previous ?? [];
  const outcome = evaluateObjectives(
    sli,
    slo,
    previous.map((p) => p.data),
  );
  const { data } = outcome;
  data.evaluation.sloFileContent = sloFileContent;
  const ids = previous.flatMap((p) => (p.id ? [p.id] : []));
  if (ids.length) data.evaluation.comparedEvents = ids;
  if (outcome.error !== undefined) {
    data.status = 'succeeded';
    data.message = outcome.error;
    return ordered(data);
  }
  const scoreError = calculateScore(outcome, slo);
  if (scoreError !== undefined)
    return finished('errored', 'fail', scoreError, details('fail', sloFileContent));
  if (slo.objectives.length === 0) {
    data.result = 'fail';
    data.message = 'lighthouse failed because no SLO objective was provided';
  } else if (sli.result === 'fail') {
    data.result = 'fail';
    data.message = `lighthouse failed because SLI failed with message ${sli.message ?? ''}`;
  }
  return ordered(data);
}

/** The data in Go's field order (project, stage, service, labels, status, result, message, evaluation). */
function ordered(d: EvaluationFinishedData): EvaluationFinishedData {
  const out: KeptnEventData = scope(d);
  if (d.status) out.status = d.status;
  if (d.result) out.result = d.result;
  if (d.message) out.message = d.message;
  return { ...out, evaluation: d.evaluation };
}
