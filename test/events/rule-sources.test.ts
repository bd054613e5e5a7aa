import { describe, expect, it } from 'vitest';
import { Classifier, type SloEvent } from '../../src/events/classifier.js';
import { rawEventFrom } from '../../src/events/event-lines.js';
import { compileRuleSources, ruleSources } from '../../src/events/rule-sources.js';
import type { CompiledRule } from '../../src/events/rules-file.js';
import { eventsFixture, rulesFrom } from './helpers.js';

/** Every SLO event of `classifier` over `events`, with the rule's position instead of the rule object. */
function judge(rules: CompiledRule[], events: Record<string, unknown>[]) {
  const classifier = new Classifier(rules);
  const out: (Omit<SloEvent, 'rule'> & { rule: number })[] = [];
  for (const value of events) {
    const event = rawEventFrom(value);
    if (event) classifier.classify(event, ({ rule, ...e }) => out.push({ ...e, rule: rules.indexOf(rule) }));
  }
  return { out, stats: classifier.stats };
}

describe('rule sources', () => {
  const files = {
    seed: eventsFixture('seed-rules.yaml'),
    v6: eventsFixture('v6-rules.yaml'),
    edge: `rules:
  - slo_matcher: {domain: '(?i)^SHOP', class: '', app: 'web|api'}
    metadata_matcher: [{operator: isNotMatchingRegexp, key: path, value: '^/static'}, {operator: numberIsEqualTo, key: code, value: 5e2}]
    failure_conditions:
      - {operator: durationIsHigherThan, key: took, value: 1.5s, expose_as_metric: true}
      - {operator: notEqualTo, key: ok, value: 'true'}
    additional_metadata: {__proto__: p, slo_type: latency, le: 8.0}
    honor_slo_result: yes
`,
  };

  it.each(Object.keys(files))('survive a structured clone and judge as the %s rules do', (name) => {
    const rules = rulesFrom(files[name as keyof typeof files]);
    const copies = compileRuleSources(structuredClone(ruleSources(rules)));
    expect(ruleSources(copies)).toEqual(ruleSources(rules));
    for (const [rule, copy] of rules.map((r, i) => [r, copies[i]!] as const)) {
      expect(Object.getPrototypeOf(copy.additionalMetadata)).toBe(null);
      expect(Object.entries(copy.additionalMetadata)).toEqual(Object.entries(rule.additionalMetadata));
      expect(copy.failureConditions.map((c) => c.exposeAsMetric)).toEqual(
        rule.failureConditions.map((c) => c.exposeAsMetric),
      );
    }
    const events: Record<string, unknown>[] = [];
    for (const domain of ['test-domain', 'userportal', 'shop', 'Shop-eu', 'other'])
      for (const sloClass of ['critical', 'low'])
        for (const statusCode of ['200', '503', '500', 'x', 500])
          for (const took of ['0.5', '2s', '900ms', 'bad'])
            events.push({
              slo_domain: domain,
              slo_class: sloClass,
              slo_app: 'web',
              event_type: 'http_request_result',
              sloResult: statusCode === 500 ? 'Failure' : 'ok',
              slo_result: statusCode === '503' ? 'success' : '',
              statusCode,
              code: statusCode,
              requestDuration: took,
              took,
              path: took === 'bad' ? '/static/x' : '/api',
              ok: took !== '2s',
            });
    const original = judge(rules, events);
    expect(original.out.length).toBeGreaterThan(10);
    expect(judge(copies, events)).toEqual(original);
  });
});
