/**
 * Where the event pipeline's tailed files were read up to, kept in the history database (table
 * `event_positions`, migration 4 of store.ts) and written in the same transaction as the event buckets those
 * lines produced, so the buckets and the positions never disagree after a crash (src/events/pipeline-store.ts).
 * A position is the tailer's `FilePosition` (src/events/positions.ts) as JSON, keyed by the path as configured.
 */
import type Database from 'better-sqlite3';
import type { FilePosition } from '../events/positions.js';

/** The positions table of one open database. Synchronous, as better-sqlite3. */
export class SourcePositionTable {
  readonly #all: Database.Statement;
  readonly #upsert: Database.Statement;

  constructor(db: Database.Database) {
    this.#all = db.prepare('SELECT path, position FROM event_positions');
    this.#upsert = db.prepare(
      'INSERT INTO event_positions (path, position) VALUES (?, ?) ON CONFLICT (path) DO UPDATE SET position = excluded.position',
    );
  }

  /** Every stored position, by path. */
  all(): Map<string, FilePosition> {
    const rows = this.#all.all() as { path: string; position: string }[];
    return new Map(rows.map((row) => [row.path, JSON.parse(row.position) as FilePosition]));
  }

  /** Stores positions (replacing those of the same paths). Call inside the transaction of the buckets. */
  write(positions: Iterable<readonly [string, FilePosition]>): void {
    for (const [path, position] of positions) this.#upsert.run(path, JSON.stringify(position));
  }
}
