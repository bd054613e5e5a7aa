/**
 * Keptn evaluations in slokit's history database (table `evaluations`, a migration of history/store.ts):
 * what lighthouse reads from Keptn's datastore to compare with. Each stored evaluation is the `data` of an
 * evaluation.finished event with its event id; reads return the newest first for one project, stage and
 * service, filtered by overall result and limited as the SLO's `comparison` asks (`previousEvaluationQuery`),
 * the way lighthouse queries the datastore (invalidation does not exist here).
 */
import type Database from 'better-sqlite3';
import type { PreviousEvaluationQuery } from '../domain/keptn-evaluation.js';
import type { EvaluationFinishedData, KeptnEventData, PreviousEvaluation } from '../domain/keptn-types.js';
import type { HistoryStore } from '../history/store.js';

interface Row {
  event_id: string;
  data: string;
}

/** The evaluations table of one open history database. */
export class EvaluationStore {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement;

  /** Uses the (migrated) database of `store`; closing `store` closes this too. */
  constructor(store: HistoryStore) {
    this.#db = store.database;
    this.#insert = this.#db.prepare(`INSERT OR REPLACE INTO evaluations
      (event_id, time, project, stage, service, result, score, data)
      VALUES (@event_id, @time, @project, @stage, @service, @result, @score, @data)`);
  }

  /**
   * Stores an evaluation under its event id (replacing one stored with that id). `time` orders
   * evaluations (Unix milliseconds; default now). Throws SQLite's errors.
   */
  record(eventId: string, data: EvaluationFinishedData, time: number = Date.now()): void {
    this.#insert.run({
      event_id: eventId,
      time: Math.trunc(time),
      project: data.project ?? '',
      stage: data.stage ?? '',
      service: data.service ?? '',
      result: data.result ?? '',
      score: Number.isFinite(data.evaluation.score) ? data.evaluation.score : null,
      data: JSON.stringify(data),
    });
  }

  /**
   * The previous evaluations of the scope of `current` (project, stage, service) that `query` admits,
   * newest first (ties: the later stored first).
   */
  previous(current: KeptnEventData, query: PreviousEvaluationQuery): PreviousEvaluation[] {
    const params: unknown[] = [current.project ?? '', current.stage ?? '', current.service ?? ''];
    let where = 'project = ? AND stage = ? AND service = ?';
    if (query.results) {
      where += ` AND result IN (${query.results.map(() => '?').join(', ')})`;
      params.push(...query.results);
    }
    params.push(Math.max(0, Math.trunc(query.limit)));
    const rows = this.#db
      .prepare(`SELECT event_id, data FROM evaluations WHERE ${where} ORDER BY time DESC, id DESC LIMIT ?`)
      .all(...params) as Row[];
    return rows.map((row) => ({ id: row.event_id, data: JSON.parse(row.data) as EvaluationFinishedData }));
  }

  /** Number of stored evaluations. */
  count(): number {
    return (this.#db.prepare('SELECT COUNT(*) AS n FROM evaluations').get() as { n: number }).n;
  }
}
