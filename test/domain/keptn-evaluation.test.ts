/**
 * Keptn evaluation table tests, written from lighthouse's documented rules (reference/keptn.md §4.2-§4.6):
 * the criteria grammar, aggregation of previous values, per-objective scoring (relative criteria, warning,
 * key SLIs, info objectives, missing values), the total score and the evaluation.finished data.
 */
import { describe, expect, it } from 'vitest';
import {
  aggregatePrevious,
  defaultKeptnSlo,
  evaluateKeptn,
  type KeptnSloInput,
  parseCriteriaString,
  percentile,
  previousEvaluationQuery,
  selectPreviousEvaluations,
} from '../../src/domain/keptn-evaluation.js';
import type {
  EvaluationFinishedData,
  GetSliFinishedData,
  KeptnObjective,
  KeptnSliResult,
  PreviousEvaluation,
} from '../../src/domain/keptn-types.js';

describe('parseCriteriaString', () => {
  const ok = (
    operator: string,
    value: number,
    relative: boolean,
    percentage: boolean,
    increase: boolean,
  ) => ({
    ok: true,
    criterion: { operator, value, relative, percentage, increase },
  });
  it.each([
    ['<600', ok('<', 600, false, false, false)],
    ['<=600', ok('<=', 600, false, false, false)],
    ['=0', ok('=', 0, false, false, false)],
    ['>=0.5', ok('>=', 0.5, false, false, false)],
    ['>1e3', ok('>', 1000, false, false, false)],
    [' < = 600 ', ok('<=', 600, false, false, false)], // every space is removed first
    ['<=+10%', ok('<=', 10, true, true, true)],
    ['<=10%', ok('<=', 10, true, true, true)], // % without sign is an increase (keptn#1498)
    ['>=-5%', ok('>=', 5, true, true, false)],
    ['<=+10', ok('<=', 10, true, false, true)], // a sign makes it relative: base + 10
    ['>=-5', ok('>=', 5, true, false, false)], // base - 5: a negative fixed threshold cannot be written
    ['<inf', ok('<', Number.POSITIVE_INFINITY, false, false, false)], // Go's ParseFloat reads inf
  ])('%j parses', (criteria, expected) => {
    expect(parseCriteriaString(criteria)).toEqual(expected);
  });

  it.each([
    ['600', 'invalid criteria string'],
    ['!=5', 'invalid criteria string'],
    ['', 'invalid criteria string'],
    ['=>5', 'could not parse criteria target value'], // `=` then ">5"
    ['<', 'could not parse criteria target value'],
    ['<5abc', 'could not parse criteria target value'],
    ['|5', 'could not parse criteria target value'],
    ['<\t5', 'could not parse criteria target value'], // only spaces are removed
    ['<0x10', 'could not parse criteria target value'], // Go: hex floats need a p exponent
    ['<1e400', 'could not parse criteria target value'], // Go: out of range
  ])('%j is refused: %s', (criteria, error) => {
    expect(parseCriteriaString(criteria)).toEqual({ ok: false, error });
  });
});

describe('aggregation of previous values', () => {
  const values = (...vs: number[]): KeptnSliResult[] =>
    vs.map((value) => ({ metric: 'm', value, success: true }));

  it.each([
    // position p·(n+1), 1-based; below 1 → min; at or above n → max; else interpolate
    [[1, 2, 3, 4], 0.5, 2.5],
    [[4, 3, 2, 1], 0.5, 2.5], // sorted first
    [[1, 2, 3, 4], 0.9, 4],
    [[7], 0.5, 7],
    [[10, 20], 0.3, 10], // pos 0.9 < 1
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 100], 0.5, 5.5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 100], 0.95, 100], // pos 10.45 ≥ 10
  ])('percentile(%j, %d) = %d', (vs, p, expected) => {
    expect(percentile(vs, p)).toBe(expected);
  });

  it('p90 interpolates between the 9th and 10th of ten values', () => {
    // pos = 0.9 · 11 = 9.9 → 9 + 0.9 · (100 − 9)
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 100], 0.9)).toBeCloseTo(90.9, 9);
  });

  it('averages only successful values; none successful means no baseline', () => {
    const mixed = [...values(100, 300), { metric: 'm', value: 5000, success: false }];
    expect(aggregatePrevious(mixed, 'avg')).toEqual({ value: 200, skip: false });
    expect(aggregatePrevious([{ metric: 'm', value: 0, success: false }], 'avg')).toEqual({
      value: 0,
      skip: true,
    });
    expect(aggregatePrevious([], 'p90')).toEqual({ value: 0, skip: true });
  });

  it('an unknown aggregate function gives 0 and does not skip, as in lighthouse', () => {
    expect(aggregatePrevious(values(100), 'max')).toEqual({ value: 0, skip: false });
  });
});

