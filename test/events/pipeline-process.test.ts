/**
 * `events run` as a process (pipeline-child.ts): the store's exactly-once guarantee across kill -9, the
 * signals, and stdin.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { HistoryStore } from '../../src/history/store.js';
import { tempDir } from '../helpers/tmp.js';
import { expectedCounts, logLines } from './pipeline-fixtures.js';

const CHILD = fileURLToPath(new URL('./pipeline-child.ts', import.meta.url));

let dir: ReturnType<typeof tempDir>;
const children: ChildProcess[] = [];
beforeEach(() => {
  dir = tempDir('slokit-events-run-');
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  dir.cleanup();
});

/** Starts the child; `url` resolves from its "events server listening" log line, `exit` with its code. */
function start(options: object) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(options)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  let stdout = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
      for (const line of stderr.split('\n')) {
        if (line.includes('"msg":"events server listening"')) resolve(JSON.parse(line).url);
      }
    });
    child.once('exit', () => reject(new Error(`exited before listening: ${stderr}`)));
  });
  url.catch(() => undefined);
  child.stdout!.on('data', (chunk) => {
    stdout += chunk;
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, url, exit, stdout: () => stdout, stderr: () => stderr };
}

/** The store's totals and the recorded position of `log`, read while the child may be writing. */
function stored(database: string, log: string) {
  if (!existsSync(database)) return undefined;
  try {
    const history = new HistoryStore(database, { readonly: true });
    try {
      const totals = history.events.totals(() => true, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
      return { ...totals, offset: history.positions.all().get(log)?.offset ?? 0 };
    } finally {
      history.close();
    }
  } catch {
    return undefined; // not migrated yet
  }
}

it('kill -9 between flushes, twice, then a restart: the store counts every line exactly once', async () => {
  const lines = 20_000;
  const log = dir.write('access.log', logLines(lines));
  const size = readFileSync(log).length;
  const database = join(dir.root, 'history.db');
  const options = { log, database, follow: true, flushIntervalMs: 15, slowMicros: 60 };
  let lastOffset = 0;
  for (let crash = 0; crash < 2; crash++) {
    const run = start(options);
    await vi.waitFor(
      () => {
        const now = stored(database, log);
        expect(now?.offset ?? 0).toBeGreaterThan(lastOffset);
      },
      { timeout: 30_000, interval: 10 },
    );
    run.child.kill('SIGKILL');
    expect((await run.exit).signal).toBe('SIGKILL');
    lastOffset = stored(database, log)!.offset;
    expect(lastOffset).toBeLessThan(size); // killed mid-file
  }
  const last = start({ ...options, follow: false, slowMicros: 0 });
  expect((await last.exit).code).toBe(0);
  const expected = expectedCounts(lines);
  const final = stored(database, log)!;
  expect(final.offset).toBe(size);
  expect(final.good).toBe(expected.availability.good + expected.latency.good);
  expect(final.bad).toBe(expected.availability.bad + expected.latency.bad);
}, 120_000);

it('SIGINT: drains and persists, exits 0; a second SIGTERM during the shutdown exits 143 at once', async () => {
  const log = dir.write('access.log', logLines(1000));
  const database = join(dir.root, 'history.db');
  const first = start({ log, database, follow: true, flushIntervalMs: 60_000 });
  const base = await first.url;
  await vi.waitFor(
    async () => {
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain('slokit_events_ingested_total{source="file"} 1000\n');
    },
    { timeout: 20_000 },
  );
  first.child.kill('SIGINT');
  expect(await first.exit).toEqual({ code: 0, signal: null });
  const expected = expectedCounts(1000);
  const saved = stored(database, log)!;
  expect(saved.good).toBe(expected.availability.good + expected.latency.good);
  expect(saved.offset).toBe(readFileSync(log).length);

  const second = start({ log, follow: true, afterDelayMs: 60_000 });
  const url = await second.url;
  await vi.waitFor(async () => expect((await fetch(`${url}/readiness`)).status).toBe(200), {
    timeout: 20_000,
  });
  second.child.kill('SIGTERM');
  await vi.waitFor(async () => expect((await fetch(`${url}/readiness`)).status).toBe(503), {
    timeout: 20_000,
  });
  second.child.kill('SIGTERM');
  expect(await second.exit).toEqual({ code: 143, signal: null });
}, 60_000);

it('--stdin: reads JSON events to EOF, then ends by itself and prints the final metrics', async () => {
  const run = start({ stdin: true, printMetrics: true });
  await run.url;
  const events = Array.from({ length: 30 }, (_, i) =>
    JSON.stringify({
      slo_domain: 'web',
      slo_class: 'c',
      slo_app: 'a',
      statusCode: i < 6 ? 500 : 200,
      requestDuration: 0.1,
    }),
  );
  run.child.stdin!.end(`${events.join('\n')}\n{broken\n`);
  expect((await run.exit).code).toBe(0);
  expect(run.stdout()).toContain(
    'slo_domain:slo_events_total{result="fail",slo_domain="web",slo_type="availability"} 6\n',
  );
  expect(run.stdout()).toContain('slokit_events_ingested_total{source="stdin"} 30\n');
  expect(run.stdout()).toContain('slokit_events_malformed_lines_total 1\n');
}, 60_000);
