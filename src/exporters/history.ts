/**
 * The `history` exporter: stores every valid v2 report in the embedded SQLite report history
 * (see src/history/store.ts), which the dashboard and the Keptn evaluator read.
 *
 * ```yaml
 * exporters:
 *   history:
 *     path: .slokit/history.db   # default; parent directories are created; ":memory:" for tests
 *     retention: 90d             # optional: seconds, or a Prometheus duration (90d, 12h, 1h30m)
 * ```
 *
 * All `history` exporters of a process that name the same file share one open database (better-sqlite3
 * is synchronous, so writes are serialised anyway). When they configure different retentions, the shortest
 * one applies. Invalid reports are skipped (they have no timestamp), and `compute --delete` leaves the
 * history alone: it is a record of what was measured.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { durationSchema, durationSeconds } from '../config/fields.js';
import type { ValidReport } from '../domain/types.js';
import { HistoryStore } from '../history/store.js';
import type { BuiltinExporter, ExportedReport, Exporter } from './types.js';

/** Default database file, relative to the working directory. */
export const DEFAULT_HISTORY_PATH = '.slokit/history.db';

/** Seconds of a retention: positive seconds or a Prometheus duration; undefined if invalid. */
export const parseRetention = (value: unknown): number | undefined => durationSeconds(value, false);

const retentionSchema = durationSchema({
  integer: false,
  description: 'Delete reports older than this: seconds, or a duration like "90d", "12h", "1h30m".',
});

const configSchema = z.strictObject({
  path: z
    .string()
    .min(1)
    .default(DEFAULT_HISTORY_PATH)
    .describe('SQLite database file (parent directories are created), or ":memory:".'),
  retention: retentionSchema.optional(),
});

export type HistoryExporterConfig = z.output<typeof configSchema>;

const stores = new Map<string, HistoryStore>();
const storeKey = (path: string) => (path === ':memory:' ? path : resolve(path));

/**
 * The process-wide store of a database file, opened on first use. A shorter `retention` than the one the
 * store has replaces it.
 */
export function openHistoryStore(path: string = DEFAULT_HISTORY_PATH, retention?: number): HistoryStore {
  const key = storeKey(path);
  let store = stores.get(key);
  if (!store?.isOpen) {
    store = new HistoryStore(path, retention === undefined ? {} : { retention });
    stores.set(key, store);
  } else if (retention !== undefined && (store.retention === undefined || retention < store.retention)) {
    store.setRetention(retention);
  }
  return store;
}

/** Closes every store `openHistoryStore` opened (server shutdown, tests). */
export function closeHistoryStores(): void {
  for (const store of stores.values()) store.close();
  stores.clear();
}

class HistoryExporter implements Exporter {
  readonly #config: HistoryExporterConfig;

  constructor(config: Record<string, unknown>) {
    this.#config = configSchema.parse(config);
  }

  export(report: ExportedReport): void {
    if (report.valid !== true) return;
    openHistoryStore(this.#config.path, this.#config.retention).insert(report as unknown as ValidReport);
  }
}

export const historyExporter: BuiltinExporter = {
  create: (config) => new HistoryExporter(config),
  configSchema,
  reportVersion: 2,
};
