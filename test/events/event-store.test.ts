/** The in-memory windowed event store: buckets, window edges, filters, retention, series cap. */
import { describe, expect, it } from 'vitest';
import {
  type CountedEvent,
  compileAnchoredRegexp,
  EventStore,
  minuteOf,
  OVERFLOW_EVENT_KEY,
  windowMinutes,
} from '../../src/events/event-store.js';
import { GoRegexpSyntaxError } from '../../src/lang/re2.js';

const event = (over: Partial<CountedEvent> = {}): CountedEvent => ({
  result: 'success',
  domain: 'userportal',
  class: 'critical',
  app: 'frontend',
  key: 'GET:/api/user',
  quantity: 1,
  metadata: { slo_type: 'availability' },
  ...over,
});

describe('EventStore buckets and windows', () => {
  it('puts an event in the bucket floor(ts / 60), also before 1970', () => {
    expect(minuteOf(119.999)).toBe(1);
    expect(minuteOf(120)).toBe(2);
    expect(minuteOf(-0.5)).toBe(-1);
  });

  it('a window [from, to) counts the buckets whose start lies in it, whole', () => {
    const store = new EventStore();
    store.add(event(), 59.9); // minute 0, start 0
    store.add(event(), 60); // minute 1, start 60
    store.add(event({ result: 'fail' }), 119); // minute 1
    store.add(event(), 180.5); // minute 3, start 180
    // Window of 120 s ending at 180: starts in [60, 180) → minute 1 (and 2, empty).
    expect(store.count({}, 60, 180)).toEqual({ good: 1, bad: 1, buckets: 1 });
    // Ending at 181 (inside minute 3): minute 3's start 180 is in [61, 181) but minute 1's start 60 is not.
    expect(store.count({}, 61, 181)).toEqual({ good: 1, bad: 0, buckets: 1 });
    // Ending at 180.5 with a 180.5-second window: [0, 180.5) holds minutes 0, 1, 2 and 3.
    expect(store.count({}, 0, 180.5)).toEqual({ good: 3, bad: 1, buckets: 3 });
  });

  it('refuses a timestamp without a bucket', () => {
    expect(() => new EventStore().add(event(), Number.NaN)).toThrow(
      'event timestamp must be a finite number of seconds, not NaN',
    );
  });

  it('a window of W seconds ending anywhere counts exactly W / 60 minutes', () => {
    for (const t of [3600, 3600.01, 3629.5, 3659.999]) {
      const { first, end } = windowMinutes(t - 3600, t);
      expect(end - first).toBe(60);
    }
  });

  it('sums quantities; the same labels in any metadata order are one series', () => {
    const store = new EventStore();
    store.add(event({ quantity: 3, metadata: { slo_type: 'latency90', slo_version: '6' } }), 10);
    store.add(event({ quantity: 2, metadata: { slo_version: '6', slo_type: 'latency90' } }), 20);
    expect(store.stats).toEqual({ series: 1, buckets: 1, overflowEvents: 0, droppedEvents: 0 });
    expect(store.count({}, 0, 60)).toEqual({ good: 5, bad: 0, buckets: 1 });
  });
});

describe('EventStore filters', () => {
  const store = new EventStore();
  store.add(event(), 0);
  store.add(event({ result: 'fail', app: 'backend', key: 'POST:/api/order' }), 0);
  store.add(event({ domain: 'userportal-admin', quantity: 10 }), 0);
  store.add(event({ metadata: { slo_type: 'latency90' }, quantity: 100 }), 0);
  store.add(event({ metadata: {}, quantity: 1000 }), 0);

  it.each([
    [{}, 1111, 1],
    [{ domain: 'userportal' }, 1101, 1],
    [{ domain: { regexp: 'user.*' } }, 1111, 1],
    // Anchored as Prometheus' =~: `user` alone matches no domain.
    [{ domain: { regexp: 'user' } }, 0, 0],
    [{ app: 'backend' }, 0, 1],
    [{ event_key: { regexp: 'GET:.*|POST:/api/order' } }, 1111, 1],
    [{ class: 'low' }, 0, 0],
    [{ slo_type: 'availability' }, 11, 1],
    [{ slo_type: { regexp: 'latency.*' } }, 100, 0],
    // A series without slo_type has it empty, as an absent Prometheus label.
    [{ slo_type: { regexp: '' } }, 1000, 0],
    [{ slo_type: '' }, 1000, 0],
    [{ domain: 'userportal', slo_type: 'availability', app: 'frontend' }, 1, 0],
  ])('%j selects good %d, bad %d', (filter, good, bad) => {
    const { good: g, bad: b } = store.count(filter, 0, 60);
    expect([g, b]).toEqual([good, bad]);
  });

  it('a bad regexp throws Go’s syntax error', () => {
    expect(() => store.count({ app: { regexp: '(' } }, 0, 60)).toThrow(GoRegexpSyntaxError);
  });

  it('a pattern valid only once wrapped in ^(?:…)$ is refused, quoting the text as written', () => {
    expect(() => compileAnchoredRegexp('a)|(b')).toThrow(/unexpected \): `a\)\|\(b`/);
    expect(compileAnchoredRegexp('a|b').test('ab')).toBe(false);
  });
});