describe('slo.yaml defaults and previous-evaluation selection', () => {
  it('applies lighthouse defaults: no comparison → single_result, all, 1, avg; weight 0 → 1', () => {
    const slo = defaultKeptnSlo({
      objectives: [{ sli: 'a', weight: 0 }, null, { sli: 'b' }, { sli: 'c', weight: 3 }],
    });
    expect(slo.comparison).toEqual({
      compare_with: 'single_result',
      include_result_with_score: 'all',
      number_of_comparison_results: 1,
      aggregate_function: 'avg',
    });
    expect(slo.objectives.map((o) => [o.sli, o.weight])).toEqual([
      ['a', 1],
      ['b', 1],
      ['c', 3],
    ]);
  });

  it('a comparison block without values gets all, 3 and avg, and no compare_with', () => {
    expect(defaultKeptnSlo({ comparison: {} }).comparison).toEqual({
      include_result_with_score: 'all',
      number_of_comparison_results: 3,
      aggregate_function: 'avg',
    });
  });

  it.each([
    [{ compare_with: 'single_result', number_of_comparison_results: 5 }, { limit: 1 }],
    [{ compare_with: 'several_results', number_of_comparison_results: 5 }, { limit: 5 }],
    [{ number_of_comparison_results: 5 }, { limit: 3 }], // no compare_with: 3, whatever the number
    [{ include_result_with_score: 'pass' }, { limit: 3, results: ['pass'] }],
    [{ include_result_with_score: 'pass_or_warn' }, { limit: 3, results: ['pass', 'warning'] }],
  ] as const)('query of %j is %j', (comparison, expected) => {
    const slo = defaultKeptnSlo({ comparison: comparison as KeptnSloInput['comparison'] });
    expect(previousEvaluationQuery(slo.comparison)).toEqual(expected);
  });

  it('selects the newest admitted evaluations of the same project, stage and service', () => {
    const prev = (id: string, result: string, service = 'carts'): PreviousEvaluation => ({
      id,
      data: { project: 'p', stage: 's', service, result, evaluation: { indicatorResults: [] } },
    });
    const candidates = [
      prev('1', 'fail'),
      prev('2', 'pass', 'orders'),
      prev('3', 'warning'),
      prev('4', 'pass'),
      prev('5', 'pass'),
    ];
    const current = { project: 'p', stage: 's', service: 'carts' };
    const ids = (query: Parameters<typeof selectPreviousEvaluations>[2]) =>
      selectPreviousEvaluations(candidates, current, query).map((p) => p.id);
    expect(ids({ limit: 3 })).toEqual(['1', '3', '4']);
    expect(ids({ limit: 3, results: ['pass'] })).toEqual(['4', '5']);
    expect(ids({ limit: 2, results: ['pass', 'warning'] })).toEqual(['3', '4']);
  });
});

// ---- whole evaluations ----

const sliData = (values: KeptnSliResult[], extra: Partial<GetSliFinishedData> = {}): GetSliFinishedData => ({
  project: 'sockshop',
  stage: 'staging',
  service: 'carts',
  labels: { buildId: '17' },
  status: 'succeeded',
  result: 'pass',
  'get-sli': { start: '2026-01-01T00:00:00.000Z', end: '2026-01-01T00:05:00.000Z', indicatorValues: values },
  ...extra,
});
const value = (metric: string, v: number, success = true, message?: string): KeptnSliResult =>
  message === undefined ? { metric, value: v, success } : { metric, value: v, success, message };
const crit = (...criteria: string[]) => [{ criteria }];
type Objective = Omit<KeptnObjective, 'weight'> & { weight?: number };
const sloOf = (objectives: Objective[], extra: Partial<KeptnSloInput> = {}) =>
  defaultKeptnSlo({ objectives, total_score: { pass: '90%', warning: '75%' }, ...extra });
