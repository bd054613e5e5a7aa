/**
 * Deadlines for work slokit does not control (backend and exporter calls, plugin module loads): the caller
 * stops waiting after a number of seconds. The work itself cannot be cancelled (a plugin's promise has no
 * abort), so it may go on in the background; the CLI ends the process when the run is done.
 */

/** Default deadline of one backend call, exporter call or plugin module load, in seconds. */
export const DEFAULT_CALL_TIMEOUT = 60;

/** Shortest accepted timeout or deadline, seconds: below this no request to a real server can answer. */
export const MIN_TIMEOUT_SECONDS = 0.01;
/** Longest accepted timeout or deadline, seconds (one day): well inside Node's timer limit (24.8 days). */
export const MAX_TIMEOUT_SECONDS = 86_400;
/** The accepted range, as messages say it. */
export const TIMEOUT_RANGE = `between ${MIN_TIMEOUT_SECONDS} and ${MAX_TIMEOUT_SECONDS} seconds (1 day)`;

/** Raised when a deadline passes; the message says what timed out and after how long. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/** `3` → "3 s", `0.5` → "0.5 s". */
const seconds = (s: number) => `${s} s`;

/**
 * Resolves or rejects as `work` does, or rejects with `TimeoutError("<what> timed out after <n> s")` once
 * `timeoutSeconds` (seconds, > 0) have passed. The timer never keeps the process alive (unref) and is
 * cleared as soon as `work` settles.
 */
export function withDeadline<T>(work: Promise<T>, timeoutSeconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TimeoutError(`${what} timed out after ${seconds(timeoutSeconds)}`)),
      timeoutSeconds * 1000,
    );
    timer.unref();
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
