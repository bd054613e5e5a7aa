/**
 * The embedded report history: one SQLite database (better-sqlite3) holding one row per valid report, with
 * the fields charts and quality gates need as columns and the full v2 report as JSON. The `history` exporter
 * writes it; the dashboard and the Keptn evaluator read it through the small query API below.
 *
 * Decisions:
 * - Only **valid** reports are stored. An invalid report has no timestamp, window or SLI (slo-generator's
 *   invalid report has four keys), so it cannot be placed on a time axis, and the export runner never hands
 *   invalid reports to exporters anyway. The `valid` and `errors` columns are still kept: a valid report can
 *   carry errors (export failures of other exporters), and a later version may store invalid runs.
 * - A report is identified by (SLO name, policy step, timestamp). Storing the same report again (a retried
 *   export, a re-run of `compute --timestamp`) replaces the row instead of duplicating it.
 * - Times are Unix seconds (the report's `timestamp`); time ranges are inclusive at both ends.
 * - The database is in WAL mode with `synchronous = NORMAL` (durable across application crashes, may lose
 *   the last commits on power loss; readers never block the writer) and waits up to 5 s for a lock held by
 *   another process (a CLI `compute` next to a running server).
 * - Schema changes are versioned migrations: `PRAGMA user_version` holds the number of migrations applied;
 *   each pending one runs in its own immediate transaction (with the version bump), so a crash or a
 *   concurrent opener never leaves a half-migrated file. A file from a newer slokit is refused.
 * - Retention is by report age. `prune(olderThan, now)` deletes explicitly; with `retention` set, writes
 *   prune automatically, at most once per `pruneInterval` (default 10 minutes) of wall-clock time.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type { ValidReport } from '../domain/types.js';
import { EventBucketTable } from './event-buckets.js';
import { SourcePositionTable } from './source-positions.js';

/** A schema migration: `up` moves a database from version `index` to `index + 1` (1-based user_version). */
export interface Migration {
  description: string;
  up(db: Database.Database): void;
}

/** Every migration, oldest first; the database's `user_version` is the number applied. Append only. */
export const MIGRATIONS: readonly Migration[] = [
  {
    description: 'reports table with indexes by SLO, step and time',
    up(db) {
      db.exec(`
        CREATE TABLE reports (
          id INTEGER PRIMARY KEY,
          slo TEXT NOT NULL,
          step TEXT NOT NULL,
          timestamp INTEGER NOT NULL,
          window_seconds INTEGER NOT NULL,
          sli REAL,
          goal REAL,
          burn_rate REAL,
          burn_rate_threshold REAL,
          alert INTEGER NOT NULL,
          good_events INTEGER,
          bad_events INTEGER,
          error_budget_remaining_minutes REAL,
          error_budget_consumed_ratio REAL,
          valid INTEGER NOT NULL,
          errors TEXT NOT NULL DEFAULT '[]',
          report TEXT NOT NULL
        );
        CREATE UNIQUE INDEX reports_slo_step_time ON reports (slo, step, timestamp);
        CREATE INDEX reports_slo_time ON reports (slo, timestamp);
        CREATE INDEX reports_time ON reports (timestamp);
      `);
    },
  },
  {
    description: 'service_name and feature_name columns (from metadata.labels), backfilled',
    up(db) {
      db.exec(`
        ALTER TABLE reports ADD COLUMN service_name TEXT;
        ALTER TABLE reports ADD COLUMN feature_name TEXT;
        UPDATE reports SET
          service_name = json_extract(report, '$.metadata.labels.service_name'),
          feature_name = json_extract(report, '$.metadata.labels.feature_name');
      `);
    },
  },
  {
    description:
      'event_series and event_buckets: per-minute good/bad sums per event series (event-buckets.ts)',
    up(db) {
      // metadata: the rule's additional metadata as JSON of its entries sorted by name, so equal label sets
      // are equal text. Buckets are keyed by (series, minute): one series' window is one primary key range.
      db.exec(`
        CREATE TABLE event_series (
          id INTEGER PRIMARY KEY,
          domain TEXT NOT NULL,
          class TEXT NOT NULL,
          app TEXT NOT NULL,
          event_key TEXT NOT NULL,
          metadata TEXT NOT NULL,
          UNIQUE (domain, class, app, event_key, metadata)
        );
        CREATE TABLE event_buckets (
          series INTEGER NOT NULL REFERENCES event_series (id),
          minute INTEGER NOT NULL,
          good REAL NOT NULL,
          bad REAL NOT NULL,
          PRIMARY KEY (series, minute)
        ) WITHOUT ROWID;
        CREATE INDEX event_buckets_minute ON event_buckets (minute);
      `);
    },
  },
  {
    description: "event_positions: tailed files' positions, written with the buckets (source-positions.ts)",
    up(db) {
      db.exec('CREATE TABLE event_positions (path TEXT PRIMARY KEY, position TEXT NOT NULL)');
    },
  },
  {
    description: 'evaluations: Keptn evaluation.finished data, newest first per project/stage/service',
    up(db) {
      // time: Unix milliseconds when stored (lighthouse compares with the newest events first).
      db.exec(`
        CREATE TABLE evaluations (
          id INTEGER PRIMARY KEY,
          event_id TEXT NOT NULL UNIQUE,
          time INTEGER NOT NULL,
          project TEXT NOT NULL,
          stage TEXT NOT NULL,
          service TEXT NOT NULL,
          result TEXT NOT NULL,
          score REAL,
          data TEXT NOT NULL
        );
        CREATE INDEX evaluations_scope_time ON evaluations (project, stage, service, time);
      `);
    },
  },
];