/** A previous evaluation whose indicator results hold these values. */
const previousOf = (id: string, values: KeptnSliResult[], result = 'pass'): PreviousEvaluation => ({
  id,
  data: {
    project: 'sockshop',
    stage: 'staging',
    service: 'carts',
    result,
    evaluation: { indicatorResults: values.map((v) => ({ value: v })) },
  },
});
const evaluate = (
  values: KeptnSliResult[],
  objectives: Objective[],
  options: {
    previous?: PreviousEvaluation[];
    slo?: Partial<KeptnSloInput>;
    sli?: Partial<GetSliFinishedData>;
  } = {},
): EvaluationFinishedData =>
  evaluateKeptn({
    sli: sliData(values, options.sli),
    slo: sloOf(objectives, options.slo),
    sloFileContent: 'c2xvCg==',
    previous: options.previous ?? [],
  });

describe('evaluateKeptn: objectives', () => {
  it('passes fixed thresholds and writes the evaluation.finished data in lighthouse field order', () => {
    const data = evaluate(
      [value('rt', 300)],
      [{ sli: 'rt', displayName: 'RT', pass: crit('<600', '>=100') }],
    );
    expect(data).toEqual({
      project: 'sockshop',
      stage: 'staging',
      service: 'carts',
      labels: { buildId: '17' },
      status: 'succeeded',
      result: 'pass',
      evaluation: {
        timeStart: '2026-01-01T00:00:00.000Z',
        timeEnd: '2026-01-01T00:05:00.000Z',
        result: 'pass',
        score: 100,
        sloFileContent: 'c2xvCg==',
        indicatorResults: [
          {
            score: 1,
            value: { metric: 'rt', value: 300, comparedValue: 0, success: true },
            displayName: 'RT',
            passTargets: [
              { criteria: '<600', targetValue: 600, violated: false },
              { criteria: '>=100', targetValue: 100, violated: false },
            ],
            warningTargets: null,
            keySli: false,
            status: 'pass',
          },
        ],
      },
    });
    expect(Object.keys(data)).toEqual([
      'project',
      'stage',
      'service',
      'labels',
      'status',
      'result',
      'evaluation',
    ]);
  });

  it('relative criteria compare with the average of previous values (comparedValue, targetValue)', () => {
    const previous = [previousOf('e2', [value('rt', 500)]), previousOf('e1', [value('rt', 525)])];
    const data = evaluate(
      [value('rt', 580)],
      [{ sli: 'rt', pass: crit('<=+10%', '<=+70', '>=-5%', '>=-20') }],
      { previous, slo: { comparison: { compare_with: 'several_results', number_of_comparison_results: 2 } } },
    );
    const [r] = data.evaluation.indicatorResults!;
    expect(r!.value!.comparedValue).toBe(512.5);
    expect(r!.passTargets).toEqual([
      { criteria: '<=+10%', targetValue: (512.5 * 110) / 100, violated: true }, // 563.75
      { criteria: '<=+70', targetValue: 582.5, violated: false },
      { criteria: '>=-5%', targetValue: (512.5 * 95) / 100, violated: false },
      { criteria: '>=-20', targetValue: 492.5, violated: false },
    ]);
    expect(r!.status).toBe('fail');
    expect(data.evaluation.comparedEvents).toEqual(['e2', 'e1']);
  });

  it('without previous values relative criteria pass with target 0 (first evaluation)', () => {
    const data = evaluate([value('rt', 9999)], [{ sli: 'rt', pass: crit('<=+10%') }]);
    const [r] = data.evaluation.indicatorResults!;
    expect(r!.passTargets).toEqual([{ criteria: '<=+10%', targetValue: 0, violated: false }]);
    expect(r!.value!.comparedValue).toBe(0);
    expect(r!.status).toBe('pass');
    expect(data.evaluation.comparedEvents).toBeUndefined();
  });

  it('previous values that failed are not a baseline; previous results without value are skipped', () => {
    const previous: PreviousEvaluation[] = [
      previousOf('e1', [value('rt', 10, false, 'no data')]),
      { data: { evaluation: { indicatorResults: [{ value: null }, null] } } },
    ];
    const data = evaluate([value('rt', 9999)], [{ sli: 'rt', pass: crit('<=+10%') }], {
      previous,
      slo: { comparison: { compare_with: 'several_results', number_of_comparison_results: 3 } },
    });
    expect(data.evaluation.indicatorResults![0]!.status).toBe('pass');
  });

  it.each([
    ['avg', 14.5],
    ['p50', 5.5],
    ['p90', 9 + (0.9 * 11 - 9) * 91],
    ['p95', 100],
  ] as const)('several previous results aggregated with %s give comparedValue %d', (fn, expected) => {
    // newest first; the eleventh is beyond number_of_comparison_results and ignored
    const previous = [1, 2, 3, 4, 5, 6, 7, 8, 9, 100, 1e6].map((v, i) =>
      previousOf(`e${i}`, [value('rt', v)]),
    );
    const data = evaluate([value('rt', 1)], [{ sli: 'rt', pass: crit('<=+10%') }], {
      previous: previous.slice(0, 10),
      slo: {
        comparison: {
          compare_with: 'several_results',
          number_of_comparison_results: 10,
          aggregate_function: fn,
        },
      },
    });
    const [r] = data.evaluation.indicatorResults!;
    expect(r!.value!.comparedValue).toBe(expected);
    expect(r!.passTargets![0]!.targetValue).toBe((expected * 110) / 100);
  });

  it('several criteria sets are alternatives: one satisfied set passes, targets of all sets are reported', () => {
    const data = evaluate(
      [value('rt', 700)],
      [{ sli: 'rt', pass: [{ criteria: ['<600'] }, { criteria: ['<800'] }] }],
    );
    const [r] = data.evaluation.indicatorResults!;
    expect(r!.status).toBe('pass');
    expect(r!.passTargets!.map((t) => [t.criteria, t.violated])).toEqual([
      ['<600', true],
      ['<800', false],
    ]);
  });

  it('warning: pass criteria violated but warning met → half the weight, status warning', () => {
    const data = evaluate(
      [value('rt', 700), value('err', 0)],
      [
        { sli: 'rt', pass: crit('<600'), warning: crit('<=800'), weight: 2 },
        { sli: 'err', pass: crit('=0'), weight: 2 },
      ],
    );
    const [rt] = data.evaluation.indicatorResults!;
    expect(rt!.score).toBe(1);
    expect(rt!.status).toBe('warning');
    expect(rt!.warningTargets).toEqual([{ criteria: '<=800', targetValue: 800, violated: false }]);
    expect(data.evaluation.score).toBe(75); // (1 + 2) / 4
    expect(data.evaluation.result).toBe('warning');
    expect(data.result).toBe('warning');
    expect(data.message).toBe(
      'Evaluation returned a warning: the calculated score of 75 is close to the warning target value of 75',
    );
  });

  it('neither pass nor warning → fail, score 0, and the message names the warning value', () => {
    const data = evaluate(
      [value('rt', 900), value('err', 0), value('x', 1)],
      [
        { sli: 'rt', pass: crit('<600'), warning: crit('<=800') },
        { sli: 'err', pass: crit('=0') },
        { sli: 'x', pass: crit('=1') },
      ],
    );
    expect(data.evaluation.indicatorResults![0]).toMatchObject({ score: 0, status: 'fail' });
    expect(data.evaluation.score).toBe(100 * (2 / 3)); // lighthouse's order of operations
    expect(data.result).toBe('fail');
    expect(data.message).toBe(
      'Evaluation failed since the calculated score of 66.66666666666666 is below the warning value of 75',
    );
  });

  it('without total_score.warning a low score fails against the pass target', () => {
    const data = evaluate(
      [value('rt', 900), value('err', 0)],
      [
        { sli: 'rt', pass: crit('<600') },
        { sli: 'err', pass: crit('=0') },
      ],
      {
        slo: { total_score: { pass: '90' } },
      },
    );
    expect(data.result).toBe('fail');
    expect(data.message).toBe(
      'Evaluation failed since the calculated score of 50 is below the target value of 90',
    );
  });

  it('a failed key SLI fails the evaluation although the score passes', () => {
    const objectives: Objective[] = [{ sli: 'err', displayName: 'Errors', pass: crit('=0'), key_sli: true }];
    for (let i = 0; i < 19; i++) objectives.push({ sli: `ok${i}`, pass: crit('<1') });
    const values = [value('err', 3), ...Array.from({ length: 19 }, (_, i) => value(`ok${i}`, 0))];
    const data = evaluate(values, objectives);
    expect(data.evaluation.score).toBe(95);
    expect(data.evaluation.result).toBe('fail');
    expect(data.result).toBe('fail');
    expect(data.message).toBe(
      "Evaluation failed due to key_sli objective 'Errors': failed evaluation with score 0.000000",
    );
    expect(data.evaluation.indicatorResults![0]).toMatchObject({ keySli: true, status: 'fail', score: 0 });
  });

  it('a key SLI in warning does not fail the evaluation', () => {
    const data = evaluate(
      [value('rt', 700), value('a', 0)],
      [
        { sli: 'rt', pass: crit('<600'), warning: crit('<800'), key_sli: true },
        { sli: 'a', pass: crit('=0'), weight: 3 },
      ],
    );
    expect(data.evaluation.score).toBe(87.5);
    expect(data.result).toBe('warning');
  });

  it('a key SLI without value fails with the provider message; its targets are listed as violated', () => {
    const previous = [previousOf('e1', [value('rt', 200)])];
    const data = evaluate(
      [value('rt', 0, false, 'query did not return any values'), value('a', 0)],
      [
        { sli: 'rt', displayName: 'RT', pass: crit('<=+10%', '<600'), warning: crit('<=800'), key_sli: true },
        { sli: 'a', pass: crit('=0') },
      ],
      { previous },
    );
    const [rt] = data.evaluation.indicatorResults!;
    expect(rt).toEqual({
      score: 0,
      value: {
        metric: 'rt',
        value: 0,
        comparedValue: 0,
        success: false,
        message: 'query did not return any values',
      },
      displayName: 'RT',
      // the relative criterion's target is the comparison value itself, as lighthouse lists it
      passTargets: [
        { criteria: '<=+10%', targetValue: 200, violated: true },
        { criteria: '<600', targetValue: 600, violated: true },
      ],
      warningTargets: [{ criteria: '<=800', targetValue: 800, violated: true }],
      keySli: false, // lighthouse does not set the flag on this path
      status: 'fail',
    });
    expect(data.result).toBe('fail');
    expect(data.message).toBe(
      "Evaluation failed due to key_sli objective 'RT': query did not return any values",
    );
  });

  it('an objective the provider sent no value for fails with "no value received from SLI provider"', () => {
    const data = evaluate(
      [value('a', 0)],
      [
        { sli: 'rt', pass: crit('<600') },
        { sli: 'a', pass: crit('=0') },
      ],
    );
    expect(data.evaluation.indicatorResults![0]).toMatchObject({
      value: {
        metric: 'rt',
        value: 0,
        comparedValue: 0,
        success: false,
        message: 'no value received from SLI provider',
      },
      status: 'fail',
      warningTargets: [],
    });
    expect(data.evaluation.score).toBe(50);
  });

  it('info objectives (no pass criteria) are not scored: score 0, status info, targets listed as violated', () => {
    const data = evaluate(
      [value('rt', 100), value('tp', 42)],
      [{ sli: 'rt', pass: crit('<600'), weight: 2 }, { sli: 'tp', warning: crit('>100') }, { sli: 'none' }],
    );
    const [, tp, none] = data.evaluation.indicatorResults!;
    expect(tp).toEqual({
      score: 0,
      value: { metric: 'tp', value: 42, comparedValue: 0, success: true },
      displayName: '',
      passTargets: [],
      warningTargets: [{ criteria: '>100', targetValue: 100, violated: true }],
      keySli: false,
      status: 'info',
    });
    expect(none).toMatchObject({ value: null, status: 'info', passTargets: [], warningTargets: [] });
    expect(data.evaluation.score).toBe(100);
  });

  it('only info objectives → pass with score 100', () => {
    const data = evaluate([value('tp', 1)], [{ sli: 'tp' }]);
    expect(data.evaluation).toMatchObject({ result: 'pass', score: 100 });
    expect(data.result).toBe('pass');
  });

  it('duplicate objectives of one SLI take its values one to one; unrequested SLIs are named (lighthouse order)', () => {
    const data = evaluate(
      [value('a', 1), value('b', 0), value('c', 0), value('a', 3), value('d', 0)],
      [
        { sli: 'a', pass: crit('<5') },
        { sli: 'a', pass: crit('<5') },
      ],
    );
    expect(data.evaluation.indicatorResults!.map((r) => r.value!.value)).toEqual([1, 3]);
    // a taken: d moves to its place → [d, b, c, a]; the second a taken → [d, b, c]
    expect(data.message).toBe(
      'Lighthouse received additional SLIs, which are not specified as SLO: d, b, c . Please consider using them as an SLO.',
    );
    expect(data.result).toBe('pass'); // a passing evaluation keeps the message;
  });
});

