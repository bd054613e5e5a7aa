/** Keptn slo.yaml: lighthouse's defaults and go-yaml v3 leniencies, and positioned errors for bad files. */
import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue, formatIssue } from '../../src/config/errors.js';
import { parseKeptnSlo } from '../../src/keptn/slo-file.js';

const issuesOf = (text: string): string[] => {
  try {
    parseKeptnSlo(text, 'slo.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i: ConfigIssue) => formatIssue(i));
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('parseKeptnSlo', () => {
  it('reads the reference example with its comparison and keeps the raw text', () => {
    const text = `spec_version: '1.0'
filter:
  handler: "ItemsController.addToCart"
comparison:
  compare_with: several_results
  include_result_with_score: pass
  number_of_comparison_results: 3
  aggregate_function: p90
objectives:
  - sli: response_time_p95
    displayName: "Response Time P95"
    pass:
      - criteria: ["<=+10%", "<600"]
    warning:
      - criteria: ["<=800"]
    weight: 2
    key_sli: true
  - sli: error_rate
total_score:
  pass: "90%"
  warning: "75%"
`;
    const loaded = parseKeptnSlo(text, 'slo.yaml');
    expect(loaded.text).toBe(text);
    expect(loaded.slo).toEqual({
      spec_version: '1.0',
      filter: { handler: 'ItemsController.addToCart' },
      comparison: {
        compare_with: 'several_results',
        include_result_with_score: 'pass',
        number_of_comparison_results: 3,
        aggregate_function: 'p90',
      },
      objectives: [
        {
          sli: 'response_time_p95',
          displayName: 'Response Time P95',
          pass: [{ criteria: ['<=+10%', '<600'] }],
          warning: [{ criteria: ['<=800'] }],
          weight: 2,
          key_sli: true,
        },
        { sli: 'error_rate', weight: 1 },
      ],
      total_score: { pass: '90%', warning: '75%' },
    });
  });

  it('applies lighthouse defaults: no comparison, weight 0, null objectives, empty lists', () => {
    const { slo } = parseKeptnSlo(
      `objectives:
  -
  - sli: a
    weight: 0
    pass:
total_score: {pass: 90}
`,
      'slo.yaml',
    );
    expect(slo.comparison).toEqual({
      compare_with: 'single_result',
      include_result_with_score: 'all',
      number_of_comparison_results: 1,
      aggregate_function: 'avg',
    });
    expect(slo.objectives).toEqual([{ sli: 'a', weight: 1, pass: [] }]);
    expect(slo.total_score).toEqual({ pass: '90' }); // a number where text is expected, as go-yaml reads it
  });

  it('takes YAML 1.1 booleans for key_sli and any case for include_result_with_score, as lighthouse', () => {
    const { slo } = parseKeptnSlo(
      `comparison: {include_result_with_score: Pass_Or_Warn}
objectives:
  - {sli: a, key_sli: yes}
  - {sli: b, key_sli: Off}
total_score: {pass: 90%}
`,
      'slo.yaml',
    );
    expect(slo.comparison.include_result_with_score).toBe('pass_or_warn');
    expect(slo.objectives.map((o) => o.key_sli)).toEqual([true, false]);
  });

  it('reports every structural problem with file, line, column and field', () => {
    expect(
      issuesOf(`objectives:
  - sli: x
    keysli: true
    weight: -1
    pass:
      - criteria: []
comparison:
  include_result_with_score: pass_or_warning
  aggregate_function: p99
  compare_with: last
total_score:
  pass: 90%
`),
    ).toEqual([
      'slo.yaml:3:5: objectives[0].keysli: unknown field "keysli"; did you mean "key_sli"?',
      'slo.yaml:4:13: objectives[0].weight: expected a non-negative integer (the weight; 0 means 1)',
      'slo.yaml:6:19: objectives[0].pass[0].criteria: a criteria set needs at least one criterion (an empty set is counted but never scored)',
      'slo.yaml:8:30: comparison.include_result_with_score: expected all, pass or pass_or_warn',
      'slo.yaml:9:23: comparison.aggregate_function: expected avg, p50, p90 or p95',
      'slo.yaml:10:17: comparison.compare_with: expected single_result or several_results',
    ]);
  });

  it('reports criteria and total_score lighthouse could not parse, at their position', () => {
    expect(
      issuesOf(`objectives:
  - sli: rt
    pass:
      - criteria: ["<600", "=>5"]
    warning:
      - criteria: ["800"]
total_score:
  warning: "7x%"
`),
    ).toEqual([
      'slo.yaml:4:28: objectives[0].pass[0].criteria[1]: could not parse criteria target value "=>5": expected an operator (<, <=, =, >=, >) then a number; +N/-N and N% are relative to the comparison value',
      'slo.yaml:6:20: objectives[0].warning[0].criteria[0]: invalid criteria string "800": expected an operator (<, <=, =, >=, >) then a number; +N/-N and N% are relative to the comparison value',
      'slo.yaml:8:3: total_score.pass: expected the pass percentage, e.g. "90%"',
      'slo.yaml:8:12: total_score.warning: expected a percentage such as "90%" or "90", got "7x%"',
    ]);
  });

  it('requires total_score and a known top-level shape', () => {
    expect(issuesOf('objectives: []\n')).toEqual([
      'slo.yaml:1:1: total_score: required field is missing (expected object)',
    ]);
    expect(issuesOf('- a\n')).toEqual(['slo.yaml:1:1: expected object, got array']);
    expect(issuesOf('objectives: [{displayName: x}]\ntotal_score: {pass: 1}\n')).toEqual([
      'slo.yaml:1:14: objectives[0].sli: expected the SLI name',
    ]);
    expect(issuesOf('objectives: [\n')[0]).toMatch(/^slo\.yaml:2:1: invalid YAML: /);
  });
});
