import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SharedConfig } from '../../src/config/schema.js';
import type { SloConfig } from '../../src/domain/types.js';
import { backfill, backfillInstants, logBackfillProgress } from '../../src/engine/backfill.js';
import { EventStore } from '../../src/events/event-store.js';
import { flushEventStore } from '../../src/events/event-store-sqlite.js';
import { HistoryStore } from '../../src/history/store.js';
import { tempDir } from '../helpers/tmp.js';

let dir: ReturnType<typeof tempDir>;
let database: string;
beforeEach(() => {
  dir = tempDir('slokit-backfill-');
  database = join(dir.root, 'history.db');
});
afterEach(() => dir.cleanup());

const HOUR = 3600;
const START = 1_700_006_400; // a multiple of 3600

/** One event per minute for 6 hours; in hour 3 every event fails. */
function fillBuckets(): void {
  const events = new EventStore();
  for (let minute = 0; minute < 6 * 60; minute++) {
    const bad = minute >= 3 * 60 && minute < 4 * 60;
    events.add(
      {
        domain: 'shop',
        class: 'critical',
        app: 'checkout',
        key: 'GET:/cart',
        metadata: { slo_type: 'availability' },
        result: bad ? 'fail' : 'success',
        quantity: 1,
      },
      START + minute * 60,
    );
  }
  const history = new HistoryStore(database);
  flushEventStore(events, history);
  history.close();
}

function shared(): SharedConfig {
  return {
    backends: { events: { path: database } },
    exporters: {},
    default_exporters: [],
    error_budget_policies: {
      default: {
        steps: [
          {
            name: '1h',
            window: HOUR,
            burn_rate_threshold: 10,
            alert: true,
            message_alert: 'page',
            message_ok: 'ok',
          },
          {
            name: '2h',
            window: 2 * HOUR,
            burn_rate_threshold: 5,
            alert: false,
            message_alert: 'x',
            message_ok: 'ok',
          },
        ],
      },
    },
  } as unknown as SharedConfig;
}

const slo: SloConfig = {
  apiVersion: 'sre.google.com/v2',
  kind: 'ServiceLevelObjective',
  metadata: { name: 'checkout-availability', labels: { service_name: 'checkout', feature_name: 'cart' } },
  spec: {
    description: 'checkout availability',
    backend: 'events',
    method: 'good_bad_ratio',
    goal: 0.99,
    service_level_indicator: { app: 'checkout', slo_type: 'availability' },
  },
} as unknown as SloConfig;

describe('backfillInstants', () => {
  it('gives the multiples of every inside [from, to], both ends included', () => {
    expect(backfillInstants(3599, 3 * 3600, 3600)).toEqual([3600, 7200, 10800]);
    expect(backfillInstants(3601, 7199, 3600)).toEqual([]);
  });

  it('refuses a range that ends before it starts and a non-positive step', () => {
    expect(() => backfillInstants(10, 5, 1)).toThrow(/after/);
    expect(() => backfillInstants(0, 5, 0)).toThrow(/positive/);
  });
});

describe('backfill', () => {
  it('stores each step at each instant from the buckets of its window, alerting when the hour failed', async () => {
    fillBuckets();
    const history = new HistoryStore(database);
    const progress: number[] = [];
    const summary = await backfill([slo], shared(), history, {
      from: START + HOUR,
      to: START + 6 * HOUR,
      every: HOUR,
      onProgress: (done) => progress.push(done),
    });
    expect(summary).toEqual({ instants: 6, stored: 12, skipped: 0, invalid: 0 });
    expect(progress.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    const hourly = history.reports({ slo: 'checkout-availability', step: '1h', includeReport: false });
    expect(hourly.map((r) => r.timestamp)).toEqual([1, 2, 3, 4, 5, 6].map((h) => START + h * HOUR));
    // The window ending at START + 4h holds hour 3: 60 bad events of 60.
    expect(hourly.map((r) => r.badEventsCount)).toEqual([0, 0, 0, 60, 0, 0]);
    expect(hourly.map((r) => r.alert)).toEqual([false, false, false, true, false, false]);
    const twoHours = history.reports({ slo: 'checkout-availability', step: '2h', includeReport: false });
    expect(twoHours.find((r) => r.timestamp === START + 5 * HOUR)).toMatchObject({
      goodEventsCount: 60,
      badEventsCount: 60,
    });
    history.close();
  });

  it('is idempotent: a second run over an overlapping range computes and stores only what is missing', async () => {
    fillBuckets();
    const history = new HistoryStore(database);
    await backfill([slo], shared(), history, { from: START + HOUR, to: START + 3 * HOUR, every: HOUR });
    const firstIds = history.reports({ slo: 'checkout-availability', includeReport: false }).map((r) => r.id);
    const again = await backfill([slo], shared(), history, {
      from: START + HOUR,
      to: START + 5 * HOUR,
      every: HOUR,
    });
    expect(again).toEqual({ instants: 5, stored: 4, skipped: 6, invalid: 0 });
    const records = history.reports({ slo: 'checkout-availability', includeReport: false });
    expect(records).toHaveLength(10);
    // The rows of the first run were neither replaced nor duplicated.
    expect(records.filter((r) => firstIds.includes(r.id))).toHaveLength(6);
    history.close();
  });

  it('counts invalid reports (no events in the window) and stores none of them', async () => {
    fillBuckets();
    const history = new HistoryStore(database);
    const summary = await backfill([slo], shared(), history, {
      from: START - 3 * HOUR,
      to: START,
      every: HOUR,
    });
    expect(summary).toEqual({ instants: 4, stored: 0, skipped: 0, invalid: 8 });
    expect(history.count()).toBe(0);
    history.close();
  });

  it('aborted, leaves the instants not yet started for a later run, which completes the range', async () => {
    fillBuckets();
    const history = new HistoryStore(database);
    const stop = new AbortController();
    const range = { from: START + HOUR, to: START + 6 * HOUR, every: HOUR };
    // One instant at a time: the abort after the second leaves the last four.
    const summary = await backfill([slo], shared(), history, {
      ...range,
      concurrency: 1,
      signal: stop.signal,
      onProgress: (done) => done === 2 && stop.abort(),
    });
    expect(summary).toEqual({ instants: 6, stored: 4, skipped: 0, invalid: 0, aborted: 4 });
    expect(await backfill([slo], shared(), history, range)).toEqual({
      instants: 6,
      stored: 8,
      skipped: 4,
      invalid: 0,
    });
    history.close();
  });
});

describe('logBackfillProgress', () => {
  it('logs once per tenth of the instants done, with done and total', () => {
    const logged: object[] = [];
    const ignore = () => {};
    const progress = logBackfillProgress({
      debug: ignore,
      warn: ignore,
      error: ignore,
      info: (fields, message) => logged.push({ ...fields, message }),
    });
    for (let done = 1; done <= 25; done++) progress(done, 25);
    expect(logged.map((entry) => (entry as { done: number }).done)).toEqual([
      3, 5, 8, 10, 13, 15, 18, 20, 23, 25,
    ]);
    expect(logged[0]).toEqual({ done: 3, total: 25, message: 'backfill progress' });
  });
});
