/**
 * `serve` backfills `history.backfill`'s lookback on start when the history is empty: /healthz answers and
 * the scheduler runs meanwhile, /readyz and the Dashboard line wait for it. The backfill's backend calls (integral hour instants) wait on a gate the test
 * opens, so "during the backfill" is a state, not a timing.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HistoryStore } from '../../src/history/store.js';
import { startServe } from './serve-fixtures.js';

/** The gate lives on globalThis: the plugin module is imported by the engine, in this process. */
interface Gate {
  opened: Promise<void>;
  open(): void;
}
const GATE_KEY = '__slokitServeBackfillGate';
const gates = globalThis as unknown as Record<string, Gate | undefined>;

/** Answers 9999/1; calls at an hour instant (the backfill's, never the scheduler's fractional now) wait. */
const GATED_BACKEND = `export class FixedBackend {
  async good_bad_ratio(timestamp) {
    if (timestamp % 3600 === 0) await globalThis.${GATE_KEY}.opened;
    return [9999, 1];
  }
}
`;

const BACKFILL = 'history: { backfill: { lookback: 2h, every: 1h } }\n';

let running: Awaited<ReturnType<typeof startServe>> | undefined;
afterEach(async () => {
  gates[GATE_KEY]?.open();
  await running?.stop();
  running = undefined;
});

function newGate(): Gate {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  const gate = { opened, open };
  gates[GATE_KEY] = gate;
  return gate;
}

const reportsAtHours = (database: string) => {
  const history = new HistoryStore(database, { readonly: true });
  try {
    return history
      .reports({ slo: 'checkout', includeReport: false })
      .filter((r) => r.timestamp % 3600 === 0)
      .map((r) => `${r.slo} ${r.step} ${r.timestamp}`);
  } finally {
    history.close();
  }
};

describe('serve: backfill on start', () => {
  it('answers /healthz at once, keeps /readyz 503 and the Dashboard line until the backfill is stored', async () => {
    const gate = newGate();
    running = await startServe({
      slos: ['checkout'],
      extra: BACKFILL,
      files: { 'fixed.js': GATED_BACKEND },
      waitReady: false,
    });
    const { base } = running;
    expect(await (await fetch(`${base}/healthz`)).text()).toBe('ok');
    // The scheduler's first run (at now, not gated) is in the API while the backfill waits.
    await vi.waitFor(
      async () => {
        const slo = (await (await fetch(`${base}/api/slos/checkout`)).json()) as { status: string };
        expect(slo.status).toBe('ok');
      },
      { timeout: 10_000 },
    );
    const readyz = await fetch(`${base}/readyz`);
    expect(readyz.status).toBe(503);
    expect(await readyz.text()).toBe('backfilling history');
    expect(running.stdout.join('')).not.toContain('Dashboard:');
    expect(running.lines.map((l) => l.message)).toContain('backfill on start: the history is empty');

    gate.open();
    await vi.waitFor(async () => expect((await fetch(`${base}/readyz`)).status).toBe(200), {
      timeout: 10_000,
    });
    expect(running.stdout.join('')).toBe(`Dashboard: ${base}/\n`);
    const done = running.lines.find((l) => l.message === 'backfill done')!;
    // [now - 2h, now] holds 2 hour instants (3 when now is one); 2 steps each.
    const instants = done.fields.instants as number;
    expect([2, 3]).toContain(instants);
    expect(done.fields).toMatchObject({ stored: instants * 2, skipped: 0, invalid: 0 });
    expect(running.lines.filter((l) => l.message === 'backfill progress').length).toBe(instants);
    expect(reportsAtHours(join(running.dir.root, '.slokit/history.db'))).toHaveLength(instants * 2);
  });

  it('a shutdown during the backfill neither turns ready nor prints the Dashboard line', async () => {
    const gate = newGate();
    const started = await startServe({
      slos: ['checkout'],
      extra: BACKFILL,
      files: { 'fixed.js': GATED_BACKEND },
      waitReady: false,
    });
    await vi.waitFor(() =>
      expect(started.lines.map((l) => l.message)).toContain('backfill on start: the history is empty'),
    );
    const stopped = started.stop();
    // The instants in flight end once their backend calls answer; the shutdown waits for them.
    gate.open();
    expect(await stopped).toBe(0);
    expect(started.stdout.join('')).toBe('');
    expect(started.lines.map((l) => l.message)).toContain('backfill done');
  });
});
