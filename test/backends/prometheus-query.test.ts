import { describe, expect, it } from 'vitest';
import { DEFAULT_OPERATORS, formatQuery, thresholdLabel } from '../../src/backends/prometheus-query.js';

const DEFAULT = [...DEFAULT_OPERATORS];

// slo-generator's `_fmt_query` outputs, verified against slo-generator (reference/slo-generator.md §3.2).
const table: [string, number, string[], Record<string, string>, string][] = [
  [
    'prometheus_http_requests_total{handler="/metrics", code=~"2.."}',
    3600,
    DEFAULT,
    {},
    'sum(increase(prometheus_http_requests_total{handler="/metrics", code=~"2.."}[3600s]))',
  ],
  [
    'http_requests_total{handler="/metrics", code=~"2.."}[window]',
    3600,
    DEFAULT,
    {},
    'sum(increase(http_requests_total{handler="/metrics", code=~"2.."}[3600s]))',
  ],
  [
    'sum(rate(x{a="b"}[window]))/sum(rate(x[window]))',
    43200,
    [],
    {},
    'sum(rate(x{a="b"}[43200s]))/sum(rate(x[43200s]))',
  ],
  [
    'http_request_duration_seconds_bucket{handler="/metrics", code=~"2.."}',
    3600,
    DEFAULT,
    { le: '0.25' },
    'sum(increase(http_request_duration_seconds_bucket{handler="/metrics", code=~"2..", le="0.25"}[3600s]))',
  ],
  ['my_metric_bucket', 3600, DEFAULT, { le: '0.25' }, 'sum(increase(my_metric_bucket[3600s]))'],
  ['  up  ', 60, [], {}, 'up[60s]'],
  ['foo', 3600, ['rate', 'sum'], {}, 'sum(rate(foo[3600s]))'],
  ['x{a="1"} / y{b="2"}', 3600, [], { le: '1' }, 'x{a="1", le="1"} / y{b="2", le="1"}[3600s]'],
  ['x[window:1m]', 3600, [], {}, 'x[3600s:1m]'],
  ['sum(rate(x[5m]))/sum(rate(x[5m]))', 3600, [], {}, 'sum(rate(x[5m]))/sum(rate(x[5m]))[3600s]'],
];

describe('formatQuery (slo-generator _fmt_query)', () => {
  it.each(table)('%j window=%i operators=%j labels=%j', (query, window, operators, labels, expected) => {
    expect(formatQuery(query, window, operators, labels)).toBe(expected);
  });

  it('replaces every [window, including subqueries with a resolution', () => {
    expect(formatQuery('avg_over_time(x[window:5m]) / avg_over_time(y[window])', 604800)).toBe(
      'avg_over_time(x[604800s:5m]) / avg_over_time(y[604800s])',
    );
  });

  it('wraps operators first-innermost (docs caveat: ["sum","rate"] gives rate(sum(...)))', () => {
    expect(formatQuery('x', 60, ['sum', 'rate'])).toBe('rate(sum(x[60s]))');
  });

  it('defaults to no operators and no labels', () => {
    expect(formatQuery('x', 3600)).toBe('x[3600s]');
  });

  it('strips only surrounding whitespace, keeping newlines inside', () => {
    expect(formatQuery('\n  sum(x[window])\n  / sum(y[window])\n', 60)).toBe('sum(x[60s])\n  / sum(y[60s])');
  });

  it('default operators are increase then sum', () => {
    expect(DEFAULT_OPERATORS).toEqual(['increase', 'sum']);
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
