import { describe, expect, it } from 'vitest';
import type { SloEvent } from '../../src/events/classifier.js';
import { SloEventCounters } from '../../src/events/counters.js';
import { renderFamilies } from '../../src/lang/prometheus-text.js';
import { rulesFrom } from './helpers.js';

const ruleWith = (metadata: string) => rulesFrom(`rules:\n  - additional_metadata: ${metadata}\n`)[0]!;
const plainRule = ruleWith('{}');

function sloEvent(extra: Partial<SloEvent> = {}): SloEvent {
  const rule = extra.rule ?? plainRule;
  return {
    result: 'success',
    domain: 'domain',
    class: 'critical',
    app: 'app',
    key: 'key',
    quantity: 1,
    metadata: rule.additionalMetadata,
    rule,
    ...extra,
  };
}

/** Sample lines of a rendering, without HELP/TYPE. */
const samples = (counters: SloEventCounters) =>
  renderFamilies(counters.families())
    .split('\n')
    .filter((line) => line && !line.startsWith('#'));

describe('SloEventCounters', () => {
  it('counts one event once per level, with both results present', () => {
    const counters = new SloEventCounters();
    counters.add(sloEvent());
    expect(samples(counters)).toEqual([
      'slo_domain:slo_events_total{result="fail",slo_domain="domain"} 0',
      'slo_domain:slo_events_total{result="success",slo_domain="domain"} 1',
      'slo_domain_slo_class:slo_events_total{result="fail",slo_class="critical",slo_domain="domain"} 0',
      'slo_domain_slo_class:slo_events_total{result="success",slo_class="critical",slo_domain="domain"} 1',
      'slo_domain_slo_class_slo_app:slo_events_total{result="fail",slo_app="app",slo_class="critical",slo_domain="domain"} 0',
      'slo_domain_slo_class_slo_app:slo_events_total{result="success",slo_app="app",slo_class="critical",slo_domain="domain"} 1',
      'slo_domain_slo_class_slo_app_event_key:slo_events_total{event_key="key",result="fail",slo_app="app",slo_class="critical",slo_domain="domain"} 0',
      'slo_domain_slo_class_slo_app_event_key:slo_events_total{event_key="key",result="success",slo_app="app",slo_class="critical",slo_domain="domain"} 1',
    ]);
    const text = renderFamilies(counters.families());
    expect(text).toContain(
      "# HELP slo_domain:slo_events_total Total number of SLO events exported with it's result and metadata.\n# TYPE slo_domain:slo_events_total counter\n",
    );
  });

  it("labels series with the rule's metadata (slo-exporter's exporter test)", () => {
    const counters = new SloEventCounters();
    counters.add(
      sloEvent({ rule: ruleWith('{a: a1, b: b1}'), key: 'foo', class: '', app: '', result: 'fail' }),
    );
    expect(samples(counters).filter((l) => l.startsWith('slo_domain_slo_class_slo_app_event_key:'))).toEqual([
      'slo_domain_slo_class_slo_app_event_key:slo_events_total{a="a1",b="b1",event_key="foo",result="fail",slo_app="",slo_class="",slo_domain="domain"} 1',
      'slo_domain_slo_class_slo_app_event_key:slo_events_total{a="a1",b="b1",event_key="foo",result="success",slo_app="",slo_class="",slo_domain="domain"} 0',
    ]);
  });

  it('adds quantities and keeps series apart by label set', () => {
    const counters = new SloEventCounters();
    counters.add(sloEvent({ quantity: 2.5 }));
    counters.add(sloEvent({ quantity: 3, result: 'fail' }));
    counters.add(sloEvent({ domain: 'other' }));
    const level1 = samples(counters).filter((l) => l.startsWith('slo_domain:'));
    expect(level1).toEqual([
      'slo_domain:slo_events_total{result="fail",slo_domain="domain"} 3',
      'slo_domain:slo_events_total{result="success",slo_domain="domain"} 2.5',
      'slo_domain:slo_events_total{result="fail",slo_domain="other"} 0',
      'slo_domain:slo_events_total{result="success",slo_domain="other"} 1',
    ]);
  });

  it('lets metadata override classification labels, never result, and keeps finer labels off coarser levels', () => {
    const counters = new SloEventCounters();
    counters.add(
      sloEvent({
        rule: ruleWith('{slo_domain: fixed, event_key: k2, result: nope, slo_type: availability}'),
      }),
    );
    // Same label set from a rule without metadata and an event of domain "fixed": the same series.
    counters.add(sloEvent({ rule: ruleWith('{slo_type: availability}'), domain: 'fixed', key: 'k2' }));
    const lines = samples(counters);
    expect(lines.filter((l) => l.startsWith('slo_domain:'))).toEqual([
      'slo_domain:slo_events_total{result="fail",slo_domain="fixed",slo_type="availability"} 0',
      'slo_domain:slo_events_total{result="success",slo_domain="fixed",slo_type="availability"} 2',
    ]);
    expect(lines.filter((l) => l.startsWith('slo_domain_slo_class_slo_app_event_key:'))).toEqual([
      'slo_domain_slo_class_slo_app_event_key:slo_events_total{event_key="k2",result="fail",slo_app="app",slo_class="critical",slo_domain="fixed",slo_type="availability"} 0',
      'slo_domain_slo_class_slo_app_event_key:slo_events_total{event_key="k2",result="success",slo_app="app",slo_class="critical",slo_domain="fixed",slo_type="availability"} 2',
    ]);
  });

  it('caps distinct event keys and counts the rest under the placeholder', () => {
    const counters = new SloEventCounters({ maximumUniqueEventKeys: 2 });
    for (const key of ['0', '1', '2', '3', '4', '0']) counters.add(sloEvent({ key }));
    const keys = samples(counters)
      .filter((l) => l.startsWith('slo_domain_slo_class_slo_app_event_key:') && l.includes('success'))
      .map((l) => `${/event_key="([^"]*)"/.exec(l)![1]} ${l.split(' ')[1]}`);
    expect(keys).toEqual(['0 2', '1 1', 'cardinalityLimitExceeded 3']);
    expect(counters.eventKeys).toBe(2);
    expect(counters.eventKeysLimit).toBe(2);
  });

  it('follows configured label names, metric name and placeholder', () => {
    const counters = new SloEventCounters({
      metricName: 'events_total',
      labelNames: { sloDomain: 'domain', eventKey: 'endpoint', result: 'outcome' },
      maximumUniqueEventKeys: 1,
      exceededKeyLimitPlaceholder: 'other',
    });
    counters.add(sloEvent({ key: 'a' }));
    counters.add(sloEvent({ key: 'b' }));
    const names = counters.families().map((f) => f.name);
    expect(names).toEqual([
      'domain:events_total',
      'domain_slo_class:events_total',
      'domain_slo_class_slo_app:events_total',
      'domain_slo_class_slo_app_endpoint:events_total',
    ]);
    expect(samples(counters)).toContain(
      'domain_slo_class_slo_app_endpoint:events_total{domain="domain",endpoint="other",outcome="success",slo_app="app",slo_class="critical"} 1',
    );
  });

  it('returns families that keep the values of the moment they were taken', () => {
    const counters = new SloEventCounters();
    counters.add(sloEvent());
    const before = counters.families();
    counters.add(sloEvent({ quantity: 2 }));
    counters.add(sloEvent({ key: 'new' }));
    const value = (families: ReturnType<SloEventCounters['families']>) =>
      families[3]!.samples.map((s) => `${s.labels!.event_key} ${s.labels!.result} ${s.value}`);
    expect(value(before)).toEqual(['key fail 0', 'key success 1']);
    expect(renderFamilies(before)).not.toContain('new');
    expect(value(counters.families())).toEqual([
      'key fail 0',
      'key success 3',
      'new fail 0',
      'new success 1',
    ]);
  });

  it('rejects repeated label names and a bad key limit', () => {
    expect(() => new SloEventCounters({ labelNames: { sloApp: 'slo_class' } })).toThrow(
      /label names must differ/,
    );
    expect(() => new SloEventCounters({ maximumUniqueEventKeys: -1 })).toThrow(/non-negative integer/);
  });
});
