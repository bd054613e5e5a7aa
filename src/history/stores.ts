/**
 * The open history databases of one owner (a CLI run, a server): one `HistoryStore` per file, however many
 * `history` exporters name it (better-sqlite3 is synchronous, so writes through one handle are serialised
 * anyway). The owner closes them all at the end, so no database handle outlives what it was opened for.
 */
import { resolve } from 'node:path';
import { HistoryStore } from './store.js';

/** History stores by database file, opened on first use. */
export class HistoryStores {
  readonly #stores = new Map<string, HistoryStore>();

  /**
   * The store of the database file `path` (relative to the working directory, or `:memory:`), opened and
   * migrated on first use. When exporters configure different `retention`s (seconds) for one file, the
   * shortest applies. Throws what `new HistoryStore` throws (unwritable directory, a database from a newer
   * slokit).
   */
  open(path: string, retention?: number): HistoryStore {
    // Each `:memory:` open is its own database in SQLite, but exporters naming it in one context share one.
    const key = path === ':memory:' ? path : resolve(path);
    let store = this.#stores.get(key);
    if (!store?.isOpen) {
      store = new HistoryStore(path, retention === undefined ? {} : { retention });
      this.#stores.set(key, store);
    } else if (retention !== undefined && (store.retention === undefined || retention < store.retention)) {
      store.setRetention(retention);
    }
    return store;
  }

  /** Number of databases open. */
  get size(): number {
    let open = 0;
    for (const store of this.#stores.values()) if (store.isOpen) open++;
    return open;
  }

  /** Closes every store opened here (checkpointing their WAL files); later `open` calls reopen. */
  close(): void {
    for (const store of this.#stores.values()) store.close();
    this.#stores.clear();
  }
}
