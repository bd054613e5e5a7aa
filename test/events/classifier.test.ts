import { describe, expect, it } from 'vitest';
import { Classifier, type RawEvent, type SloEvent } from '../../src/events/classifier.js';
import { eventsFixture, rulesFrom } from './helpers.js';

const event = (metadata: Record<string, unknown>, extra: Partial<RawEvent> = {}): RawEvent => ({
  metadata,
  domain: 'd',
  class: 'c',
  app: 'a',
  key: 'k',
  quantity: 1,
  ...extra,
});

function run(rulesYaml: string, events: RawEvent[]) {
  const classifier = new Classifier(rulesFrom(rulesYaml));
  const out: SloEvent[] = [];
  const outcomes = events.map((e) => classifier.classify(e, (slo) => out.push(slo)));
  return { classifier, out, outcomes };
}

const summary = (out: SloEvent[]) => out.map((e) => `${e.metadata.id ?? '?'}:${e.result}`);

describe('Classifier semantics', () => {
  it('emits one SLO event per matching rule, in rule order, with the rule metadata', () => {
    const rules = `rules:
  - additional_metadata: {id: r1}
  - metadata_matcher: [{operator: equalTo, key: x, value: '1'}]
    additional_metadata: {id: r2}
  - metadata_matcher: [{operator: equalTo, key: x, value: '2'}]
    additional_metadata: {id: r3}
  - additional_metadata: {id: r4}
`;
    const { out } = run(rules, [event({ x: '1' })]);
    expect(summary(out)).toEqual(['r1:success', 'r2:success', 'r4:success']);
    expect(out[0]).toMatchObject({ domain: 'd', class: 'c', app: 'a', key: 'k', quantity: 1 });
  });

  it('needs every matcher kind of a rule to match', () => {
    const rules = `rules:
  - slo_matcher: {domain: d}
    metadata_matcher: [{operator: equalTo, key: x, value: '1'}]
    additional_metadata: {id: both}
`;
    const { out, outcomes } = run(rules, [
      event({ x: '1' }),
      event({ x: '1' }, { domain: 'other' }),
      event({ x: '2' }),
    ]);
    expect(summary(out)).toEqual(['both:success']);
    expect(outcomes).toEqual(['matched', 'unmatched', 'unmatched']);
  });

  it('reads slo_matcher values as unanchored regexps', () => {
    const rules = `rules:
  - slo_matcher: {domain: '^user', class: crit, app: 'front.*api$'}
    additional_metadata: {id: r}
`;
    const { out } = run(rules, [
      event({}, { domain: 'userportal', class: 'critical', app: 'frontend-api' }),
      event({}, { domain: 'myuserportal', class: 'critical', app: 'frontend-api' }),
      event({}, { domain: 'userportal', class: 'critical', app: 'frontend-api2' }),
    ]);
    expect(out).toHaveLength(1);
    expect(out[0]!.domain).toBe('userportal');
  });

  it('treats an empty slo_matcher field as matching anything', () => {
    const { out } = run("rules:\n  - slo_matcher: {domain: '', class: ~}\n", [event({})]);
    expect(out).toHaveLength(1);
  });

  it('fails the event when any failure condition is true, else succeeds', () => {
    const rules = `rules:
  - failure_conditions:
      - {operator: numberHigherThan, key: status, value: 499}
      - {operator: durationHigherThan, key: took, value: 1s}
    additional_metadata: {id: r}
`;
    const { out } = run(rules, [
      event({ status: '200', took: '10ms' }),
      event({ status: '503', took: '10ms' }),
      event({ status: '200', took: '2s' }),
      event({}),
    ]);
    expect(summary(out)).toEqual(['r:success', 'r:fail', 'r:fail', 'r:success']);
  });

  it('succeeds every event of a rule without failure conditions', () => {
    expect(
      summary(run('rules:\n  - additional_metadata: {id: r}\n', [event({ status: '500' })]).out),
    ).toEqual(['r:success']);
  });

  it('counts an unparsable value as false and as an evaluation error', () => {
    const rules = `rules:
  - failure_conditions:
      - {operator: numberHigherThan, key: status, value: 499}
      - {operator: durationHigherThan, key: took, value: 1s}
      - {operator: equalTo, key: flag, value: bad}
    additional_metadata: {id: r}
`;
    const { out, classifier } = run(rules, [
      event({ status: 'abc', took: '2' }), // both unparsable: success, 2 errors
      event({ status: 'abc', took: '2', flag: 'bad' }), // errors, then a true condition: fail
      event({ status: '500', took: 'x' }), // first true: evaluation stops, no error
    ]);
    expect(summary(out)).toEqual(['r:success', 'r:fail', 'r:fail']);
    expect(classifier.stats.evaluationErrors).toBe(4);
  });

  it('does not match a rule whose metadata matcher value does not parse, and counts the error', () => {
    const rules = `rules:
  - metadata_matcher: [{operator: numberEqualOrLessThan, key: status, value: 499}]
    additional_metadata: {id: r}
`;
    const { out, outcomes, classifier } = run(rules, [event({ status: 'n/a' }), event({ status: '404' })]);
    expect(summary(out)).toEqual(['r:success']);
    expect(outcomes).toEqual(['unmatched', 'matched']);
    expect(classifier.stats.evaluationErrors).toBe(1);
  });

  it('treats a missing key as false, negated operators included', () => {
    const rules = `rules:
  - metadata_matcher: [{operator: notEqualTo, key: result, value: success}]
    additional_metadata: {id: neg}
  - failure_conditions: [{operator: notEqualTo, key: result, value: success}]
    additional_metadata: {id: fc}
`;
    const { out } = run(rules, [event({}), event({ result: 'error' })]);
    expect(summary(out)).toEqual(['fc:success', 'neg:success', 'fc:fail']);
  });

  it('honors the event result when honor_slo_result is set and the result is not empty', () => {
    const rules = `rules:
  - honor_slo_result: true
    failure_conditions: [{operator: numberHigherThan, key: status, value: 499}]
    additional_metadata: {id: honor}
  - failure_conditions: [{operator: numberHigherThan, key: status, value: 499}]
    additional_metadata: {id: plain}
`;
    const { out } = run(rules, [
      event({ status: '500' }, { result: 'success' }), // honored: success despite 500
      event({ status: '200' }, { result: 'fail' }),
      event({ status: '200' }, { result: 'whatever' }), // anything but "success" is a failure
      event({ status: '500' }, { result: '' }), // empty: failure conditions apply
      event({ status: '500' }),
    ]);
    expect(summary(out)).toEqual([
      'honor:success',
      'plain:fail',
      'honor:fail',
      'plain:success',
      'honor:fail',
      'plain:success',
      'honor:fail',
      'plain:fail',
      'honor:fail',
      'plain:fail',
    ]);
  });

  it('drops and counts events whose domain, class or app is empty', () => {
    const { out, outcomes, classifier } = run('rules:\n  - {}\n', [
      event({}, { domain: '' }),
      event({}, { class: undefined }),
      event({}, { app: '' }),
      event({}),
    ]);
    expect(outcomes).toEqual(['unclassified', 'unclassified', 'unclassified', 'matched']);
    expect(out).toHaveLength(1);
    expect(classifier.stats).toEqual({
      processed: 4,
      unclassified: 3,
      unmatched: 0,
      evaluationErrors: 0,
      sloEvents: 1,
    });
  });

  it('runs the seed example rules as written', () => {
    const classifier = new Classifier(rulesFrom(eventsFixture('seed-rules.yaml')));
    const out: SloEvent[] = [];
    const classify = (metadata: Record<string, unknown>, extra: Partial<RawEvent> = {}) => {
      out.length = 0;
      classifier.classify(event(metadata, { domain: 'test-domain', class: 'critical', ...extra }), (e) =>
        out.push(e),
      );
      return out.map((e) => `${e.metadata.slo_type}:${e.result}`);
    };
    // statusCode 200 matches the second rule's regexp; 0.5 s is under its threshold of 1.
    expect(classify({ statusCode: '200', requestDuration: '0.5' })).toEqual([
      'availability:success',
      'latency90:success',
    ]);
    expect(classify({ statusCode: '200', requestDuration: '1.5' })).toEqual([
      'availability:success',
      'latency90:fail',
    ]);
    expect(classify({ statusCode: '503', requestDuration: '0.1' })).toEqual(['availability:fail']);
    // Class other than critical: only the first rule; its honor_slo_result uses the event's own result.
    expect(classify({ statusCode: '503' }, { class: 'low', result: 'success' })).toEqual([
      'availability:success',
    ]);
    expect(classify({ statusCode: '200' }, { domain: 'other' })).toEqual([]);
  });
});

