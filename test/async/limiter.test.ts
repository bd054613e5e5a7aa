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

  it("hands a finishing call's slot to the oldest waiter: a call arriving at that moment waits its turn", async () => {
    const limit = createLimiter(1);
    const order: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const first = limit(() => {
      order.push('first');
      return gate;
    });
    const waiter = limit(async () => {
      order.push('waiter');
    });
    await tick();
    // This newcomer asks for a slot the moment the running call's promise settles, before the waiter could
    // resume: a limiter that frees the slot and lets the waiter re-compete would run the newcomer first.
    const newcomer = gate.then(() =>
      limit(async () => {
        order.push('newcomer');
      }),
    );
    open();
    await Promise.all([first, waiter, newcomer]);
    expect(order).toEqual(['first', 'waiter', 'newcomer']);
  });

  it('starts waiters in arrival order', async () => {
    const limit = createLimiter(2);
    const started: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        limit(async () => {
          started.push(i);
          await tick();
        }),
      ),
    );
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
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
