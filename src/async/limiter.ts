/**
 * Bounded concurrency over p-limit. p-limit queues every call first-in first-out and a finishing call starts
 * the oldest waiter, so no newcomer slips in ahead of a waiting call (test/async/limiter.test.ts checks this
 * hand-off for the installed version).
 */
import pLimit from 'p-limit';

/** A semaphore: `limit(fn)` runs `fn` when fewer than `max` (≥ 1) limited calls are running. */
export function createLimiter(max: number): <R>(fn: () => Promise<R>) => Promise<R> {
  const limit = pLimit(Math.max(1, max));
  return (fn) => limit(fn);
}

/** Runs `worker` over `items` with at most `limit` in flight; results in input order. */
export function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  worker: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const run = createLimiter(limit);
  return Promise.all(items.map((item, index) => run(() => worker(item, index))));
}
