/**
 * `slokit events run` as a real process for the integration tests (contract: the "events server listening"
 * log line carries the URL; SIGTERM drains and exits 0), plus readers of what it exposes: `/metrics` samples
 * and the totals of its SQLite event store.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import { HistoryStore } from '../../src/history/store.js';
import { type ParsedSample, parseExposition } from './pushgateway.js';

export const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/**
 * Whether the built CLI has `events run`. The suites that need it are skipped until the command is merged
 * (the lead removes this guard then); `events run --help` prints the `events` help without it.
 */
export function eventsRunAvailable(): boolean {
  if (!existsSync(MAIN)) throw new Error('dist/ is missing: run `npm run build` first');
  const help = spawnSync(process.execPath, [MAIN, 'events', 'run', '--help'], { encoding: 'utf8' });
  return help.stdout.includes('Usage: slokit events run');
}

/** A running `slokit events run`. */
export interface EventsRun {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>`, from the "events server listening" log line. */
  url: string;
  /** `127.0.0.1:<port>`, a scrape target. */
  target: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  exited: Promise<number | string>;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code; SIGKILL after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
}

/**
 * Starts `node dist/cli/main.js events run <args>` in `cwd` and waits for its "events server listening" line
 * (at most `timeoutMs`). Throws with the process' stderr when it exits first or never says it listens.
 */
export async function startEventsRun(
  args: readonly string[],
  cwd: string,
  timeoutMs = 20_000,
): Promise<EventsRun> {
  const child = spawn(process.execPath, [MAIN, 'events', 'run', ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`events run did not listen within ${timeoutMs} ms: ${err}`)),
      timeoutMs,
    );
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      const found = listeningUrl(err);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`events run exited (${code}) before listening: ${err}`));
    });
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', stopTimeoutMs = 20_000) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  return { child, url, target: new URL(url).host, stdout: () => out, stderr: () => err, exited, stop };
}

/** The `url` of the pino JSON line whose `msg` is "events server listening", if printed yet. */
function listeningUrl(stderr: string): string | undefined {
  for (const line of stderr.split('\n')) {
    if (!line.includes('events server listening')) continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'events server listening' && entry.url) return entry.url;
    } catch {
      // A partial line: the rest comes with the next chunk.
    }
  }
  return undefined;
}

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
