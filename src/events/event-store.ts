/**
 * The windowed event store: SLO events counted in per-minute buckets, in memory, so that good and bad counts
 * over any window (a policy step's) can be read back without Prometheus. Pure: no files, no clock.
 *
 * A series is (domain, class, app, event key, the rule's additional metadata as a sorted label set); each of
 * its buckets holds the good (`success`) and bad (`fail`) sums of one minute, so the result is part of the
 * key without doubling the series. Minute `m` covers Unix seconds [60·m, 60·m + 60).
 *
 * Window edges: a window [from, to) counts the buckets whose **start** lies in [from, to), whole. For a
 * window of W seconds (a multiple of 60) ending at t that is always exactly W / 60 buckets: the minute in
 * progress at t counts (at "now" it holds the newest events; none are after t yet), the minute in progress at
 * t − W does not (its start is before the window).
 *
 * Memory: a bucket is one Map entry (a number key, a two-slot array of doubles): ~105 bytes of V8 heap, and a
 * series ~440 bytes more (measured, node 20: 1,000 series × 1,440 minutes = 150 MB, 104 B/bucket; 100 × 10,080
 * = 110 MB, 109 B/bucket; 10,000 × 10 = 15 MB, 149 B/bucket; heapUsed after gc around filling a store).
 * Counts added since the last `takePending()` are held once more until then. Memory is bounded by
 * maxSeries × retention / 60 buckets: keep the in-memory retention to what the live counters need, and long
 * windows in SQLite (the `events` backend reads there).
 *
 * Series cap (`maxSeries`): an event of a new series past the cap is counted in its series with the event key
 * replaced by `OVERFLOW_EVENT_KEY` (`stats.overflowEvents`), so totals by domain, class, app and metadata stay
 * exact and only a selection by event key can miss it (the `events` backend refuses such a report). Those
 * overflow series have a cap of their own, `maxSeries` again (so at most 2 × maxSeries series); past both, an
 * event is dropped and counted in `stats.droppedEvents`.
 */
import { compileGoRegexp, type GoRegexp } from '../lang/re2.js';
import type { SloEvent } from './classifier.js';
import { type EventBucket, type EventSeries, seriesKey, sortedLabels } from './event-series.js';

/** What a bucket is counted from: a classified SLO event without the rule that produced it. */
export type CountedEvent = Omit<SloEvent, 'rule'>;

/**
 * One filter field: exact text, or `{ regexp }`, an RE2 (Go syntax) pattern anchored at both ends as
 * Prometheus' `=~` matchers are (`user.*` matches `userportal`, `user` does not).
 */
export type FieldMatcher = string | { regexp: string };

/**
 * Which series to count; every field optional (absent matches all). `slo_type` is the metadata label of that
 * name; `metadata` matches any metadata labels (a label a series lacks is the empty string).
 */
export interface EventFilter {
  domain?: FieldMatcher;
  class?: FieldMatcher;
  app?: FieldMatcher;
  event_key?: FieldMatcher;
  slo_type?: FieldMatcher;
  metadata?: Readonly<Record<string, FieldMatcher>>;
}

/** Good and bad event sums over a window. */
export interface GoodBad {
  good: number;
  bad: number;
}

/** Counters of a store. */
export interface EventStoreStats {
  /** Distinct series held. */
  series: number;
  /** Buckets held, over all series. */
  buckets: number;
  /** Events (by quantity) counted under `OVERFLOW_EVENT_KEY` because their series would pass `maxSeries`. */
  overflowEvents: number;
  /** Events (by quantity) dropped because even their overflow series would pass its cap. */
  droppedEvents: number;
}

/**
 * The event key under which events of series past the cap are counted (slo-exporter's placeholder for event
 * keys past its exporter's cap, so both read the same).
 */
export const OVERFLOW_EVENT_KEY = 'cardinalityLimitExceeded';

/** Default cap on distinct series. */
export const DEFAULT_MAX_SERIES = 10_000;

const SECONDS_PER_MINUTE = 60;

/** The bucket (minute) an event at `timestamp` (Unix seconds) falls in. */
export function minuteOf(timestamp: number): number {
  return Math.floor(timestamp / SECONDS_PER_MINUTE);
}

/**
 * The minutes a window [from, to) (Unix seconds) counts, as a half-open range [first, end): those whose
 * start 60·m lies in [from, to). The SQLite reader uses the same range, so memory and disk agree.
 */
