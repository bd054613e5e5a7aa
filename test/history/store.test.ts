import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/domain/report.js';
import type { PolicyStep, SloConfig, ValidReport } from '../../src/domain/types.js';
import { closeExporterContext, createExporterContext } from '../../src/exporters/context.js';
import { historyExporter } from '../../src/exporters/history.js';
import type { ExporterContext } from '../../src/exporters/types.js';
import { HistoryStore, MIGRATIONS, migrate, SCHEMA_VERSION } from '../../src/history/store.js';
import { durationSeconds } from '../../src/lang/duration.js';
import { tempDir } from '../helpers/tmp.js';

const STEPS: Record<string, PolicyStep> = {
  '1 hour': { name: '1 hour', window: 3600, burn_rate_threshold: 9, message_alert: 'page', message_ok: 'ok' },
  '12 hours': {
    name: '12 hours',
    window: 43200,
    burn_rate_threshold: 3,
    message_alert: 'page',
    message_ok: 'ok',
  },
};

function slo(name: string, labels: Record<string, string> = {}): SloConfig {
  return {
    apiVersion: 'sre.google.com/v2',
    kind: 'ServiceLevelObjective',
    metadata: { name, labels: { service_name: 'svc', feature_name: name.split('-')[0]!, ...labels } },
    spec: {
      description: `${name} availability`,
      backend: 'prometheus',
      method: 'good_bad_ratio',
      service_level_indicator: {},
      goal: 0.99,
    },
  };
}

function report(name: string, step: string, timestamp: number, good = 990, bad = 10): ValidReport {
  const built = buildReport({ slo: slo(name), step: STEPS[step]!, timestamp, result: [good, bad] });
  if (!built.valid) throw new Error(built.errors.join('; '));
  return built;
}

const T0 = 1_700_000_000;

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('slokit-history-');
});
afterEach(() => {
  dir.cleanup();
});

/** A history retention as the exporter reads it: positive seconds or a duration. */
const retention = (value: unknown) => durationSeconds(value, false);