describe('EventStore retention and cap', () => {
  it('prune drops buckets starting before now − retention and empty series', () => {
    const store = new EventStore();
    store.add(event({ app: 'old' }), 0);
    store.add(event(), 60);
    store.add(event(), 120);
    // Retention 90 s at 180: keep starts in [90, ...) → minute 2 only.
    expect(store.prune(90, 180)).toBe(2);
    expect(store.stats).toEqual({ series: 1, buckets: 1, overflowEvents: 0, droppedEvents: 0 });
    expect(store.count({}, 0, 1000)).toEqual({ good: 1, bad: 0, buckets: 1 });
  });

  it('past maxSeries, events of new series count under the overflow key (totals exact); past its own cap, dropped', () => {
    const store = new EventStore({ maxSeries: 2 });
    expect(store.add(event({ key: 'a' }), 0)).toBe(true);
    expect(store.add(event({ key: 'b' }), 0)).toBe(true);
    expect(store.add(event({ key: 'c', quantity: 4 }), 0)).toBe(true);
    expect(store.add(event({ key: 'd', result: 'fail' }), 0)).toBe(true);
    expect(store.add(event({ key: 'a' }), 61)).toBe(true);
    expect(store.count({ domain: 'userportal' }, 0, 120)).toEqual({ good: 7, bad: 1, buckets: 4 });
    expect(store.count({ event_key: OVERFLOW_EVENT_KEY }, 0, 120)).toEqual({ good: 4, bad: 1, buckets: 1 });
    expect(store.count({ event_key: { regexp: 'c|d' } }, 0, 120).buckets).toBe(0);
    // A second overflow series (another app), then a third is past the overflow cap (2).
    expect(store.add(event({ key: 'e', app: 'x' }), 0)).toBe(true);
    expect(store.add(event({ key: 'f', app: 'y', quantity: 3 }), 0)).toBe(false);
    expect(store.stats).toEqual({ series: 4, buckets: 5, overflowEvents: 6, droppedEvents: 3 });
    // Pruned overflow series free their cap: minute 0 goes, series a stays, g fills the cap again.
    store.prune(60, 120);
    expect(store.add(event({ key: 'g', app: 'y' }), 120)).toBe(true);
    expect(store.add(event({ key: 'h', app: 'z', quantity: 3 }), 120)).toBe(true);
    expect(store.count({ app: 'z', event_key: OVERFLOW_EVENT_KEY }, 120, 180).good).toBe(3);
  });

  it('takePending gives the deltas since the last call, loaded buckets are not pending', () => {
    const store = new EventStore();
    store.load({
      series: { domain: 'd', class: 'c', app: 'a', eventKey: 'k', metadata: {} },
      minute: 0,
      good: 7,
      bad: 1,
    });
    store.add(event({ domain: 'd', class: 'c', app: 'a', key: 'k', metadata: {} }), 1);
    store.add(event({ domain: 'd', class: 'c', app: 'a', key: 'k', metadata: {}, result: 'fail' }), 2);
    expect(store.takePending()).toEqual([
      {
        series: { domain: 'd', class: 'c', app: 'a', eventKey: 'k', metadata: {} },
        minute: 0,
        good: 1,
        bad: 1,
      },
    ]);
    expect(store.takePending()).toEqual([]);
    expect(store.count({}, 0, 60)).toEqual({ good: 8, bad: 2, buckets: 1 });
  });
});
