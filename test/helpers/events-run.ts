/**
 * `slokit events run` as a real process for the integration tests (contract: the "events server listening"
 * log line carries the URL; SIGTERM drains and exits 0), plus readers of what it exposes: `/metrics` samples
 * and the totals of its SQLite event store.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { vi } from 'vitest';
import type { EventsRun } from '../../bench/lib/events-run.mjs';
import * as lib from '../../bench/lib/events-run.mjs';
import { HistoryStore } from '../../src/history/store.js';
import { type ParsedSample, parseExposition } from './pushgateway.js';

export type { EventsRun } from '../../bench/lib/events-run.mjs';

const { MAIN } = lib;

/**
 * Whether this tree has `events run` (its command module, src/cli/events-pipeline.ts): the suites that need
 * it are skipped on a branch without it. Once the module is there they always run, so a broken or missing
 * build fails them instead of skipping them.
 */
export function eventsRunAvailable(): boolean {
  if (!existsSync(fileURLToPath(new URL('../../src/cli/events-pipeline.ts', import.meta.url)))) return false;
  if (!existsSync(MAIN)) throw new Error('dist/ is missing: run `npm run build` first');
  return true;
}

/** Starts `slokit events run <args>` in `cwd` and waits until it listens (see bench/lib/events-run.mjs). */
export const startEventsRun = (args: readonly string[], cwd: string): Promise<EventsRun> =>
  lib.startEventsRun(args, { cwd });

/** The samples of `GET <url>/metrics`. */
export async function scrape(url: string): Promise<ParsedSample[]> {
  const response = await fetch(`${url}/metrics`);
  if (!response.ok) throw new Error(`GET ${url}/metrics: ${response.status}`);
  return parseExposition(await response.text());
}

/** The sum of the samples named `name` (0 when there is none). */
export function total(samples: readonly ParsedSample[], name: string): number {
  return samples.filter((s) => s.name === name).reduce((sum, s) => sum + s.value, 0);
}

/** Polls `/metrics` until `done(samples)` holds (vitest's waitFor: throws the last failure at `timeoutMs`). */
export function waitForMetrics(
  url: string,
  done: (samples: ParsedSample[]) => void,
  timeoutMs = 30_000,
): Promise<void> {
  return vi.waitFor(async () => done(await scrape(url)), { timeout: timeoutMs, interval: 100 });
}

/** Good and bad sums of every series of the event store in `database`, all minutes (read-only). */
export function storeTotals(database: string): { good: number; bad: number } {
  const store = new HistoryStore(database, { readonly: true });
  try {
    const { good, bad } = store.events.totals(() => true, 0, Number.MAX_SAFE_INTEGER);
    return { good, bad };
  } finally {
    store.close();
  }
}

// ------------------------------------------------------------------------------------------------------------
// A live pipeline: an slo-exporter root config following `access.log`, and the lines it reads.

/** Event keys of the live lines: line n has key `k<n mod KEYS>`. */
export const KEYS = 25;

/** Line `n` of the live access log: key, status (503 for n ≡ 3 mod 10, else 200), app api (n ≡ 0 mod 4) or web. */
export function accessLine(n: number): string {
  const status = n % 10 === 3 ? 503 : 200;
  return `n=${n} key=k${n % KEYS} status=${status} domain=shop class=critical app=${n % 4 === 0 ? 'api' : 'web'}\n`;
}

/** Lines `from` to `from + count - 1` (see `accessLine`). */
export function accessLines(from: number, count: number): string {
  let text = '';
  for (let n = from; n < from + count; n++) text += accessLine(n);
  return text;
}

/** What lines `from`..`from + count - 1` count: good (status 200) and bad, per key and in all, for `app` if given. */
export function expectedCounts(
  from: number,
  count: number,
  app?: 'api' | 'web',
): { good: number; bad: number; byKey: Map<string, { good: number; bad: number }> } {
  const byKey = new Map<string, { good: number; bad: number }>();
  let good = 0;
  let bad = 0;
  for (let n = from; n < from + count; n++) {
    if (app && (n % 4 === 0 ? 'api' : 'web') !== app) continue;
    const entry = byKey.get(`k${n % KEYS}`) ?? { good: 0, bad: 0 };
    if (n % 10 === 3) {
      bad++;
      entry.bad++;
    } else {
      good++;
      entry.good++;
    }
    byKey.set(`k${n % KEYS}`, entry);
  }
  return { good, bad, byKey };
}

/** The rule file of the live pipeline: one availability rule, failing at status >= 500. */
export const LIVE_RULES = `rules:
  - failure_conditions:
      - operator: numberIsEqualOrHigherThan
        key: status
        value: 500
    additional_metadata:
      slo_type: availability
`;

/**
 * The slo-exporter root config of the live pipeline: a tailer following `access.log` (rotation handled,
 * positions in `access.log.pos` saved every 100 ms), classification and event key from the line's fields,
 * rules in `slo_rules.yaml`.
 */
export const LIVE_CONFIG = `webServerListenAddress: "0.0.0.0:8080"
maximumGracefulShutdownDuration: "10s"
pipeline: ["tailer", "metadataClassifier", "eventKeyGenerator", "sloEventProducer", "prometheusExporter"]
modules:
  tailer:
    tailedFile: "access.log"
    follow: true
    reopen: true
    positionFile: "access.log.pos"
    positionPersistenceInterval: "100ms"
    loglineParseRegexp: '^n=(?P<n>\\d+) key=(?P<key>\\S+) status=(?P<status>\\d+) domain=(?P<domain>\\S+) class=(?P<class>\\S+) app=(?P<app>\\S+)$'
  metadataClassifier:
    sloDomainMetadataKey: domain
    sloClassMetadataKey: class
    sloAppMetadataKey: app
  eventKeyGenerator:
    metadataKeys: [key]
  sloEventProducer:
    rulesFiles: ["slo_rules.yaml"]
  prometheusExporter: {}
`;

/** Per event key good and bad sums of the event store in `database` (its tables, see src/history/event-buckets.ts). */
export function storeTotalsByKey(database: string): Map<string, { good: number; bad: number }> {
  const db = new (createRequire(import.meta.url)('better-sqlite3') as typeof Database)(database, {
    readonly: true,
    fileMustExist: true,
  });
  try {
    const rows = db
      .prepare(`SELECT s.event_key AS key, SUM(b.good) AS good, SUM(b.bad) AS bad
        FROM event_series s JOIN event_buckets b ON b.series = s.id GROUP BY s.event_key`)
      .all() as { key: string; good: number; bad: number }[];
    return new Map(rows.map((row) => [row.key, { good: row.good, bad: row.bad }]));
  } finally {
    db.close();
  }
}
