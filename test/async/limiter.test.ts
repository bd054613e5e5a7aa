import { describe, expect, it } from 'vitest';
import { createLimiter, mapLimit } from '../../src/async/limiter.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('createLimiter', () => {
  it('never runs more than its bound, even for calls arriving while a slot is handed over', async () => {
    const limit = createLimiter(2);
    let running = 0;
    let peak = 0;
    const job = () =>
      limit(async () => {
        running++;
        peak = Math.max(peak, running);
        await tick();
        running--;
      });
    const first = Array.from({ length: 5 }, job);
    await tick();
    const late = Array.from({ length: 5 }, job); // queued while earlier ones release
    await Promise.all([...first, ...late]);
    expect(peak).toBe(2);
  });

  it('releases the slot when the call throws', async () => {
    const limit = createLimiter(1);
    await expect(limit(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limit(async () => 'next')).resolves.toBe('next');
  });
});

describe('mapLimit', () => {
  it('keeps input order', async () => {
    const out = await mapLimit([3, 1, 2], 2, async (n) => {
      await new Promise((resolve) => setTimeout(resolve, n));
      return n * 10;
    });
    expect(out).toEqual([30, 10, 20]);
  });
});