describe('HistoryStore', () => {
  function fill(store: HistoryStore): ValidReport[] {
    const all: ValidReport[] = [];
    for (const name of ['checkout-availability', 'checkout-latency', 'search-availability']) {
      for (let i = 0; i < 5; i++) {
        for (const step of ['1 hour', '12 hours']) all.push(report(name, step, T0 + i * 300, 1000 - i, i));
      }
    }
    expect(store.insertMany(all)).toBe(all.length);
    return all;
  }

  it('creates the file and its parent directories, in WAL mode at the latest schema version', () => {
    const path = join(dir.root, 'nested', 'deeper', 'history.db');
    const store = new HistoryStore(path);
    expect(existsSync(path)).toBe(true);
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    store.close();
    const raw = new Database(path);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    const indexes = raw
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reports'")
      .pluck()
      .all();
    expect(indexes).toEqual(
      expect.arrayContaining(['reports_slo_step_time', 'reports_slo_time', 'reports_time']),
    );
    raw.close();
  });

  it('stores the indexed fields and the full report', () => {
    const store = new HistoryStore(join(dir.root, 'h.db'));
    const r = report('checkout-availability', '1 hour', T0, 900, 100);
    store.insert(r);
    const [record] = store.reports({ slo: 'checkout-availability' });
    expect(record).toMatchObject({
      slo: 'checkout-availability',
      step: '1 hour',
      timestamp: T0,
      window: 3600,
      sli: 0.9,
      goal: 0.99,
      burnRate: r.error_budget_burn_rate,
      burnRateThreshold: 9,
      alert: true,
      goodEventsCount: 900,
      badEventsCount: 100,
      errorBudgetRemainingMinutes: r.error_budget_remaining_minutes,
      errorBudgetConsumedRatio: r.error_budget_consumed_ratio,
      valid: true,
      errors: [],
      serviceName: 'svc',
      featureName: 'checkout',
    });
    expect(record!.report).toEqual(r);
  });

  it('queries by SLO, step and inclusive time range, ordered by time', () => {
    const store = new HistoryStore(join(dir.root, 'h.db'));
    fill(store);
    const all = store.reports({ slo: 'checkout-latency' });
    expect(all).toHaveLength(10);
    expect(all.map((r) => r.timestamp)).toEqual([...all.map((r) => r.timestamp)].sort((a, b) => a - b));
    expect(all.slice(0, 2).map((r) => r.step)).toEqual(['1 hour', '12 hours']);
    expect(all.every((r) => r.slo === 'checkout-latency')).toBe(true);

    const oneStep = store.reports({ slo: 'checkout-latency', step: '12 hours' });
    expect(oneStep.map((r) => r.timestamp)).toEqual([0, 1, 2, 3, 4].map((i) => T0 + i * 300));
    expect(oneStep.every((r) => r.step === '12 hours' && r.window === 43200)).toBe(true);

    const range = store.reports({ slo: 'checkout-latency', step: '1 hour', from: T0 + 300, to: T0 + 900 });
    expect(range.map((r) => r.timestamp)).toEqual([T0 + 300, T0 + 600, T0 + 900]);
    expect(range.map((r) => r.badEventsCount)).toEqual([1, 2, 3]);

    const newest = store.reports({ slo: 'checkout-latency', step: '1 hour', order: 'desc', limit: 2 });
    expect(newest.map((r) => r.timestamp)).toEqual([T0 + 1200, T0 + 900]);

    const summary = store.reports({ slo: 'checkout-latency', limit: 1, includeReport: false });
    expect(summary).toHaveLength(1);
    expect(summary[0]!.report).toBeUndefined();

    expect(store.reports({ slo: 'nope' })).toEqual([]);
    expect(store.count()).toBe(30);
    expect(store.count('search-availability')).toBe(10);
  });

  it('lists SLOs with their last timestamp and returns the latest report per SLO and step', () => {
    const store = new HistoryStore(join(dir.root, 'h.db'));
    fill(store);
    store.insert(report('search-availability', '1 hour', T0 + 10_000));
    expect(store.listSlos()).toEqual([
      { slo: 'checkout-availability', lastTimestamp: T0 + 1200, reports: 10 },
      { slo: 'checkout-latency', lastTimestamp: T0 + 1200, reports: 10 },
      { slo: 'search-availability', lastTimestamp: T0 + 10_000, reports: 11 },
    ]);

    const latest = store.latest();
    expect(latest.map((r) => [r.slo, r.step, r.timestamp])).toEqual([
      ['checkout-availability', '1 hour', T0 + 1200],
      ['checkout-availability', '12 hours', T0 + 1200],
      ['checkout-latency', '1 hour', T0 + 1200],
      ['checkout-latency', '12 hours', T0 + 1200],
      ['search-availability', '1 hour', T0 + 10_000],
      ['search-availability', '12 hours', T0 + 1200],
    ]);
    expect(latest[4]!.report!.timestamp).toBe(T0 + 10_000);
    expect(store.latest('search-availability').map((r) => [r.step, r.timestamp])).toEqual([
      ['1 hour', T0 + 10_000],
      ['12 hours', T0 + 1200],
    ]);
    expect(store.latest('unknown')).toEqual([]);
  });

  it('replaces a report stored again with the same SLO, step and timestamp', () => {
    const store = new HistoryStore(join(dir.root, 'h.db'));
    store.insert(report('a-slo', '1 hour', T0, 990, 10));
    store.insert(report('a-slo', '1 hour', T0, 900, 100));
    const rows = store.reports({ slo: 'a-slo' });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.badEventsCount).toBe(100);
  });

  it('rejects invalid reports and rolls back a failing batch', () => {
    const store = new HistoryStore(join(dir.root, 'h.db'));
    const invalid = buildReport({ slo: slo('x-slo'), step: STEPS['1 hour']!, timestamp: T0, result: [0, 0] });
    expect(() => store.insert(invalid as unknown as ValidReport)).toThrow(/only valid reports/);
    const batch = [report('x-slo', '1 hour', T0), invalid as unknown as ValidReport];
    expect(() => store.insertMany(batch)).toThrow(TypeError);
    expect(store.count()).toBe(0);
  });

  it('prunes by age explicitly', () => {
    const store = new HistoryStore(join(dir.root, 'h.db'));
    fill(store); // timestamps T0 .. T0+1200, 6 reports each
    expect(store.prune(600, T0 + 1200)).toBe(12); // deletes T0 and T0+300 (< T0+600)
    expect(store.reports({ slo: 'checkout-availability', step: '1 hour' }).map((r) => r.timestamp)).toEqual([
      T0 + 600,
      T0 + 900,
      T0 + 1200,
    ]);
    expect(store.prune(0, T0 + 1_000_000)).toBe(18);
    expect(store.count()).toBe(0);
  });

  it('prunes automatically on write at most once per interval', () => {
    let now = T0 + 86_400;
    const store = new HistoryStore(join(dir.root, 'h.db'), {
      retention: 3600,
      pruneInterval: 600,
      now: () => now,
    });
    store.insert(report('a-slo', '1 hour', T0)); // older than a day: pruned by the first write itself
    expect(store.count()).toBe(0);
    store.insert(report('a-slo', '1 hour', T0 + 1)); // within the interval: not pruned yet
    expect(store.count()).toBe(1);
    now += 600;
    store.insertMany([report('a-slo', '1 hour', now - 60)]); // interval elapsed: the old one goes
    expect(store.reports({ slo: 'a-slo' }).map((r) => r.timestamp)).toEqual([now - 60]);
  });

  it('persists across reopening the file', () => {
    const path = join(dir.root, 'h.db');
    const first = new HistoryStore(path);
    const stored = fill(first);
    first.close();
    first.close(); // idempotent
    expect(first.isOpen).toBe(false);

    const second = new HistoryStore(path);
    expect(second.count()).toBe(stored.length);
    expect(second.reports({ slo: 'checkout-availability', step: '1 hour', limit: 1 })[0]!.report).toEqual(
      stored[0],
    );
    second.close();

    const readonly = new HistoryStore(path, { readonly: true });
    expect(readonly.listSlos()).toHaveLength(3);
    expect(() => readonly.insert(report('z-slo', '1 hour', T0))).toThrow(/readonly/i);
    readonly.close();
  });

  it('migrates a database created at an older schema version, keeping and backfilling its rows', () => {
    const path = join(dir.root, 'old.db');
    const old = new Database(path);
    migrate(old, 1); // the schema the first release created
    expect(old.pragma('user_version', { simple: true })).toBe(1);
    const r = report('legacy-availability', '12 hours', T0);
    old
      .prepare(
        `INSERT INTO reports (slo, step, timestamp, window_seconds, sli, goal, burn_rate, burn_rate_threshold,
          alert, good_events, bad_events, error_budget_remaining_minutes, error_budget_consumed_ratio, valid,
          errors, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, '[]', ?)`,
      )
      .run(
        r.name,
        r.error_budget_policy_step_name,
        r.timestamp,
        r.window,
        r.sli_measurement,
        r.goal,
        r.error_budget_burn_rate,
        r.error_budget_burn_rate_threshold,
        r.alert ? 1 : 0,
        r.good_events_count,
        r.bad_events_count,
        r.error_budget_remaining_minutes,
        r.error_budget_consumed_ratio,
        JSON.stringify(r),
      );
    const columns = () =>
      (old.prepare('PRAGMA table_info(reports)').all() as { name: string }[]).map((c) => c.name);
    expect(columns()).not.toContain('service_name');
    old.close();

    const store = new HistoryStore(path);
    expect(store.schemaVersion).toBe(MIGRATIONS.length);
    const [record] = store.reports({ slo: 'legacy-availability' });
    expect(record).toMatchObject({
      step: '12 hours',
      timestamp: T0,
      serviceName: 'svc',
      featureName: 'legacy',
    });
    expect(record!.report).toEqual(r);
    store.insert(report('legacy-availability', '12 hours', T0 + 60));
    expect(store.count()).toBe(2);
    store.close();
  });

  it('refuses a database written by a newer version', () => {
    const path = join(dir.root, 'future.db');
    const future = new Database(path);
    future.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    future.close();
    expect(() => new HistoryStore(path)).toThrow(/newer than this slokit supports/);
  });

  it('works in memory', () => {
    const store = new HistoryStore(':memory:');
    store.insert(report('m-slo', '1 hour', T0));
    expect(store.listSlos()).toEqual([{ slo: 'm-slo', lastTimestamp: T0, reports: 1 }]);
    store.close();
  });
});

