/**
 * One promise per key: the first caller of a key starts the work, later callers of the same key share its
 * promise. This is the one mechanism behind every "do it once" cache in slokit (backend instances and calls
 * of a run, PromQL queries of a backend instance, plugin modules and classes), so that what is shared, and
 * what happens when the work fails, is decided in one place.
 *
 * Sharing is only safe when the key captures *everything* the work depends on: callers build keys with
 * `stableKey` from the whole input, never from a convenient subset.
 *
 * Written here rather than taken from p-memoize: that library memoises a function by its arguments for the
 * function's lifetime, while these caches live exactly as long as one run or one instance and need an
 * explicit, per-cache choice about remembering failures.
 */

/** What a cache does with work that failed. */
export type FailurePolicy =
  /** Remember the rejection: every caller of the key gets the same error (one run's answer is final). */
  | 'remember'
  /** Forget it: the next caller retries (loading a module that may be fixed, a transient failure). */
  | 'forget';

/** A keyed cache of promises. */
export class KeyedOnce<V> {
  readonly #pending = new Map<string, Promise<V>>();
  readonly #onFailure: FailurePolicy;

  constructor(onFailure: FailurePolicy) {
    this.#onFailure = onFailure;
  }

  /**
   * The promise for `key`: started by calling `start` if no caller asked for `key` before (or its earlier
   * attempt failed under the `forget` policy). A synchronous throw from `start` becomes a rejection.
   */
  get(key: string, start: () => Promise<V> | V): Promise<V> {
    let pending = this.#pending.get(key);
    if (pending) return pending;
    pending = (async () => start())();
    this.#pending.set(key, pending);
    if (this.#onFailure === 'forget') {
      pending.catch(() => {
        if (this.#pending.get(key) === pending) this.#pending.delete(key);
      });
    }
    return pending;
  }

  /** Number of keys held (started and not forgotten). */
  get size(): number {
    return this.#pending.size;
  }
}
