import { describe, expect, it } from 'vitest';
import type { SloConfig } from '../../src/domain/types.js';
import { groupByInterval, Scheduler, type SchedulerObserver } from '../../src/engine/scheduler.js';

/** An observer recording what the scheduler reports. */
function recorder() {
  const events: string[] = [];
  const observer: SchedulerObserver = {
    runFinished: (job, seconds, failed) => {
      expect(seconds).toBeGreaterThanOrEqual(0);
      events.push(`${job} ${failed ? 'failed' : 'ran'}`);
    },
    runSkipped: (job) => events.push(`${job} skipped`),
  };
  return { events, observer };
}

/** A promise with its resolve function. */
function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('Scheduler', () => {
  it('skips a tick while the previous run of the job is going, and counts it, never stacking runs', async () => {
    const { events, observer } = recorder();
    const slow = gate();
    let started = 0;
    const scheduler = new Scheduler(
      [
        {
          name: '1m',
          intervalSeconds: 60,
          run: async () => {
            started++;
            await slow.promise;
          },
        },
      ],
      { observer },
    );
    const first = scheduler.tick('1m');
    expect(await scheduler.tick('1m')).toBe('skipped');
    expect(await scheduler.tick('1m')).toBe('skipped');
    expect(started).toBe(1);
    slow.open();
    expect(await first).toBe('ran');
    expect(await scheduler.tick('1m')).toBe('ran');
    expect(started).toBe(2);
    expect(events).toEqual(['1m skipped', '1m skipped', '1m ran', '1m ran']);
  });

  it('counts a failed run, runs the job again at the next tick, and leaves other jobs alone', async () => {
    const { events, observer } = recorder();
    let calls = 0;
    const scheduler = new Scheduler(
      [
        {
          name: 'flaky',
          intervalSeconds: 60,
          run: async () => {
            if (++calls === 1) throw new Error('backend down');
          },
        },
        { name: 'steady', intervalSeconds: 300, run: async () => {} },
      ],
      { observer },
    );
    expect(await scheduler.tick('flaky')).toBe('failed');
    expect(await scheduler.tick('steady')).toBe('ran');
    expect(await scheduler.tick('flaky')).toBe('ran');
    expect(events).toEqual(['flaky failed', 'steady ran', 'flaky ran']);
  });

  it('runs every job at start, and after stop() waits for runs in progress and runs nothing more', async () => {
    const { events, observer } = recorder();
    const slow = gate();
    const scheduler = new Scheduler(
      [
        { name: 'a', intervalSeconds: 3600, run: () => slow.promise },
        { name: 'b', intervalSeconds: 3600, run: async () => {} },
      ],
      { observer },
    );
    scheduler.start();
    await new Promise((resolve) => setImmediate(resolve));
    let stopped = false;
    const stopping = scheduler.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    slow.open();
    await stopping;
    expect(events.sort()).toEqual(['a ran', 'b ran']);
    expect(await scheduler.tick('a')).toBe('skipped');
  });

  it('refuses two jobs of one name and non-positive intervals', () => {
    const run = async () => {};
    expect(
      () =>
        new Scheduler([
          { name: 'x', intervalSeconds: 1, run },
          { name: 'x', intervalSeconds: 2, run },
        ]),
    ).toThrow('two scheduled jobs are named "x"');
    expect(() => new Scheduler([{ name: 'y', intervalSeconds: 0, run }])).toThrow(
      'job "y": interval must be positive',
    );
  });
});

describe('groupByInterval', () => {
  const slo = (name: string) => ({ metadata: { name } }) as SloConfig;

  it('groups SLOs by their interval, shortest first, keeping their order', () => {
    const intervals: Record<string, number> = { b: 300 };
    const groups = groupByInterval([slo('a'), slo('b'), slo('c')], (name) => intervals[name] ?? 60);
    expect(groups.map((g) => [g.intervalSeconds, g.slos.map((s) => s.metadata.name)])).toEqual([
      [60, ['a', 'c']],
      [300, ['b']],
    ]);
  });
});
