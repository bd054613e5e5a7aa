/**
 * Where `serve` and `backfill` keep the report history (the serve contract): `<data-dir>/history.db`, the
 * data directory being `--data-dir` when given, else `.slokit` beside slokit.yaml. One rule for both
 * commands, so a backfill fills the history a server reads.
 */
import { dirname, join, resolve } from 'node:path';

/** The default data directory's name, beside slokit.yaml. */
export const DEFAULT_DATA_DIR = '.slokit';

/** The absolute data directory for slokit.yaml `configFile` and an optional `--data-dir`. */
export function dataDirOf(configFile: string, dataDir?: string): string {
  return resolve(dataDir ?? join(dirname(resolve(configFile)), DEFAULT_DATA_DIR));
}

/** The history database inside a data directory. */
export const historyPathOf = (dataDir: string): string => join(dataDir, 'history.db');
