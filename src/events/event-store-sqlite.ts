/**
 * The event store's persistence in the history database (src/history/event-buckets.ts): pending bucket deltas are written in one transaction per flush (an upsert adding
 * counts), and a store starting up reads back the buckets its retention keeps.
 */
import type { HistoryStore } from '../history/store.js';
import { type EventStore, windowMinutes } from './event-store.js';
import type { FilePosition } from './positions.js';

/**
 * Writes the counts added to `events` since the last flush into `history`, in one transaction, together with
 * `positions` (tailed files' positions by path, those of the lines the counts come from); returns the number
 * of buckets written. On an SQLite error (disk full, database locked past the timeout) nothing is written,
 * the deltas stay pending for the next flush, and the error is thrown for the caller to log.
 */
export function flushEventStore(
  events: EventStore,
  history: HistoryStore,
  positions?: ReadonlyMap<string, FilePosition>,
): number {
  const pending = events.takePending();
  if (pending.length === 0 && !positions?.size) return 0;
  try {
    return history.transaction(() => {
      const written = pending.length ? history.events.add(pending) : 0;
      if (positions?.size) history.positions.write(positions);
      return written;
    });
  } catch (error) {
    events.restorePending(pending);
    throw error;
  }
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
  history.events.prune(first);
  let loaded = 0;
  for (const bucket of history.events.buckets(first)) if (events.load(bucket)) loaded++;
  return loaded;
}

/** Applies `retention` (seconds, at `now`) to memory and database; returns the buckets dropped from memory. */
export function pruneEventStore(
  events: EventStore,
  history: HistoryStore,
  retention: number,
  now: number,
): number {
  history.events.prune(windowMinutes(now - retention, now).first);
  return events.prune(retention, now);
}
