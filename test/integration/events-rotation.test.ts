/**
 * Log rotation, truncation and a crash, through the CLI: `slokit events run` follows `access.log` (a real
 * process, its windowed store in a temporary SQLite history database) while the test rotates the file the
 * ways logrotate does. Afterwards the store's totals, per event key and in all, equal the lines written:
 * none lost, none counted twice. Every line carries a unique number, so its event key (`k<n mod 25>`) and
 * result are known (see `accessLine`).
 */
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  readFileSync,
  renameSync,
  statSync,
  truncateSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  accessLines,
  type EventsRun,
  eventsRunAvailable,
  expectedCounts,
  LIVE_CONFIG,
  LIVE_RULES,
  startEventsRun,
  storeTotals,
  storeTotalsByKey,
  total,
  waitForMetrics,
} from '../helpers/events-run.js';
import { tempDir } from '../helpers/tmp.js';

const LINES_READ = 'slo_exporter_tailer_lines_read_total';

describe.skipIf(!eventsRunAvailable())('events run through rotation, truncation and a crash', () => {
  let dir: ReturnType<typeof tempDir>;
  let log: string;
  let database: string;
  const runs: EventsRun[] = [];
  afterEach(async () => {
    for (const run of runs.splice(0)) await run.stop('SIGKILL');
    dir.cleanup();
  });

  /** A temp dir with the live pipeline's config and rules, and `access.log` holding lines 0..`lines`-1. */
  function setUp(lines: number): void {
    dir = tempDir('slokit-events-rotation-');
    dir.write('slo_exporter.yaml', LIVE_CONFIG);
    dir.write('slo_rules.yaml', LIVE_RULES);
    log = dir.write('access.log', accessLines(0, lines));
    database = join(dir.root, 'history.db');
  }

  async function start(): Promise<EventsRun> {
    const run = await startEventsRun(
      ['--slo-exporter-config', 'slo_exporter.yaml', '--listen', '127.0.0.1:0', '--history-db', database],
      dir.root,
    );
    runs.push(run);
    return run;
  }

  /** Waits until the run has read `lines` lines and counted as many SLO events. */
  const readAll = (run: EventsRun, lines: number) =>
    waitForMetrics(run.url, (samples) => {
      expect(total(samples, LINES_READ)).toBe(lines);
      expect(total(samples, 'slo_domain:slo_events_total')).toBe(lines);
    });

  /** Stops the run with SIGTERM (exit 0) and checks the store holds lines 0..`lines`-1 exactly once. */
  async function stopAndCheckStore(run: EventsRun, lines: number): Promise<void> {
    expect(await run.stop('SIGTERM')).toBe(0);
    const expected = expectedCounts(0, lines);
    expect(storeTotals(database)).toEqual({ good: expected.good, bad: expected.bad });
    expect(storeTotalsByKey(database)).toEqual(expected.byKey);
  }

  it('rename and create: the rest of the renamed file, then the new file from its start', async () => {
    setUp(300);
    const run = await start();
    await readAll(run, 300);
    renameSync(log, `${log}.1`);
    // The application still writes to the file it has open until it reopens the path.
    appendFileSync(`${log}.1`, accessLines(300, 50));
    appendFileSync(log, accessLines(350, 150));
    await readAll(run, 500);
    appendFileSync(log, accessLines(500, 100));
    await readAll(run, 600);
    await stopAndCheckStore(run, 600);
  });

  it('copytruncate: the file copied away and truncated, then written past the old offset', async () => {
    setUp(300);
    const run = await start();
    await readAll(run, 300);
    copyFileSync(log, `${log}.1`);
    // Truncated and written longer than before in one go: the tailer may only ever see the file grow again,
    // so it has to notice that its first bytes changed.
    truncateSync(log, 0);
    appendFileSync(log, accessLines(300, 400));
    await readAll(run, 700);
    await stopAndCheckStore(run, 700);
  });

  it('truncation: a file truncated and written shorter than the old offset is read from its start', async () => {
    setUp(300);
    const run = await start();
    await readAll(run, 300);
    truncateSync(log, 0);
    appendFileSync(log, accessLines(300, 50));
    await readAll(run, 350);
    appendFileSync(log, accessLines(350, 50));
    await readAll(run, 400);
    await stopAndCheckStore(run, 400);
  });

  /** The offset the positions file holds (slokit's positions file: `{positions: {<path>: {offset, ...}}}`). */
  const savedOffset = (): number => {
    const { positions } = JSON.parse(readFileSync(join(dir.root, 'access.log.pos'), 'utf8'));
    return (Object.values(positions)[0] as { offset: number }).offset;
  };
  /** Lines of the log before byte `offset`. */
  const linesBefore = (offset: number) =>
    readFileSync(log)
      .subarray(0, offset)
      .reduce((count, byte) => count + (byte === 0x0a ? 1 : 0), 0);

  it('SIGTERM, lines written while stopped, then a restart: it resumes after the last line read', async () => {
    setUp(300);
    const first = await start();
    await readAll(first, 300);
    expect(await first.stop('SIGTERM')).toBe(0);
    appendFileSync(log, accessLines(300, 100));
    const second = await start();
    // This process reads only what the first one had not: its own counter starts at 0.
    await readAll(second, 100);
    await stopAndCheckStore(second, 400);
  });

  it('kill -9 between store flushes, then a restart: every line counted once', async () => {
    setUp(1000);
    const first = await start();
    let written = 1000;
    // Lines keep arriving, 20 every 20 ms, through the crash and while the process is down.
    const writer = setInterval(() => {
      appendFileSync(log, accessLines(written, 20));
      written += 20;
    }, 20);
    try {
      // Kill at a moment when the store holds some events but the positions file (saved every 100 ms) is
      // well past them: the events counted in memory since the last flush are lost with the process, and a
      // restart that resumed from the positions file would lose their lines for good.
      await vi.waitFor(
        () => {
          expect(existsSync(database)).toBe(true);
          const stored = storeTotals(database);
          expect(stored.good + stored.bad).toBeGreaterThan(0);
          expect(linesBefore(savedOffset())).toBeGreaterThan(stored.good + stored.bad + 20);
        },
        { timeout: 60_000, interval: 50 },
      );
      expect(await first.stop('SIGKILL')).toBe('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      clearInterval(writer);
    }
    const second = await start();
    // Done when the tailer's saved offset reached the end of the file.
    await waitForMetrics(second.url, (samples) =>
      expect(total(samples, 'slo_exporter_tailer_file_offset_bytes')).toBe(statSync(log).size),
    );
    await stopAndCheckStore(second, written);
  });
});
