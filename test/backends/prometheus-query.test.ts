import { describe, expect, it } from 'vitest';
import {
  bucketLeValuesQuery,
  bucketToCount,
  compileQuery,
  DEFAULT_OPERATORS,
  PromQLError,
  promqlSyntaxError,
  thresholdLabel,
  withBucketLabel,
} from '../../src/backends/prometheus-query.js';

/** The PromQL of one query at once, as the backend builds it: compile the field, then build the window. */
const formatQuery = (query: string, window: number, operators: readonly string[] = [], field?: string) =>
  compileQuery(query, operators, field)(window);

const DEFAULT = [...DEFAULT_OPERATORS];

/** formatQuery then, when `le` is given, withBucketLabel: what distribution_cut's good query is. */
function build(query: string, window: number, operators: string[], le?: string): string {
  const built = formatQuery(query, window, operators);
  return le === undefined ? built : withBucketLabel(built, le);
}

// slo-generator's `_fmt_query` outputs where it gets them right (reference/slo-generator.md §3.2): same text.
const sameAsUpstream: [string, number, string[], string | undefined, string][] = [
  [
    'prometheus_http_requests_total{handler="/metrics", code=~"2.."}',
    3600,
    DEFAULT,
    undefined,
    'sum(increase(prometheus_http_requests_total{handler="/metrics", code=~"2.."}[3600s]))',
  ],
  [
    'http_requests_total{handler="/metrics", code=~"2.."}[window]',
    3600,
    DEFAULT,
    undefined,
    'sum(increase(http_requests_total{handler="/metrics", code=~"2.."}[3600s]))',
  ],
  [
    'sum(rate(x{a="b"}[window]))/sum(rate(x[window]))',
    43200,
    [],
    undefined,
    'sum(rate(x{a="b"}[43200s]))/sum(rate(x[43200s]))',
  ],
  [
    'http_request_duration_seconds_bucket{handler="/metrics", code=~"2.."}',
    3600,
    DEFAULT,
    '0.25',
    'sum(increase(http_request_duration_seconds_bucket{handler="/metrics", code=~"2..", le="0.25"}[3600s]))',
  ],
  ['  up  ', 60, [], undefined, 'up[60s]'],
  ['foo', 3600, ['rate', 'sum'], undefined, 'sum(rate(foo[3600s]))'],
  ['x[window:1m]', 3600, [], undefined, 'x[3600s:1m]'],
];

// Where slo-generator's text edits give a wrong query, the right one.
const fixed: [string, string, number, string[], string | undefined, string][] = [
  [
    'no braces: le added (upstream drops it)',
    'my_metric_bucket',
    3600,
    DEFAULT,
    '0.25',
    'sum(increase(my_metric_bucket{le="0.25"}[3600s]))',
  ],
  [
    'empty braces (upstream: {, le=...})',
    'my_metric_bucket{}',
    3600,
    DEFAULT,
    '0.25',
    'sum(increase(my_metric_bucket{le="0.25"}[3600s]))',
  ],
  [
    'regexp with {2}: left intact',
    'x_bucket{code=~"2[0-9]{2}"}',
    3600,
    DEFAULT,
    '1',
    'sum(increase(x_bucket{code=~"2[0-9]{2}", le="1"}[3600s]))',
  ],
  [
    '__name__ matcher',
    '{__name__="x_bucket", job="api"}',
    60,
    DEFAULT,
    '0.5',
    'sum(increase({__name__="x_bucket", job="api", le="0.5"}[60s]))',
  ],
  [
    'trailing comma reused',
    'x_bucket{job="api",}',
    60,
    DEFAULT,
    '0.5',
    'sum(increase(x_bucket{job="api", le="0.5"}[60s]))',
  ],
  [
    'only _bucket selectors get le (upstream: every selector)',
    'sum(rate(x_bucket{a="1"}[window])) / sum(rate(y_total{b="2"}[window]))',
    3600,
    [],
    '1',
    'sum(rate(x_bucket{a="1", le="1"}[3600s])) / sum(rate(y_total{b="2"}[3600s]))',
  ],
  [
    '[window inside a label value stays',
    'x_bucket{path="/a[window]"}[window]',
    60,
    DEFAULT,
    '+Inf',
    'sum(increase(x_bucket{path="/a[window]", le="+Inf"}[60s]))',
  ],
];

