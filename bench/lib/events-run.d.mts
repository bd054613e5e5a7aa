/** Types of `events-run.mjs`, for the TypeScript tests. */
import type { ChildProcess } from 'node:child_process';

export const MAIN: string;

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
  /** Sends `signal` (default SIGTERM) and resolves with the exit code; SIGKILL after `timeoutMs` (20 s). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
}

export function startEventsRun(
  args: readonly string[],
  options: { cwd: string; timeoutMs?: number; stdin?: 'ignore' | 'pipe' },
): Promise<EventsRun>;