/** Schema version a database has once every migration is applied. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings a database up to `target` (default: the latest version), one transaction per migration. Returns
 * the number of migrations applied. Throws when the database is newer than this code.
 */
export function migrate(db: Database.Database, target = SCHEMA_VERSION): number {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  const current = version();
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `history database ${db.name} has schema version ${current}, newer than this slokit supports (${SCHEMA_VERSION}); upgrade slokit`,
    );
  }
  let applied = 0;
  for (let index = current; index < target; index++) {
    const migration = MIGRATIONS[index]!;
    const step = db.transaction(() => {
      // Re-read under the write lock: another process may have migrated meanwhile.
      if (version() !== index) return false;
      migration.up(db);
      db.pragma(`user_version = ${index + 1}`);
      return true;
    });
    if (step.immediate()) applied++;
  }
  return applied;
}

/** How a store is opened. */
export interface HistoryStoreOptions {
  /** Delete reports older than this many seconds automatically on write; unset keeps everything. */
  retention?: number;
  /** Minimum wall-clock seconds between automatic prunes; default 600 (10 minutes). */
  pruneInterval?: number;
  /** Clock in Unix seconds, for automatic pruning; default `Date.now() / 1000`. */
  now?: () => number;
  /** Open without writing (no migration; fails on a missing or outdated database). */
  readonly?: boolean;
}

/** One SLO in the history. */
export interface SloSummary {
  slo: string;
  /** Timestamp of its newest report. */
  lastTimestamp: number;
  /** Number of stored reports (all steps). */
  reports: number;
}

/** Query of `reports()`. */
export interface ReportQuery {
  slo: string;
  /** Only this error budget policy step. */
  step?: string;
  /** Earliest timestamp, inclusive (Unix seconds). */
  from?: number;
  /** Latest timestamp, inclusive (Unix seconds). */
  to?: number;
  /** At most this many rows, taken in `order`. */
  limit?: number;
  /** By timestamp; default 'asc' (oldest first). With `limit`, 'desc' gives the newest reports. */
  order?: 'asc' | 'desc';
  /** Parse and return the full report JSON; default true. */
  includeReport?: boolean;
}

/** A stored report: its indexed fields, and the full report unless a query left it out. */
export interface HistoryRecord {
  id: number;
  slo: string;
  step: string;
  timestamp: number;
  /** Window of the policy step, seconds. */
  window: number;
  sli: number;
  goal: number;
  burnRate: number;
  burnRateThreshold: number;
  alert: boolean;
  goodEventsCount: number;
  badEventsCount: number;
  errorBudgetRemainingMinutes: number;
  /** Percentage of the error budget consumed (slo-generator's `error_budget_consumed_ratio`). */
  errorBudgetConsumedRatio: number;
  valid: boolean;
  errors: string[];
  serviceName: string | null;
  featureName: string | null;
  /** The full v2 report as exported (absent when queried with `includeReport: false`). */
  report?: ValidReport;
}

