import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SharedConfig } from '../../src/config/schema.js';
import type { PolicyStep, SloConfig, ValidReport } from '../../src/domain/types.js';
import { compute } from '../../src/engine/compute.js';
import { tempDir } from '../helpers/tmp.js';

// A real plugin module on disk whose answer depends on the window, so each window's report can be told apart.
const dir = tempDir('slokit-short-window-');
interface Call {
  timestamp: number;
  window: number;
}
const calls = (): Call[] => (globalThis as unknown as { __calls: Call[] }).__calls;

beforeAll(() => {
  dir.write(
    'custom/windows.js',
    `const ANSWERS = { 3600: [900, 100], 300: [80, 20], 21600: [990, 10], 1800: [999, 1] };
export class Windows {
  good_bad_ratio(timestamp, window) {
    globalThis.__calls.push({ timestamp, window });
    if (window === 60) throw new Error('short window query failed');
    return ANSWERS[window] ?? [-1, -1];
  }
}
`,
  );
});
afterAll(() => dir.cleanup());
beforeEach(() => {
  (globalThis as unknown as { __calls: Call[] }).__calls = [];
});

const BACKEND = 'custom.windows.Windows';
const step = (name: string, window: number, shortWindow?: number): PolicyStep => ({
  name,
  window,
  ...(shortWindow === undefined ? {} : { short_window: shortWindow }),
  burn_rate_threshold: 9,
  message_alert: 'page',
  message_ok: 'ok',
});
const shared = (steps: PolicyStep[]): SharedConfig => ({
  backends: { [BACKEND]: {} },
  exporters: {},
  default_exporters: [],
  error_budget_policies: { default: { steps } },
});
const slo: SloConfig = {
  apiVersion: 'sre.google.com/v2',
  kind: 'ServiceLevelObjective',
  metadata: { name: 'api' },
  spec: {
    description: 'api',
    backend: BACKEND,
    method: 'good_bad_ratio',
    service_level_indicator: {},
    goal: 0.99,
  },
};
const run = (steps: PolicyStep[], dedup = true) =>
  compute([slo], shared(steps), { timestamp: 1700000000.5, pluginDirs: [dir.root], dedup });

describe('compute with multiwindow steps', () => {
  it('asks for the short window at the run timestamp and reports both windows', async () => {
    const result = await run([step('page fast', 3600, 300), step('page slow', 21600, 1800)]);
    const [fast, slow] = result.results[0]!.reports as ValidReport[];
    expect(
      calls()
        .map((c) => c.window)
        .sort((a, b) => a - b),
    ).toEqual([300, 1800, 3600, 21600]);
    expect(new Set(calls().map((c) => c.timestamp))).toEqual(new Set([1700000000.5]));
    expect(fast).toMatchObject({
      window: 3600,
      error_budget_burn_rate: 10,
      short_window: 300,
      short_window_error_budget_burn_rate: 20,
      short_window_good_events_count: 80,
      alert: true,
    });
    expect(slow).toMatchObject({
      error_budget_burn_rate: 1,
      short_window: 1800,
      short_window_error_budget_burn_rate: 0.1,
      alert: false,
    });
  });

  it('shares identical calls: a short window equal to another step window is asked once', async () => {
    const result = await run([step('1h/5m', 3600, 300), step('5m', 300), step('1h', 3600)]);
    expect(
      calls()
        .map((c) => c.window)
        .sort((a, b) => a - b),
    ).toEqual([300, 3600]);
    expect(result.backendCalls).toBe(2);
    const [multi, five, hour] = result.results[0]!.reports as ValidReport[];
    expect(multi!.short_window_sli_measurement).toBe(five!.sli_measurement);
    expect(hour!.short_window).toBeUndefined();
    await run([step('1h/5m', 3600, 300), step('5m', 300), step('1h', 3600)], false);
    expect(calls()).toHaveLength(2 + 4);
  });

  it('a failing short window makes only its step invalid, naming the short window', async () => {
    const result = await run([step('1h/1m', 3600, 60), step('1h', 3600)]);
    const [failed, hour] = result.results[0]!.reports;
    expect(failed).toEqual({
      metadata: slo.metadata,
      errors: [
        'short window (60s): Error: short window query failed',
        'short window (60s): Backend returned None.',
      ],
      error_budget_policy_step_name: '1h/1m',
      valid: false,
    });
    expect(hour!.valid).toBe(true);
  });

  it('an empty short window keeps the step valid and silent', async () => {
    const result = await run([step('1h/2m', 3600, 120)]);
    expect(result.results[0]!.reports[0]).toMatchObject({
      valid: true,
      error_budget_burn_rate: 10,
      short_window_sli_measurement: null,
      short_window_error_budget_burn_rate: null,
      alert: false,
    });
  });

  it('says a missing backend once for both windows of the step', async () => {
    const result = await compute(
      [{ ...slo, spec: { ...slo.spec, backend: 'nope' } }],
      shared([step('s', 3600, 300)]),
      {
        timestamp: 1700000000,
        pluginDirs: [dir.root],
      },
    );
    const [report] = result.results[0]!.reports;
    expect(report!.valid).toBe(false);
    expect(report!.errors).toHaveLength(2);
    expect(report!.errors[0]).toMatch(/^backend "nope" is not defined/);
    expect(report!.errors[1]).toBe('Backend returned None.');
    expect(calls()).toEqual([]);
  });
});
