import { describe, expect, it } from 'vitest';
import {
  BURN_RATE_WINDOWS,
  burnRateFactor,
  periodProblem,
  prometheusDuration,
  sliWindows,
} from '../../src/alerting/windows.js';

const DAY = 86_400;

describe('burn-rate windows', () => {
  it("gives the workbook's factors for a 30-day period: 14.4, 6, 3, 1", () => {
    expect(BURN_RATE_WINDOWS.map((w) => burnRateFactor(w, 30 * DAY))).toEqual([14.4, 6, 3, 1]);
  });

  it('derives factors for other periods from the share of budget spent in the long window', () => {
    // 28d: 2 % x 672 h / 1 h, 5 % x 672 h / 6 h, 10 % x 672 h / 24 h, 10 % x 672 h / 72 h.
    const factors = BURN_RATE_WINDOWS.map((w) => burnRateFactor(w, 28 * DAY));
    expect(factors.map((f) => Number(f.toFixed(10)))).toEqual([13.44, 5.6, 2.8, 0.9333333333]);
    // Whatever the period, the page at the quick pair spends 2 % of it: factor x 1h / period.
    expect((burnRateFactor(BURN_RATE_WINDOWS[0]!, 90 * DAY) * 3600) / (90 * DAY)).toBeCloseTo(0.02, 12);
  });

  it('lists the SLI windows ascending, then the period', () => {
    expect(sliWindows(30 * DAY)).toEqual([300, 1800, 3600, 7200, 21_600, DAY, 3 * DAY, 30 * DAY]);
  });

  it('refuses periods not longer than the longest alert window', () => {
    expect(periodProblem(3 * DAY)).toMatch(/longer than the longest alert window \(3d\)/);
    expect(periodProblem(7 * DAY)).toBeUndefined();
    expect(periodProblem(7.5)).toMatch(/whole number of seconds/);
  });

  it.each([
    [300, '5m'],
    [DAY, '1d'],
    [28 * DAY, '4w'],
    [30 * DAY, '30d'],
    [365 * DAY, '1y'],
    [5400, '1h30m'],
    [0.5, '500ms'],
  ])('prints %d s as Prometheus does: %s', (seconds, text) => {
    expect(prometheusDuration(seconds)).toBe(text);
  });
});
