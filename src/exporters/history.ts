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
 * All `history` exporters of one exporter context that name the same file share one open database
 * (`context.historyStores`, closed by the context's owner). When they configure different retentions, the
 * shortest one applies. Invalid reports are skipped (they have no timestamp), and `compute --delete` leaves
 * the history alone: it is a record of what was measured.
 */
import * as z from 'zod';
import { durationSchema } from '../config/fields.js';
import type { SloReport } from '../domain/types.js';
import type { HistoryStores } from '../history/stores.js';
import { historyStoresOf } from './context.js';
import type { BuiltinExporter, Exporter } from './types.js';

/** Default database file, relative to the working directory. */
export const DEFAULT_HISTORY_PATH = '.slokit/history.db';

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

class HistoryExporter implements Exporter<SloReport> {
  readonly #config: HistoryExporterConfig;
  readonly #stores: HistoryStores;

  constructor(config: Record<string, unknown>, stores: HistoryStores) {
    this.#config = configSchema.parse(config);
    this.#stores = stores;
  }

  /** Stores a valid v2 report; other reports are skipped. Throws when the database cannot be written. */
  export(report: SloReport): void {
    if (!report.valid) return;
    this.#stores.open(this.#config.path, this.#config.retention).insert(report);
  }
}

export const historyExporter: BuiltinExporter = {
  create: (config, context) => new HistoryExporter(config, historyStoresOf(context)),
  configSchema,
  reportVersion: 2,
};
