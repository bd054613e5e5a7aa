import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/config/errors.js';
import { ruleThresholdFamily } from '../../src/events/rule-thresholds.js';
import { renderFamilies } from '../../src/lang/prometheus-text.js';
import { eventsFixture, rulesFrom } from './helpers.js';

const lines = (text: string) => text.split('\n').filter(Boolean).sort();

describe('exposeRulesAsMetrics', () => {
  it("gives the seed's example output for the seed's example rules", () => {
    const { family, problems } = ruleThresholdFamily(rulesFrom(eventsFixture('seed-expose-rules.yaml')));
    expect(problems).toEqual([]);
    expect(lines(renderFamilies([family]))).toEqual(lines(eventsFixture('seed-expose-metrics.txt')));
  });

  it("exposes every number condition of a rule without expose_as_metric (slo-exporter v6's unit test)", () => {
    const rules = rulesFrom(`rules:
  - metadata_matcher: [{operator: isEqualTo, key: name, value: ad.banner}]
    failure_conditions:
      - {operator: numberIsHigherThan, key: prometheusQueryResult, value: 6300}
      - {operator: numberIsEqualOrLessThan, key: prometheusQueryResult, value: 7000}
      - {operator: durationIsHigherThan, key: took, value: 1s}
      - {operator: isEqualTo, key: x, value: '1'}
    additional_metadata: {foo: bar}
`);
    expect(ruleThresholdFamily(rules).family.samples).toEqual([
      { labels: { foo: 'bar', name: 'ad.banner', operator: 'numberIsHigherThan' }, value: 6300 },
      { labels: { foo: 'bar', name: 'ad.banner', operator: 'numberIsEqualOrLessThan' }, value: 7000 },
    ]);
  });

  it('labels numberEqualTo matchers with the %g of their threshold, lets metadata override operator', () => {
    const rules = rulesFrom(`rules:
  - metadata_matcher:
      - {operator: numberEqualTo, key: code, value: '1e6'}
      - {operator: matchesRegexp, key: cluster, value: 'k8s.+'}
    failure_conditions:
      - {operator: numberHigherThan, key: v, value: '0.00001'}
      - {operator: numberHigherThan, key: v, value: 5, expose_as_metric: false}
    additional_metadata: {operator: custom}
`);
    expect(ruleThresholdFamily(rules).family.samples).toEqual([
      { labels: { code: '1e+06', operator: 'custom' }, value: 0.00001 },
    ]);
  });

  it('keeps the later sample when two rules give the same labels', () => {
    const rules = rulesFrom(`rules:
  - slo_matcher: {domain: a}
    failure_conditions: [{operator: numberHigherThan, key: v, value: 1}]
  - slo_matcher: {domain: b}
    failure_conditions: [{operator: numberHigherThan, key: v, value: 2}]
`);
    expect(ruleThresholdFamily(rules).family.samples).toEqual([
      { labels: { operator: 'numberHigherThan' }, value: 2 },
    ]);
  });

  it('reports metadata that cannot be a label name, naming the rule', () => {
    const rules = rulesFrom(`rules:
  - metadata_matcher: [{operator: equalTo, key: http_slo-domain, value: x}]
    failure_conditions: [{operator: numberHigherThan, key: v, value: 1}]
`);
    const { problems, family } = ruleThresholdFamily(rules);
    expect(problems.map(formatIssue)).toEqual([
      'rules.yaml:2:5: rules[0]: cannot expose the rule\'s threshold: "http_slo-domain" is not a valid Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, no leading "__")',
    ]);
    expect(family.samples).toEqual([]);
  });
});
