/**
 * The event store's persistence in the history database (table `event_buckets`, migration 3 of
 * src/history/store.ts): pending bucket deltas are written in one transaction per flush (an upsert adding
 * counts), and a store starting up reads back the buckets its retention keeps.
 */
import type { HistoryStore } from '../history/store.js';
import { type EventStore, windowMinutes } from './event-store.js';

/**
 * Writes the counts added to `events` since the last flush into `history`, in one transaction; returns the
 * number of buckets written. On an SQLite error the deltas are lost to this flush and the error is thrown
 * (the caller logs it; the in-memory counts stay right).
 */
export function flushEventStore(events: EventStore, history: HistoryStore): number {
  const pending = events.takePending();
  return pending.length === 0 ? 0 : history.addEventBuckets(pending);
}

/**
 * Applies `retention` (seconds, at `now`, Unix seconds) to the database, then loads the buckets it keeps into
 * `events` (not pending: they are already stored). Returns the number of buckets loaded. Throws SQLite's
 * errors.
 */
export function loadEventStore(
  events: EventStore,
  history: HistoryStore,
  retention: number,
  now: number,
): number {
  const { first } = windowMinutes(now - retention, now);
  history.pruneEventBuckets(first);
  let loaded = 0;
  for (const bucket of history.eventBuckets(first)) if (events.load(bucket)) loaded++;
  return loaded;
}

/** Applies `retention` (seconds, at `now`) to memory and database; returns the buckets dropped from memory. */
export function pruneEventStore(
  events: EventStore,
  history: HistoryStore,
  retention: number,
  now: number,
): number {
  history.pruneEventBuckets(windowMinutes(now - retention, now).first);
  return events.prune(retention, now);
}
