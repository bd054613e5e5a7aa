import { describe, expect, it } from 'vitest';
import { errorRatioQuery, eventCounterFamily, SliQueryError } from '../../src/alerting/sli-queries.js';
import type { SloConfig } from '../../src/domain/types.js';

const slo = (backend: string, method: string, sli: Record<string, unknown>): SloConfig => ({
  apiVersion: 'sre.google.com/v2',
  kind: 'ServiceLevelObjective',
  metadata: { name: 'x' },
  spec: { description: '', backend, method, service_level_indicator: sli, goal: 0.99 },
});

describe('error-ratio PromQL of prometheus SLOs', () => {
  it('good_bad_ratio with filter_bad: bad / (good + bad), a missing side counting zero', () => {
    const query = errorRatioQuery(
      slo('prometheus', 'good_bad_ratio', { filter_good: 'ok_total', filter_bad: 'err_total' }),
      'prometheus',
    );
    const g = 'sum(increase(ok_total[1h]))';
    const b = 'sum(increase(err_total[1h]))';
    expect(query('1h')).toBe(
      `((${b}) or (${g}) * 0)\n/\n(((${g}) or (${b}) * 0) + ((${b}) or (${g}) * 0))\n`,
    );
  });

  it('puts the range where [window] is and keeps custom operators', () => {
    const query = errorRatioQuery(
      slo('prometheus', 'good_bad_ratio', {
        filter_good: 'sum(rate(ok_total{a="[window]"}[window]))',
        filter_valid: 'sum(rate(all_total[window]))',
        operators: [],
      }),
      'prometheus',
    );
    expect(query('5m')).toBe(
      '((sum(rate(all_total[5m]))) - ((sum(rate(ok_total{a="[window]"}[5m]))) or (sum(rate(all_total[5m]))) * 0))\n/\n(sum(rate(all_total[5m])))\n',
    );
  });

  it('distribution_cut with good_below_threshold false: the bucket counts are the bad events', () => {
    const query = errorRatioQuery(
      slo('prometheus', 'distribution_cut', {
        expression: 'd_bucket{job="a"}',
        threshold_bucket: '1.0',
        good_below_threshold: false,
      }),
      'prometheus',
    );
    const below = 'sum(increase(d_bucket{job="a", le="1.0"}[5m]))';
    const valid = 'sum(increase(d_count{job="a"}[5m]))';
    expect(query('5m')).toBe(`((${below}) or (${valid}) * 0)\n/\n(${valid})\n`);
  });

  it('query_sli: one minus the SLI', () => {
    const query = errorRatioQuery(
      slo('prometheus', 'query_sli', { expression: 'avg_over_time(up[window])' }),
      'prometheus',
    );
    expect(query('1d')).toBe('1 - (avg_over_time(up[1d]))');
  });

  it('names the field of PromQL that cannot take a range', () => {
    const build = () =>
      errorRatioQuery(
        slo('prometheus', 'good_bad_ratio', { filter_good: 'a + b', filter_valid: 'c' }),
        'prometheus',
      );
    expect(build).toThrow(SliQueryError);
    expect(build).toThrow(/filter_good has no \[window\] placeholder/);
    try {
      build();
    } catch (error) {
      expect((error as SliQueryError).path).toEqual(['spec', 'service_level_indicator', 'filter_good']);
    }
  });
});

describe('error-ratio PromQL of events SLOs', () => {
  it.each([
    [{}, 'slo_domain:slo_events_total'],
    [{ domain: 'a', slo_type: 'latency' }, 'slo_domain:slo_events_total'],
    [{ class: 'critical' }, 'slo_domain_slo_class:slo_events_total'],
    [{ domain: 'a', app: 'web' }, 'slo_domain_slo_class_slo_app:slo_events_total'],
    [{ event_key: 'GET:/' }, 'slo_domain_slo_class_slo_app_event_key:slo_events_total'],
  ])('filters %j read the coarsest family carrying them: %s', (filter, family) => {
    expect(eventCounterFamily(filter)).toBe(family);
  });

  it('writes exact filters as = and regexps as =~, fail over all results', () => {
    const query = errorRatioQuery(
      slo('events', 'good_bad_ratio', { domain: 'shop', app: { regexp: 'web|api\\d' } }),
      'events',
    );
    const selector =
      'slo_domain_slo_class_slo_app:slo_events_total{slo_domain="shop", slo_app=~"web|api\\\\d"';
    expect(query('30m')).toBe(
      `(sum(rate(${selector}, result="fail"}[30m])))\n/\n(sum(rate(${selector}}[30m])))\n`,
    );
  });

  it('refuses methods other than good_bad_ratio', () => {
    expect(() => errorRatioQuery(slo('events', 'query_sli', {}), 'events')).toThrow(
      /method "query_sli" of backend "events" cannot be written as recording rules/,
    );
  });
});
