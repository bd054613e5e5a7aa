/**
 * The event pipeline's windowed event store and its SQLite persistence, exactly once for tailed files.
 *
 * Every `flush` writes, in ONE SQLite transaction, the counts added to the store since the last flush and the
 * tailed files' positions as of those counts (`PipelineRunner.snapshotPositions()`, taken in the same
 * synchronous step). On start, the buckets within retention are loaded and the positions recorded here are
 * preferred over the positions files. So whenever the process dies (kill -9 included), the database holds
 * the counts of exactly the lines before its recorded positions, and a restart reads exactly the lines after
 * them: no line of a tailed file is lost or counted twice in the store. The positions files are still
 * written (slo-exporter compatibility, and runs without a store) but may lag or lead the database.
 * Limits: events from `POST /api/events` and stdin counted since the last flush are lost by a crash (they
 * cannot be read again); Prometheus counters are per process, as usual, and start at 0 after a restart.
 */
import { HistoryStore } from '../history/store.js';
import { EventStore } from './event-store.js';
import { flushEventStore, loadEventStore, pruneEventStore } from './event-store-sqlite.js';
import type { EventStoreSpec } from './pipeline-spec.js';
import type { FilePosition } from './positions.js';

/** Seconds between retention prunes of the database and memory. */
const PRUNE_INTERVAL_SECONDS = 60;

/** The store of one pipeline run, open on its database. */
export class PipelineStore {
  readonly events: EventStore;
  readonly #history: HistoryStore;
  readonly #retention: number;
  #lastPrune: number;

  private constructor(events: EventStore, history: HistoryStore, retention: number, now: number) {
    this.events = events;
    this.#history = history;
    this.#retention = retention;
    this.#lastPrune = now;
  }

  /**
   * Opens (creating and migrating) the database of `spec`, applies the retention at `now` (Unix seconds)
   * and loads the buckets it keeps. Throws the file system's or SQLite's error.
   */
  static open(spec: EventStoreSpec, now: number): PipelineStore {
    const history = new HistoryStore(spec.database);
    try {
      const events = new EventStore({ maxSeries: spec.maxSeries });
      loadEventStore(events, history, spec.retentionSeconds, now);
      return new PipelineStore(events, history, spec.retentionSeconds, now);
    } catch (error) {
      history.close();
      throw error;
    }
  }

  /** The tailed files' positions recorded with the stored counts, by path. */
  positions(): Map<string, FilePosition> {
    return this.#history.positions.all();
  }

  /**
   * Writes the pending counts with `positions` in one transaction, then prunes past the retention at most
   * once a minute; returns the buckets written. On an SQLite error nothing is written, the counts stay
   * pending for the next flush, and the error is thrown.
   */
  flush(positions: ReadonlyMap<string, FilePosition>, now: number): number {
    const written = flushEventStore(this.events, this.#history, positions);
    if (now - this.#lastPrune >= PRUNE_INTERVAL_SECONDS) {
      this.#lastPrune = now;
      pruneEventStore(this.events, this.#history, this.#retention, now);
    }
    return written;
  }

  /** Closes the database (flush first). */
  close(): void {
    this.#history.close();
  }
}
