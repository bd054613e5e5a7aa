import { describe, expect, it } from 'vitest';
import { KeyedOnce } from '../../src/async/keyed-once.js';

describe('KeyedOnce', () => {
  it('starts the work of a key once and shares its promise with every caller of that key', async () => {
    const cache = new KeyedOnce<number>('remember');
    let starts = 0;
    const start = async () => ++starts;
    const results = await Promise.all([cache.get('a', start), cache.get('a', start), cache.get('b', start)]);
    expect(results).toEqual([1, 1, 2]);
    expect(starts).toBe(2);
  });

  it("'remember' gives every later caller the first failure without starting again", async () => {
    const cache = new KeyedOnce<number>('remember');
    let starts = 0;
    const failing = async () => {
      starts++;
      throw new Error(`attempt ${starts}`);
    };
    await expect(cache.get('k', failing)).rejects.toThrow('attempt 1');
    await expect(cache.get('k', failing)).rejects.toThrow('attempt 1');
    expect(starts).toBe(1);
  });

  it("'forget' lets the next caller start again after a failure, and keeps successes", async () => {
    const cache = new KeyedOnce<string>('forget');
    let starts = 0;
    const flaky = async () => {
      if (++starts === 1) throw new Error('first fails');
      return 'second works';
    };
    await expect(cache.get('k', flaky)).rejects.toThrow('first fails');
    await expect(cache.get('k', flaky)).resolves.toBe('second works');
    await expect(cache.get('k', flaky)).resolves.toBe('second works');
    expect(starts).toBe(2);
  });

  it('turns a synchronous throw of the work into a rejection', async () => {
    const cache = new KeyedOnce<never>('remember');
    const promise = cache.get('k', () => {
      throw new TypeError('sync');
    });
    await expect(promise).rejects.toThrow(TypeError);
  });
});