describe('evaluateKeptn: outcomes of the get-sli event and the SLO file', () => {
  it('a get-sli event with status errored → errored, fail, the provider message', () => {
    const data = evaluate([], [{ sli: 'rt', pass: crit('<600') }], {
      sli: {
        status: 'errored',
        result: 'fail',
        message: 'failed to get Prometheus API URL',
        'get-sli': undefined,
      },
    });
    expect(data).toEqual({
      project: 'sockshop',
      stage: 'staging',
      service: 'carts',
      labels: { buildId: '17' },
      status: 'errored',
      result: 'fail',
      message:
        'evaluation performed by lighthouse received an unexpected error: failed to get Prometheus API URL',
      evaluation: {
        timeStart: '',
        timeEnd: '',
        result: 'pass',
        score: 0,
        sloFileContent: '',
        indicatorResults: null,
      },
    });
  });

  it('a get-sli event with status aborted → errored, fail', () => {
    const data = evaluate([], [{ sli: 'rt', pass: crit('<600') }], { sli: { status: 'aborted' } });
    expect(data).toMatchObject({
      status: 'errored',
      result: 'fail',
      message: 'evaluation performed by lighthouse was aborted',
    });
  });

  it('a get-sli result fail scores the indicators but fails the overall result', () => {
    const data = evaluate(
      [value('rt', 100), value('err', 0, false, 'boom')],
      [{ sli: 'rt', pass: crit('<600') }],
      {
        sli: { result: 'warning' },
      },
    );
    expect(data.result).toBe('pass'); // warning from the provider changes nothing
    const failed = evaluate([value('rt', 100)], [{ sli: 'rt', pass: crit('<600') }], {
      sli: { result: 'fail', message: 'unable to retrieve metrics' },
    });
    expect(failed.evaluation).toMatchObject({ result: 'pass', score: 100 });
    expect(failed.result).toBe('fail');
    expect(failed.message).toBe(
      'lighthouse failed because SLI failed with message unable to retrieve metrics',
    );
  });

  it('no objectives → fail with lighthouse message', () => {
    const data = evaluate([value('rt', 1)], []);
    expect(data.result).toBe('fail');
    expect(data.message).toBe('lighthouse failed because no SLO objective was provided');
    expect(data.evaluation.indicatorResults).toBeNull();
  });

  it('a pass criterion that does not parse fails the evaluation with score 0 and names the objective', () => {
    const data = evaluate([value('rt', 1)], [{ sli: 'rt', displayName: 'RT', pass: crit('=>5') }]);
    expect(data).toMatchObject({
      status: 'succeeded',
      result: 'fail',
      message: 'error with RT: could not parse criteria target value',
      evaluation: { result: 'fail', score: 0, indicatorResults: null, sloFileContent: 'c2xvCg==' },
    });
    const bySli = evaluate([value('rt', 1)], [{ sli: 'rt', pass: crit('5') }]);
    expect(bySli.message).toBe('error with rt: invalid criteria string');
  });

  it('a warning criterion that does not parse is ignored (empty warning targets)', () => {
    const data = evaluate([value('rt', 700)], [{ sli: 'rt', pass: crit('<600'), warning: crit('x') }]);
    expect(data.evaluation.indicatorResults![0]).toMatchObject({ status: 'fail', warningTargets: [] });
  });

  it.each([
    [undefined, 'no target score defined'],
    [{ pass: '' }, 'no target score defined'],
    [{ pass: '9o%' }, 'could not parse pass target percentage'],
    [{ pass: '90%', warning: 'high' }, 'could not parse warning target percentage'],
  ])('total_score %j → errored: %s', (total, message) => {
    const input = {
      objectives: [{ sli: 'rt', pass: crit('<600') }],
      ...(total ? { total_score: total } : {}),
    };
    const data = evaluateKeptn({
      sli: sliData([value('rt', 1)]),
      slo: defaultKeptnSlo(input),
      sloFileContent: 'eA==',
    });
    expect(data).toMatchObject({
      status: 'errored',
      result: 'fail',
      message,
      evaluation: { result: 'fail', score: 0, sloFileContent: 'eA==', indicatorResults: null },
    });
  });

  it('no SLO file → pass without evaluation', () => {
    const data = evaluateKeptn({ sli: sliData([]) });
    expect(data).toMatchObject({
      status: 'succeeded',
      result: 'pass',
      message: 'no evaluation performed by lighthouse because no SLO file configured for project sockshop',
    });
  });
});