interface Row {
  id: number;
  slo: string;
  step: string;
  timestamp: number;
  window_seconds: number;
  sli: number | null;
  goal: number | null;
  burn_rate: number | null;
  burn_rate_threshold: number | null;
  alert: number;
  good_events: number | null;
  bad_events: number | null;
  error_budget_remaining_minutes: number | null;
  error_budget_consumed_ratio: number | null;
  valid: number;
  errors: string;
  report?: string;
  service_name: string | null;
  feature_name: string | null;
}

type InsertParams = Omit<Row, 'id' | 'report'> & { report: string };

const num = (value: unknown): number | null =>
  typeof value === 'number' && !Number.isNaN(value) ? value : null;
const real = (value: number | null): number => value ?? Number.NaN;

/** Column values of a report; throws when the report lacks what identifies it. */
function toParams(report: ValidReport): InsertParams {
  if (report.valid !== true) {
    throw new TypeError('only valid reports are stored in the history (invalid reports have no timestamp)');
  }
  const { name, error_budget_policy_step_name: step, timestamp, window } = report;
  if (typeof name !== 'string' || typeof step !== 'string' || !Number.isFinite(timestamp)) {
    throw new TypeError('a history report needs name, error_budget_policy_step_name and a finite timestamp');
  }
  const labels = report.metadata?.labels ?? {};
  const label = (key: string) => (labels[key] === undefined ? null : String(labels[key]));
  const errors = Array.isArray(report.errors) ? report.errors : [];
  return {
    slo: name,
    step,
    timestamp: Math.trunc(timestamp),
    window_seconds: Math.trunc(Number(window) || 0),
    sli: num(report.sli_measurement),
    goal: num(report.goal),
    burn_rate: num(report.error_budget_burn_rate),
    burn_rate_threshold: num(report.error_budget_burn_rate_threshold),
    alert: report.alert ? 1 : 0,
    good_events: num(report.good_events_count),
    bad_events: num(report.bad_events_count),
    error_budget_remaining_minutes: num(report.error_budget_remaining_minutes),
    error_budget_consumed_ratio: num(report.error_budget_consumed_ratio),
    valid: 1,
    errors: JSON.stringify(errors),
    report: JSON.stringify(report),
    service_name: label('service_name'),
    feature_name: label('feature_name'),
  };
}

function toRecord(row: Row): HistoryRecord {
  const record: HistoryRecord = {
    id: row.id,
    slo: row.slo,
    step: row.step,
    timestamp: row.timestamp,
    window: row.window_seconds,
    sli: real(row.sli),
    goal: real(row.goal),
    burnRate: real(row.burn_rate),
    burnRateThreshold: real(row.burn_rate_threshold),
    alert: row.alert === 1,
    goodEventsCount: real(row.good_events),
    badEventsCount: real(row.bad_events),
    errorBudgetRemainingMinutes: real(row.error_budget_remaining_minutes),
    errorBudgetConsumedRatio: real(row.error_budget_consumed_ratio),
    valid: row.valid === 1,
    errors: JSON.parse(row.errors) as string[],
    serviceName: row.service_name,
    featureName: row.feature_name,
  };
  if (row.report !== undefined) record.report = JSON.parse(row.report) as ValidReport;
  return record;
}

const SUMMARY_COLUMNS = `id, slo, step, timestamp, window_seconds, sli, goal, burn_rate, burn_rate_threshold, alert,
  good_events, bad_events, error_budget_remaining_minutes, error_budget_consumed_ratio, valid, errors,
  service_name, feature_name`;

const INSERT_SQL = `INSERT OR REPLACE INTO reports (slo, step, timestamp, window_seconds, sli, goal, burn_rate,
  burn_rate_threshold, alert, good_events, bad_events, error_budget_remaining_minutes,
  error_budget_consumed_ratio, valid, errors, report, service_name, feature_name)
  VALUES (@slo, @step, @timestamp, @window_seconds, @sli, @goal, @burn_rate, @burn_rate_threshold, @alert,
  @good_events, @bad_events, @error_budget_remaining_minutes, @error_budget_consumed_ratio, @valid, @errors,
  @report, @service_name, @feature_name)`;

