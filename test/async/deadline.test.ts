import { afterEach, describe, expect, it, vi } from 'vitest';
import { TimeoutError, withDeadline } from '../../src/async/deadline.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('withDeadline', () => {
  it('settles as the work does when it finishes in time', async () => {
    await expect(withDeadline(Promise.resolve(42), 5, 'x')).resolves.toBe(42);
    await expect(withDeadline(Promise.reject(new RangeError('no')), 5, 'x')).rejects.toThrow(RangeError);
  });

  it('rejects with a TimeoutError saying what timed out and after how long', async () => {
    const error = await withDeadline(new Promise(() => {}), 0.05, 'backend call m of backend b').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe('backend call m of backend b timed out after 0.05 s');
  });

  it('uses a timer that never holds the process and is cleared as soon as the work settles', async () => {
    const set = vi.spyOn(globalThis, 'setTimeout');
    const clear = vi.spyOn(globalThis, 'clearTimeout');
    await withDeadline(Promise.resolve('done'), 60, 'x');
    const timer = set.mock.results[0]!.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    expect(clear).toHaveBeenCalledWith(timer);
  });
});