export function windowMinutes(from: number, to: number): { first: number; end: number } {
  return { first: Math.ceil(from / SECONDS_PER_MINUTE), end: Math.ceil(to / SECONDS_PER_MINUTE) };
}

/** The series of an event, its metadata copied in sorted order. */
export function seriesOf(event: CountedEvent): EventSeries {
  return {
    domain: event.domain,
    class: event.class,
    app: event.app,
    eventKey: event.key,
    metadata: Object.fromEntries(sortedLabels(event.metadata)),
  };
}

/**
 * An RE2 pattern anchored at both ends (`^(?:pattern)$`, as Prometheus' `=~`). The pattern is also checked
 * alone, so a syntax error quotes the user's text and `a)|(b` (valid only once wrapped) is refused. Throws
 * `GoRegexpSyntaxError` (Go's message).
 */
export function compileAnchoredRegexp(pattern: string): GoRegexp {
  compileGoRegexp(pattern);
  return compileGoRegexp(`^(?:${pattern})$`);
}

/** A compiled filter: true for the series it selects. Throws `GoRegexpSyntaxError` on a bad pattern. */
export function compileEventFilter(filter: EventFilter): (series: EventSeries) => boolean {
  const tests: ((series: EventSeries) => boolean)[] = [];
  const add = (matcher: FieldMatcher | undefined, value: (s: EventSeries) => string | undefined) => {
    if (matcher === undefined) return;
    // An absent label is the empty string, as in Prometheus (`slo_type: ""` selects series without it).
    if (typeof matcher === 'string') {
      tests.push((s) => (value(s) ?? '') === matcher);
      return;
    }
    const regexp = compileAnchoredRegexp(matcher.regexp);
    tests.push((s) => regexp.test(value(s) ?? ''));
  };
  add(filter.domain, (s) => s.domain);
  add(filter.class, (s) => s.class);
  add(filter.app, (s) => s.app);
  add(filter.event_key, (s) => s.eventKey);
  const label = (name: string) => (s: EventSeries) =>
    Object.hasOwn(s.metadata, name) ? s.metadata[name] : undefined;
  add(filter.slo_type, label('slo_type'));
  for (const [name, matcher] of Object.entries(filter.metadata ?? {})) add(matcher, label(name));
  return (series) => tests.every((test) => test(series));
}

interface SeriesEntry {
  series: EventSeries;
  /** minute → [good, bad]. */
  buckets: Map<number, [number, number]>;
}

/** How a store is built. */
export interface EventStoreOptions {
  /** Most distinct series held; default 10,000. */
  maxSeries?: number;
}

/** Per-minute good/bad buckets per series, in memory. Not thread-safe (one owner). */
export class EventStore {
  readonly #series = new Map<string, SeriesEntry>();
  /** Changes since the last `takePending()`, as deltas (what a persister must add). */
  #pending = new Map<string, SeriesEntry>();
  readonly #maxSeries: number;
  #buckets = 0;
  /** Series held whose event key is `OVERFLOW_EVENT_KEY` (their own cap). */
  #overflowSeries = 0;
  #overflowEvents = 0;
  #droppedEvents = 0;

  constructor(options: EventStoreOptions = {}) {
    this.#maxSeries = options.maxSeries ?? DEFAULT_MAX_SERIES;
  }

  /**
   * Counts one SLO event at `timestamp` (Unix seconds) in bucket floor(timestamp / 60), under
   * `OVERFLOW_EVENT_KEY` past the series cap (module comment). Returns false when the event was dropped (past
   * both caps). Throws a `RangeError` for a timestamp that is not a
   * finite number (it has no bucket).
   */
  add(event: CountedEvent, timestamp: number): boolean {
    if (!Number.isFinite(timestamp))
      throw new RangeError(`event timestamp must be a finite number of seconds, not ${timestamp}`);
    const good = event.result === 'success' ? event.quantity : 0;
    const bad = event.result === 'fail' ? event.quantity : 0;
    return this.#addCounts(seriesOf(event), minuteOf(timestamp), good, bad, true);
  }

  /**
   * Adds a stored bucket (read back from the database): counted, not pending. Returns false when dropped by
   * the cap. `bucket.series.metadata` must be sorted (as `seriesOf` and the database give it).
   */
  load(bucket: EventBucket): boolean {
    return this.#addCounts(bucket.series, bucket.minute, bucket.good, bucket.bad, false);
  }