describe('formatQuery and withBucketLabel', () => {
  it.each(sameAsUpstream)('%j window=%i operators=%j le=%j', (query, window, operators, le, expected) => {
    expect(build(query, window, operators, le)).toBe(expected);
  });

  it.each(fixed)('%s', (_name, query, window, operators, le, expected) => {
    expect(build(query, window, operators, le)).toBe(expected);
  });

  it('replaces every [window, including subqueries with a resolution', () => {
    expect(formatQuery('avg_over_time(x[window:5m]) / avg_over_time(y[window])', 604800)).toBe(
      'avg_over_time(x[604800s:5m]) / avg_over_time(y[604800s])',
    );
  });

  it('wraps operators first-innermost (docs caveat: ["sum","rate"] gives rate(sum(...)))', () => {
    expect(formatQuery('x', 60, ['sum', 'rate'])).toBe('rate(sum(x[60s]))');
  });

  it('strips only surrounding whitespace, keeping newlines inside', () => {
    expect(formatQuery('\n  sum(x[window])\n  / sum(y[window])\n', 60)).toBe('sum(x[60s])\n  / sum(y[60s])');
  });

  it('default operators are increase then sum', () => {
    expect(DEFAULT_OPERATORS).toEqual(['increase', 'sum']);
  });

  it('no placeholder and not a single selector: an error saying where [window] goes (upstream appends [Ns])', () => {
    expect(() =>
      formatQuery('sum(rate(x[5m]))/sum(rate(x[5m]))', 3600, [], 'service_level_indicator.expression'),
    ).toThrow(
      new PromQLError(
        'service_level_indicator.expression has no [window] placeholder and is not a single selector: write [window] where the range goes (e.g. rate(x[window])), it becomes [3600s]',
      ),
    );
    expect(() => formatQuery('x{a="1"} / y{b="2"}', 3600)).toThrow(/no \[window\] placeholder/);
  });

  it('a syntax error names the field, line and column', () => {
    expect(() =>
      formatQuery('http_requests_total{service="api"', 3600, DEFAULT, 'service_level_indicator.filter_good'),
    ).toThrow(
      new PromQLError(
        'PromQL syntax error in service_level_indicator.filter_good at line 1, column 34 (at the end): http_requests_total{service="api"',
      ),
    );
    expect(() =>
      formatQuery('sum(\n  rate(x[window]) +\n)', 60, [], 'service_level_indicator.expression'),
    ).toThrow('PromQL syntax error in service_level_indicator.expression at line 3, column 1 (near ")")');
  });

  it('a bad operator is reported against the operators field', () => {
    expect(() => formatQuery('x', 60, ['increase', 'sum by'], 'service_level_indicator.filter_good')).toThrow(
      /^PromQL syntax error in operators \["increase","sum by"\] at line 1, column/,
    );
  });

  it('an empty expression is an error', () => {
    expect(() => formatQuery('  ', 60, [], 'service_level_indicator.filter_valid')).toThrow(
      'service_level_indicator.filter_valid is empty: expected a PromQL expression',
    );
  });
});

describe('withBucketLabel errors', () => {
  it('no _bucket selector: says what distribution_cut needs', () => {
    expect(() => withBucketLabel('sum(increase(x_count[60s]))', '1')).toThrow(
      'service_level_indicator.expression selects no histogram bucket series: distribution_cut needs a selector of a metric whose name contains _bucket',
    );
  });

  it('a selector that already matches le', () => {
    expect(() => withBucketLabel('x_bucket{le="1"}', '1')).toThrow(/already matches the le label/);
  });
});

describe('bucketToCount', () => {
  it.each([
    [
      'sum(increase(http_request_duration_seconds_bucket{handler="/metrics", code=~"2.."}[3600s]))',
      'sum(increase(http_request_duration_seconds_count{handler="/metrics", code=~"2.."}[3600s]))',
    ],
    ['sum(increase(x_bucket[60s]))', 'sum(increase(x_count[60s]))'],
    // _bucket inside a label value is not a metric name
    ['x_bucket{source="raw_bucket"}[60s]', 'x_count{source="raw_bucket"}[60s]'],
    ['{__name__="x_bucket", a="b"}[60s]', '{__name__="x_count", a="b"}[60s]'],
    [
      'sum(rate(a_bucket[60s])) / sum(rate(b_bucket[60s]))',
      'sum(rate(a_count[60s])) / sum(rate(b_count[60s]))',
    ],
  ])('%s', (query, expected) => {
    expect(bucketToCount(query)).toBe(expected);
  });
});

describe('bucketLeValuesQuery', () => {
  it('lists le values of the bucket selectors over the window', () => {
    expect(bucketLeValuesQuery('sum(increase(x_bucket{job="api"}[3600s]))', 3600)).toBe(
      'count by (le) (last_over_time(x_bucket{job="api"}[3600s]))',
    );
  });
});

describe('promqlSyntaxError (slokit validate)', () => {
  it('accepts [window] placeholders and reports syntax errors', () => {
    expect(promqlSyntaxError('sum(rate(x[window]))')).toBeUndefined();
    expect(promqlSyntaxError('x[window:1m]')).toBeUndefined();
    expect(promqlSyntaxError('sum(rate(x[window])')).toBe(
      'PromQL syntax error in the expression at line 1, column 20 (at the end): sum(rate(x[window])',
    );
  });
});

describe('thresholdLabel (the le label text)', () => {
  it.each([
    [0.25, '0.25'],
    [1, '1'],
    [0.1, '0.1'],
    [2.5, '2.5'],
    ['0.250', '0.250'],
    ['+Inf', '+Inf'],
  ] as const)('%j → %s', (threshold, expected) => {
    expect(thresholdLabel(threshold)).toBe(expected);
  });
});
