/** Event buckets in the history database: migration 3, adding upserts, restart, retention. */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventSeries } from '../../src/events/event-series.js';
import { type CountedEvent, EventStore } from '../../src/events/event-store.js';
import { flushEventStore, loadEventStore, pruneEventStore } from '../../src/events/event-store-sqlite.js';
import { HistoryStore, MIGRATIONS, migrate } from '../../src/history/store.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('slokit-event-buckets-');
afterAll(() => dir.cleanup());

const DAY = 86_400;
const NOW = 1_800_000_000; // a minute boundary
const event = (
  key: string,
  result: 'success' | 'fail',
  metadata: Record<string, string> = {},
): CountedEvent => ({
  result,
  domain: 'shop',
  class: 'critical',
  app: 'web',
  key,
  quantity: 1,
  metadata,
});

/** A store fed with `n` events spread over the last two days, with a fixed pattern of keys and results. */
function feed(store: EventStore, n: number, end = NOW): void {
  for (let i = 0; i < n; i++) {
    const key = i % 3 === 0 ? 'GET:/cart' : 'POST:/order';
    const meta: Record<string, string> =
      i % 5 === 0 ? { slo_type: 'latency90', slo_version: '1' } : { slo_type: 'availability' };
    store.add(event(key, i % 7 === 0 ? 'fail' : 'success', meta), end - 2 * DAY + (i * 2 * DAY) / n);
  }
}

const windows = [3600, 12 * 3600, DAY, 2 * DAY];
const counts = (store: EventStore) =>
  windows.flatMap((w) => [
    store.count({}, NOW - w, NOW),
    store.count({ slo_type: 'latency90' }, NOW - w, NOW),
    store.count({ event_key: { regexp: 'GET:.*' } }, NOW - w, NOW),
  ]);

describe('event buckets in the history database', () => {
  it('migrates an existing version-2 database, keeping its reports table', () => {
    const path = join(dir.root, 'v2.db');
    const old = new Database(path);
    migrate(old, 2);
    old.close();
    const store = new HistoryStore(path);
    expect(store.schemaVersion).toBe(MIGRATIONS.length);
    expect(store.count()).toBe(0);
    expect(store.events.buckets()).toEqual([]);
    store.close();
  });

  it('a restart loses nothing: write in several flushes, close, reopen, same counts', () => {
    const path = join(dir.root, 'restart.db');
    const before = new EventStore();
    let history = new HistoryStore(path);
    feed(before, 5000, NOW - DAY);
    expect(flushEventStore(before, history)).toBeGreaterThan(0);
    // A second batch landing partly in buckets already written: the upsert adds, it does not replace.
    feed(before, 5000);
    flushEventStore(before, history);
    expect(flushEventStore(before, history)).toBe(0);
    history.close();

    history = new HistoryStore(path);
    const after = new EventStore();
    const loaded = loadEventStore(after, history, 30 * DAY, NOW);
    expect(loaded).toBe(before.stats.buckets);
    expect(after.stats).toEqual(before.stats);
    expect(counts(after)).toEqual(counts(before));
    // Sanity: the windows hold what was fed (10,000 events, 1 in 7 bad, all within the last 3 days).
    expect(after.count({}, NOW - 3 * DAY, NOW)).toMatchObject({ good: 8570, bad: 1430 });
    history.close();
  });

  it('a failed flush keeps its deltas for the next one: nothing lost, nothing doubled', () => {
    const path = join(dir.root, 'failed-flush.db');
    const events = new EventStore();
    let history = new HistoryStore(path);
    events.add(event('k', 'success'), NOW);
    flushEventStore(events, history);
    events.add(event('k', 'fail'), NOW);
    events.add(event('k', 'success'), NOW + 60);
    history.close();
    expect(() => flushEventStore(events, history)).toThrow(/not open/);
    events.add(event('k', 'fail'), NOW + 60);
    history = new HistoryStore(path);
    expect(flushEventStore(events, history)).toBe(2);
    expect(history.events.buckets().map((b) => [b.minute, b.good, b.bad])).toEqual([
      [NOW / 60, 1, 1],
      [NOW / 60 + 1, 1, 1],
    ]);
    history.close();
  });

  it('loading applies the retention to the database and memory', () => {
    const path = join(dir.root, 'retention.db');
    const history = new HistoryStore(path);
    const events = new EventStore();
    events.add(event('k', 'success'), NOW - 2 * DAY); // older than a 1-day retention
    events.add(event('k', 'fail'), NOW - 60); // kept
    flushEventStore(events, history);
    const fresh = new EventStore();
    expect(loadEventStore(fresh, history, DAY, NOW)).toBe(1);
    expect(history.events.buckets().map((b) => [b.minute, b.good, b.bad])).toEqual([[NOW / 60 - 1, 0, 1]]);
    expect(fresh.count({}, 0, NOW)).toEqual({ good: 0, bad: 1, buckets: 1 });

    expect(pruneEventStore(events, history, 30, NOW)).toBe(2);
    expect(history.events.buckets()).toEqual([]);
    history.close();
  });

  it('totals sum the minutes [first, end) of the selected series; metadata is a sorted label set', () => {
    const history = new HistoryStore(':memory:');
    const events = new EventStore();
    events.add(event('k', 'success', { b: '2', a: '1' }), NOW - 120);
    events.add(event('k', 'fail', { a: '1', b: '2' }), NOW - 30);
    events.add(event('k', 'fail', { a: '1', b: '2' }), NOW); // minute starting at NOW: outside [.., NOW)
    events.add(event('other', 'fail'), NOW - 30);
    flushEventStore(events, history);
    const seen: EventSeries[] = [];
    const selectK = (series: EventSeries) => {
      seen.push(series);
      return series.eventKey === 'k';
    };
    expect(history.events.totals(selectK, NOW / 60 - 2, NOW / 60)).toEqual({ good: 1, bad: 1, buckets: 2 });
    expect(seen).toContainEqual({
      domain: 'shop',
      class: 'critical',
      app: 'web',
      eventKey: 'k',
      metadata: { a: '1', b: '2' },
    });
    expect(history.events.totals(() => false, 0, NOW)).toEqual({ good: 0, bad: 0, buckets: 0 });
    history.close();
  });

  it('pruning deletes emptied series; a series written again after that gets a new id and counts', () => {
    const history = new HistoryStore(':memory:');
    const events = new EventStore();
    events.add(event('k', 'success'), 0);
    flushEventStore(events, history);
    expect(history.events.prune(10)).toBe(1);
    events.add(event('k', 'fail'), 600);
    flushEventStore(events, history);
    expect(history.events.buckets().map((b) => [b.series.eventKey, b.minute, b.good, b.bad])).toEqual([
      ['k', 10, 0, 1],
    ]);
    history.close();
  });
});
