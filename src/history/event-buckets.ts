/**
 * The event pipeline's per-minute buckets in the history database (tables `event_series` and
 * `event_buckets`, migration 3 of store.ts). Buckets are keyed by (series id, minute), so summing one series
 * over a window is one primary-key range; a window is summed only for the series a filter selects (the
 * filter runs in JavaScript: its regexps are RE2, which SQLite lacks).
 *
 * Timings: README, `events` backend.
 */
import type Database from 'better-sqlite3';
import { type EventBucket, type EventSeries, seriesKey, sortedLabels } from '../events/event-series.js';

/** Good and bad sums over a window, with the number of buckets summed (0: no data). */
export interface BucketTotals {
  good: number;
  bad: number;
  buckets: number;
}

interface SeriesRow {
  id: number;
  domain: string;
  class: string;
  app: string;
  event_key: string;
  metadata: string;
}

function seriesOfRow(row: SeriesRow): EventSeries {
  return {
    domain: row.domain,
    class: row.class,
    app: row.app,
    eventKey: row.event_key,
    metadata: Object.fromEntries(JSON.parse(row.metadata) as [string, string][]),
  };
}

/**
 * The bucket tables of one open database. Synchronous, as better-sqlite3. Series ids are cached per
 * instance, so one process writes a database's buckets (the event pipeline); readers may be many.
 */
export class EventBucketTable {
  readonly #db: Database.Database;
  /** Series ids by series key, for writes (cleared when pruning deletes series). */
  readonly #ids = new Map<string, number>();
  readonly #insertSeries: Database.Statement;
  readonly #seriesIdOf: Database.Statement;
  readonly #add: (buckets: Iterable<EventBucket>) => number;
  readonly #totals: (selects: (series: EventSeries) => boolean, first: number, end: number) => BucketTotals;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#insertSeries = db.prepare(
      'INSERT OR IGNORE INTO event_series (domain, class, app, event_key, metadata) VALUES (?, ?, ?, ?, ?)',
    );
    this.#seriesIdOf = db.prepare(
      'SELECT id FROM event_series WHERE domain = ? AND class = ? AND app = ? AND event_key = ? AND metadata = ?',
    );
    const upsert = db.prepare(`INSERT INTO event_buckets (series, minute, good, bad) VALUES (?, ?, ?, ?)
      ON CONFLICT (series, minute) DO UPDATE SET good = good + excluded.good, bad = bad + excluded.bad`);
    const allSeries = db.prepare('SELECT * FROM event_series');
    const sum = db.prepare(`SELECT COALESCE(SUM(good), 0) AS good, COALESCE(SUM(bad), 0) AS bad,
      COUNT(*) AS buckets FROM event_buckets WHERE series = ? AND minute >= ? AND minute < ?`);
    this.#add = db.transaction((buckets: Iterable<EventBucket>) => {
      let written = 0;
      for (const { series, minute, good, bad } of buckets) {
        upsert.run(this.#seriesId(series), minute, good, bad);
        written++;
      }
      return written;
    });
    // One read transaction: a flush landing between listing the series and summing them is not half seen.
    this.#totals = db.transaction((selects, first: number, end: number) => {
      const totals: BucketTotals = { good: 0, bad: 0, buckets: 0 };
      for (const row of allSeries.all() as SeriesRow[]) {
        if (!selects(seriesOfRow(row))) continue;
        const one = sum.get(row.id, first, end) as BucketTotals;
        totals.good += one.good;
        totals.bad += one.bad;
        totals.buckets += one.buckets;
      }
      return totals;
    });
  }

  /**
   * Adds buckets' counts to the stored ones (an upsert that adds), all in one transaction; returns how many
   * buckets were written. Buckets are deltas (`EventStore.takePending()`): writing one twice counts it twice.
   */
  add(buckets: Iterable<EventBucket>): number {
    return this.#add(buckets);
  }

  /** Stored buckets with minute in [first, end) (default: all), ordered by series labels then minute. */
  buckets(first = Number.MIN_SAFE_INTEGER, end = Number.MAX_SAFE_INTEGER): EventBucket[] {
    const rows = this.#db
      .prepare(`SELECT s.*, b.minute, b.good, b.bad FROM event_buckets AS b JOIN event_series AS s ON s.id = b.series
        WHERE b.minute >= ? AND b.minute < ? ORDER BY s.domain, s.class, s.app, s.event_key, s.metadata, b.minute`)
      .all(first, end) as (SeriesRow & { minute: number; good: number; bad: number })[];
    return rows.map((row) => ({
      series: seriesOfRow(row),
      minute: row.minute,
      good: row.good,
      bad: row.bad,
    }));
  }

  /** Good and bad sums, over the minutes [first, end), of the series `selects` accepts. */
  totals(selects: (series: EventSeries) => boolean, first: number, end: number): BucketTotals {
    return this.#totals(selects, first, end);
  }

  /** Deletes buckets with minute before `firstKept`, then series left without buckets; returns buckets deleted. */
  prune(firstKept: number): number {
    const deleted = this.#db.prepare('DELETE FROM event_buckets WHERE minute < ?').run(firstKept).changes;
    if (deleted > 0) {
      this.#db
        .prepare(
          'DELETE FROM event_series WHERE NOT EXISTS (SELECT 1 FROM event_buckets WHERE series = event_series.id)',
        )
        .run();
      this.#ids.clear();
    }
    return deleted;
  }

  /** The id of a series, inserted when new. */
  #seriesId(series: EventSeries): number {
    const key = seriesKey(series);
    let id = this.#ids.get(key);
    if (id === undefined) {
      const labels = [
        series.domain,
        series.class,
        series.app,
        series.eventKey,
        JSON.stringify(sortedLabels(series.metadata)),
      ];
      this.#insertSeries.run(...labels);
      id = (this.#seriesIdOf.get(...labels) as { id: number }).id;
      this.#ids.set(key, id);
    }
    return id;
  }
}