/**
 * better-sqlite3's constructor, loaded on the first store opened: the native module is a CommonJS package, so
 * it can be required synchronously, and a command that stores no history (most `compute` runs) never loads it.
 */
function openDatabase(): typeof Database {
  databaseClass ??= createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  return databaseClass;
}
let databaseClass: typeof Database | undefined;

/** The report history database. Synchronous (better-sqlite3); one instance per file per process is enough. */
export class HistoryStore {
  /** The path given (`:memory:` for an in-memory database). */
  readonly path: string;
  readonly #db: Database.Database;
  readonly #insert: Database.Statement<InsertParams>;
  readonly #insertMany: (reports: Iterable<ValidReport>) => number;
  readonly #statements = new Map<string, Database.Statement>();
  readonly #pruneInterval: number;
  readonly #now: () => number;
  #retention: number | undefined;
  #lastPrune = Number.NEGATIVE_INFINITY;
  #events: EventBucketTable | undefined;
  #positions: SourcePositionTable | undefined;

  /**
   * Opens (creating the file and its parent directories if needed) and migrates the database at `path`.
   * Throws the file system's or SQLite's error (unwritable directory, not a database, locked longer than
   * 5 s) and an `Error` for a database from a newer slokit or, read-only, one not yet migrated.
   */
  constructor(path: string, options: HistoryStoreOptions = {}) {
    this.path = path;
    const memory = path === ':memory:' || path === '';
    if (!memory && !options.readonly) mkdirSync(dirname(resolve(path)), { recursive: true });
    this.#db = new (openDatabase())(path, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
    });
    try {
      if (!options.readonly) {
        this.#db.pragma('journal_mode = WAL');
        this.#db.pragma('synchronous = NORMAL');
        migrate(this.#db);
      } else if (this.schemaVersion !== SCHEMA_VERSION) {
        throw new Error(
          `history database ${path} has schema version ${this.schemaVersion}, expected ${SCHEMA_VERSION}; open it read-write once to migrate`,
        );
      }
      this.#insert = this.#db.prepare<InsertParams>(INSERT_SQL);
    } catch (error) {
      this.#db.close();
      throw error;
    }
    this.#insertMany = this.#db.transaction((reports: Iterable<ValidReport>) => {
      let count = 0;
      for (const report of reports) {
        this.#insert.run(toParams(report));
        count++;
      }
      return count;
    });
    this.#retention = options.retention;
    this.#pruneInterval = options.pruneInterval ?? 600;
    this.#now = options.now ?? (() => Date.now() / 1000);
  }

  /** Schema version of the open database (`PRAGMA user_version`). */
  get schemaVersion(): number {
    return this.#db.pragma('user_version', { simple: true }) as number;
  }

  /** Whether the database is still open. */
  get isOpen(): boolean {
    return this.#db.open;
  }

  /** Automatic retention in seconds, or undefined when reports are kept forever. */
  get retention(): number | undefined {
    return this.#retention;
  }

  /** Changes the automatic retention (seconds; undefined keeps everything). The next write may prune. */
  setRetention(seconds: number | undefined): void {
    if (seconds !== this.#retention) this.#lastPrune = Number.NEGATIVE_INFINITY;
    this.#retention = seconds;
  }

  /**
   * Stores one report (replacing a stored report with the same SLO, step and timestamp). Throws a
   * `TypeError` for an invalid report or one without name, step or finite timestamp, and SQLite's errors.
   */
  insert(report: ValidReport): void {
    this.#insert.run(toParams(report));
    this.#autoPrune();
  }

  /** Stores many reports in one transaction (all or none); returns how many were stored. Throws as `insert`. */
  insertMany(reports: Iterable<ValidReport>): number {
    const count = this.#insertMany(reports);
    this.#autoPrune();
    return count;
  }

  /** Deletes reports whose timestamp is older than `now - olderThanSeconds`; returns how many. */
  prune(olderThanSeconds: number, now: number = this.#now()): number {
    this.#lastPrune = this.#now();
    return this.#statement('DELETE FROM reports WHERE timestamp < ?').run(now - olderThanSeconds).changes;
  }

  #autoPrune() {
    if (this.#retention === undefined) return;
    if (this.#now() - this.#lastPrune < this.#pruneInterval) return;
    this.prune(this.#retention);
  }

  /** Every SLO with a stored report, by name, with its newest timestamp and report count. */
  listSlos(): SloSummary[] {
    const rows = this.#statement(
      'SELECT slo, MAX(timestamp) AS lastTimestamp, COUNT(*) AS reports FROM reports GROUP BY slo ORDER BY slo',
    ).all() as SloSummary[];
    return rows;
  }

  /** Reports of one SLO (optionally one step) in a time range, ordered by time (then window, step). */
  reports(query: ReportQuery): HistoryRecord[] {
    const where = ['slo = @slo'];
    if (query.step !== undefined) where.push('step = @step');
    if (query.from !== undefined) where.push('timestamp >= @from');
    if (query.to !== undefined) where.push('timestamp <= @to');
    const order = query.order === 'desc' ? 'DESC' : 'ASC';
    const columns = query.includeReport === false ? SUMMARY_COLUMNS : `${SUMMARY_COLUMNS}, report`;
    const limit = query.limit !== undefined ? ' LIMIT @limit' : '';
    const sql = `SELECT ${columns} FROM reports WHERE ${where.join(' AND ')}
      ORDER BY timestamp ${order}, window_seconds ${order}, step ${order}${limit}`;
    const params: Record<string, unknown> = { slo: query.slo };
    if (query.step !== undefined) params.step = query.step;
    if (query.from !== undefined) params.from = query.from;
    if (query.to !== undefined) params.to = query.to;
    if (query.limit !== undefined) params.limit = Math.max(0, Math.trunc(query.limit));
    return (this.#statement(sql).all(params) as Row[]).map(toRecord);
  }

  /** The newest report of each (SLO, step), of one SLO or of all; ordered by SLO, then window and step. */
  latest(slo?: string): HistoryRecord[] {
    const filter = slo === undefined ? '' : 'WHERE slo = @slo';
    const sql = `SELECT ${SUMMARY_COLUMNS}, report FROM reports AS r
      JOIN (SELECT slo AS s, step AS st, MAX(timestamp) AS ts FROM reports ${filter} GROUP BY slo, step) AS m
        ON r.slo = m.s AND r.step = m.st AND r.timestamp = m.ts
      ORDER BY r.slo, r.window_seconds, r.step`;
    const rows = (
      slo === undefined ? this.#statement(sql).all() : this.#statement(sql).all({ slo })
    ) as Row[];
    return rows.map(toRecord);
  }

  /** Number of stored reports, of one SLO or of all. */
  count(slo?: string): number {
    const row =
      slo === undefined
        ? this.#statement('SELECT COUNT(*) AS n FROM reports').get()
        : this.#statement('SELECT COUNT(*) AS n FROM reports WHERE slo = ?').get(slo);
    return (row as { n: number }).n;
  }

  /** The event pipeline's per-minute buckets in this database (event-buckets.ts). */
  get events(): EventBucketTable {
    this.#events ??= new EventBucketTable(this.#db);
    return this.#events;
  }

  /** The event pipeline's tailed-file positions in this database (source-positions.ts). */
  get positions(): SourcePositionTable {
    this.#positions ??= new SourcePositionTable(this.#db);
    return this.#positions;
  }

  /**
   * Runs `work` in one immediate transaction (all its writes or none; better-sqlite3 nests the tables' own
   * transactions as savepoints). Returns what `work` returns; throws what it or SQLite throws (rolled back).
   */
  transaction<T>(work: () => T): T {
    return this.#db.transaction(work).immediate();
  }

  /** The open database, for the tables other modules keep in this file (keptn/evaluation-store.ts). */
  get database(): Database.Database {
    return this.#db;
  }

  /** Closes the database; further calls do nothing. */
  close(): void {
    if (this.#db.open) this.#db.close();
  }

  /** A prepared statement, cached by its SQL. */
  #statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}
