/** Keptn evaluations in the real SQLite history database: migration, storing, and lighthouse's selection. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EvaluationFinishedData } from '../../src/domain/keptn-types.js';
import { HistoryStore, SCHEMA_VERSION } from '../../src/history/store.js';
import { EvaluationStore } from '../../src/keptn/evaluation-store.js';
import { tempDir } from '../helpers/tmp.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('slokit-keptn-store-');
});
afterEach(() => dir.cleanup());

const evaluation = (result: string, score: number, service = 'carts'): EvaluationFinishedData => ({
  project: 'sockshop',
  stage: 'staging',
  service,
  status: 'succeeded',
  result,
  evaluation: {
    timeStart: 's',
    timeEnd: 'e',
    result,
    score,
    sloFileContent: '',
    indicatorResults: [],
  },
});

describe('EvaluationStore', () => {
  it('stores evaluations and returns the newest admitted ones of one scope, with their ids', () => {
    const path = `${dir.root}/h.db`;
    const store = new HistoryStore(path);
    const evaluations = new EvaluationStore(store);
    evaluations.record('a', evaluation('pass', 100), 1000);
    evaluations.record('b', evaluation('fail', 10), 2000);
    evaluations.record('c', evaluation('warning', 80), 3000);
    evaluations.record('d', evaluation('pass', 95), 3000); // same time: the later stored is newer
    evaluations.record('o', evaluation('pass', 100, 'orders'), 4000);
    store.close();

    // reopened from the file: what a later `--history` run sees
    const reopened = new HistoryStore(path);
    const again = new EvaluationStore(reopened);
    const scope = { project: 'sockshop', stage: 'staging', service: 'carts' };
    const ids = (query: Parameters<EvaluationStore['previous']>[1]) =>
      again.previous(scope, query).map((p) => p.id);
    expect(ids({ limit: 3 })).toEqual(['d', 'c', 'b']);
    expect(ids({ limit: 3, results: ['pass'] })).toEqual(['d', 'a']);
    expect(ids({ limit: 1, results: ['pass', 'warning'] })).toEqual(['d']);
    expect(again.previous(scope, { limit: 1 })[0]!.data).toEqual(evaluation('pass', 95));
    expect(again.count()).toBe(5);
    reopened.close();
  });

  it('replaces an evaluation stored again under the same id', () => {
    const store = new HistoryStore(':memory:');
    const evaluations = new EvaluationStore(store);
    evaluations.record('a', evaluation('fail', 0), 1);
    evaluations.record('a', evaluation('pass', 100), 2);
    expect(evaluations.count()).toBe(1);
    expect(
      evaluations.previous({ project: 'sockshop', stage: 'staging', service: 'carts' }, { limit: 5 }),
    ).toEqual([{ id: 'a', data: evaluation('pass', 100) }]);
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    store.close();
  });
});