describe('Classifier rule index', () => {
  const rules = rulesFrom(`rules:
  - metadata_matcher: [{operator: equalTo, key: type, value: http}, {operator: numberEqualOrLessThan, key: status, value: 499}]
    additional_metadata: {id: r0}
  - metadata_matcher: [{operator: matchesRegexp, key: path, value: '^/api'}, {operator: equalTo, key: type, value: grpc}]
    additional_metadata: {id: r1}
  - metadata_matcher: [{operator: numberHigherThan, key: status, value: 0}, {operator: equalTo, key: type, value: http}]
    additional_metadata: {id: r2}
  - failure_conditions: [{operator: durationHigherThan, key: took, value: 100ms}]
    additional_metadata: {id: r3}
  - metadata_matcher: [{operator: equalTo, key: method, value: GET}]
    failure_conditions: [{operator: numberHigherThan, key: status, value: 499}]
    additional_metadata: {id: r4}
  - metadata_matcher: [{operator: equalTo, key: type, value: http}, {operator: equalTo, key: method, value: POST}]
    additional_metadata: {id: r5}
`);

  /** Deterministic pseudo-random events over the rules' keys and values, some unparsable. */
  function events(count: number): RawEvent[] {
    const pick = <T>(list: T[], i: number) => list[(Math.imul(i, 2654435761) >>> 7) % list.length]!;
    return Array.from({ length: count }, (_, i) => {
      const metadata: Record<string, unknown> = {};
      if (i % 7) metadata.type = pick(['http', 'grpc', 'tcp', 'HTTP'], i * 13);
      if (i % 5) metadata.status = pick(['200', '404', '503', 'n/a', 500, ''], i * 7);
      if (i % 3) metadata.method = pick(['GET', 'POST', 'PUT'], i * 11);
      if (i % 4) metadata.path = pick(['/api/x', '/web', '/apis'], i * 17);
      if (i % 2) metadata.took = pick(['50ms', '1s', '0.5', '100ms'], i * 19);
      return event(metadata);
    });
  }

  it('gives the same SLO events, outcomes and counts as trying every rule', () => {
    const indexed = new Classifier(rules);
    const plain = new Classifier(rules, { index: false });
    const a: string[] = [];
    const b: string[] = [];
    const all = events(2000);
    const outcomesA = all.map((e) => indexed.classify(e, (s) => a.push(`${s.metadata.id}:${s.result}`)));
    const outcomesB = all.map((e) => plain.classify(e, (s) => b.push(`${s.metadata.id}:${s.result}`)));
    expect(a).toEqual(b);
    expect(outcomesA).toEqual(outcomesB);
    expect(indexed.stats).toEqual(plain.stats);
    // The comparison means something: every rule fired and errors were counted.
    expect(new Set(a.map((s) => s.split(':')[0]))).toEqual(new Set(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']));
    expect(indexed.stats.evaluationErrors).toBeGreaterThan(0);
  });
});