  #addCounts(series: EventSeries, minute: number, good: number, bad: number, pending: boolean): boolean {
    const key = seriesKey(series);
    let entry = this.#series.get(key);
    if (!entry) {
      const overflow = series.eventKey === OVERFLOW_EVENT_KEY;
      if (!overflow && this.#series.size - this.#overflowSeries >= this.#maxSeries) {
        const counted = this.#addCounts(
          { ...series, eventKey: OVERFLOW_EVENT_KEY },
          minute,
          good,
          bad,
          pending,
        );
        if (counted) this.#overflowEvents += good + bad;
        return counted;
      }
      if (overflow && this.#overflowSeries >= this.#maxSeries) {
        this.#droppedEvents += good + bad;
        return false;
      }
      if (overflow) this.#overflowSeries++;
      entry = { series, buckets: new Map() };
      this.#series.set(key, entry);
    }
    if (addTo(entry.buckets, minute, good, bad)) this.#buckets++;
    if (pending) this.#addPending(key, entry.series, minute, good, bad);
    return true;
  }

  /** Good and bad sums of the series `filter` selects, over the buckets starting in [from, to) (seconds). */
  count(
    filter: EventFilter | ((series: EventSeries) => boolean),
    from: number,
    to: number,
  ): GoodBad & { buckets: number } {
    const selects = typeof filter === 'function' ? filter : compileEventFilter(filter);
    const { first, end } = windowMinutes(from, to);
    let good = 0;
    let bad = 0;
    let buckets = 0;
    for (const entry of this.#series.values()) {
      if (!selects(entry.series)) continue;
      for (const [minute, counts] of entry.buckets) {
        if (minute < first || minute >= end) continue;
        good += counts[0];
        bad += counts[1];
        buckets++;
      }
    }
    return { good, bad, buckets };
  }

  /**
   * Drops buckets starting before `now − retention` (seconds), and series left without buckets. Pending
   * deltas are kept (they still have to reach the database, which applies the same retention). Returns
   * the number of buckets dropped.
   */
  prune(retention: number, now: number): number {
    const { first } = windowMinutes(now - retention, now);
    let dropped = 0;
    for (const [key, entry] of this.#series) {
      for (const minute of entry.buckets.keys()) {
        if (minute < first) {
          entry.buckets.delete(minute);
          dropped++;
        }
      }
      if (entry.buckets.size === 0) {
        this.#series.delete(key);
        if (entry.series.eventKey === OVERFLOW_EVENT_KEY) this.#overflowSeries--;
      }
    }
    this.#buckets -= dropped;
    return dropped;
  }

  /** The changes since the last call, as buckets holding the counts to add; clears them. */
  takePending(): EventBucket[] {
    const out: EventBucket[] = [];
    for (const { series, buckets } of this.#pending.values()) {
      for (const [minute, [good, bad]] of buckets) out.push({ series, minute, good, bad });
    }
    this.#pending = new Map();
    return out;
  }

  /**
   * Puts deltas taken by `takePending()` back, for a flush that failed: they are written with the next one.
   * The counts held do not change (they already include these deltas).
   */
  restorePending(buckets: Iterable<EventBucket>): void {
    for (const { series, minute, good, bad } of buckets) {
      this.#addPending(seriesKey(series), series, minute, good, bad);
    }
  }

  #addPending(key: string, series: EventSeries, minute: number, good: number, bad: number): void {
    let delta = this.#pending.get(key);
    if (!delta) {
      delta = { series, buckets: new Map() };
      this.#pending.set(key, delta);
    }
    addTo(delta.buckets, minute, good, bad);
  }

  /** Counters: series and buckets held, events dropped by the series cap. */
  get stats(): EventStoreStats {
    return {
      series: this.#series.size,
      buckets: this.#buckets,
      overflowEvents: this.#overflowEvents,
      droppedEvents: this.#droppedEvents,
    };
  }
}

/** Adds to a minute's counts; true when the minute is new. */
function addTo(buckets: Map<number, [number, number]>, minute: number, good: number, bad: number): boolean {
  const counts = buckets.get(minute);
  if (counts) {
    counts[0] += good;
    counts[1] += bad;
    return false;
  }
  buckets.set(minute, [good, bad]);
  return true;
}