describe('history exporter', () => {
  it('parses retention as seconds or a Prometheus duration', () => {
    expect(retention(3600)).toBe(3600);
    expect(retention('90d')).toBe(90 * 86_400);
    expect(retention('12h')).toBe(43_200);
    expect(retention('30m')).toBe(1800);
    expect(retention('45s')).toBe(45);
    expect(retention('2w')).toBe(14 * 86_400);
    expect(retention('1y')).toBe(365 * 86_400);
    expect(retention('1h30m')).toBe(5400);
    for (const bad of ['90', '1.5d', '30m1h', 'd', '', '0d', 0, -5, true])
      expect(retention(bad)).toBeUndefined();
  });

  it('rejects a bad retention with a clear message', () => {
    const result = historyExporter.configSchema.safeParse({ retention: '3 months' });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toMatch(/duration such as "90d".*got "3 months"/);
    expect(result.error!.issues[0]!.path).toEqual(['retention']);
    const typed = historyExporter.configSchema.safeParse({ retention: true });
    expect(typed.error!.issues[0]!.message).toMatch(/duration such as "90d"/);
    expect(historyExporter.configSchema.safeParse({ pth: 'x.db' }).success).toBe(false);
    expect(historyExporter.configSchema.parse({})).toEqual({ path: '.slokit/history.db' });
    expect(historyExporter.configSchema.parse({ retention: '1w' })).toEqual({
      path: '.slokit/history.db',
      retention: 604_800,
    });
  });

  it('writes each valid report, sharing one store per path within a context', async () => {
    const path = join(dir.root, 'db', 'history.db');
    const context = createExporterContext({ pluginDirs: [] });
    const a = historyExporter.create({ path }, context);
    const b = historyExporter.create({ path, retention: '90d' }, context);
    const now = Math.floor(Date.now() / 1000);
    await a.export({ ...report('e-slo', '1 hour', now) }, { name: 'history' });
    await b.export({ ...report('e-slo', '12 hours', now) }, { name: 'history/b' });
    await a.export(
      { metadata: { name: 'e-slo' }, errors: ['x'], error_budget_policy_step_name: '1 hour', valid: false },
      { name: 'history' },
    );
    expect(context.historyStores.size).toBe(1);
    expect(context.historyStores.open(path).retention).toBe(90 * 86400);
    closeExporterContext(context);
    expect(context.historyStores.size).toBe(0);
    const store = new HistoryStore(path);
    expect(store.latest('e-slo').map((r) => r.step)).toEqual(['1 hour', '12 hours']);
    store.close();
  });

  it('opens stores lazily in a plain context and closes them with it', async () => {
    const path = join(dir.root, 'lazy.db');
    const context: ExporterContext = { pluginDirs: [] };
    const exporter = historyExporter.create({ path }, context);
    expect(context.historyStores?.size).toBe(0);
    await exporter.export(report('l-slo', '1 hour', T0), { name: 'history' });
    const opened = context.historyStores?.open(path);
    expect(opened?.count('l-slo')).toBe(1);
    closeExporterContext(context);
    expect(opened?.isOpen).toBe(false);
    closeExporterContext(context); // twice is harmless
  });

  it('keeps the stores of two contexts apart', async () => {
    const path = join(dir.root, 'two.db');
    const first = createExporterContext({ pluginDirs: [] });
    const second = createExporterContext({ pluginDirs: [] });
    const a = first.historyStores.open(path);
    const b = second.historyStores.open(path);
    expect(a).not.toBe(b);
    closeExporterContext(first);
    expect(a.isOpen).toBe(false);
    expect(b.isOpen).toBe(true);
    closeExporterContext(second);
  });
});
