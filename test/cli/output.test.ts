import { describe, expect, it } from 'vitest';
import { colorEnabled, renderTable } from '../../src/cli/output.js';
import { buildReport } from '../../src/domain/report.js';
import type { PolicyStep, SloConfig } from '../../src/domain/types.js';

describe('colorEnabled', () => {
  it('colours a terminal and nothing else by default', () => {
    expect(colorEnabled({}, true)).toBe(true);
    expect(colorEnabled({}, false)).toBe(false);
  });

  it('honours NO_COLOR when set and not empty (https://no-color.org)', () => {
    expect(colorEnabled({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colorEnabled({ NO_COLOR: '' }, true)).toBe(true);
  });

  it('honours FORCE_COLOR before NO_COLOR and the terminal, with the values Node accepts', () => {
    for (const value of ['', '1', 'true', '2', '3']) {
      expect(colorEnabled({ FORCE_COLOR: value, NO_COLOR: '1' }, false)).toBe(true);
    }
    for (const value of ['0', 'false']) expect(colorEnabled({ FORCE_COLOR: value }, true)).toBe(false);
  });
});

describe('renderTable with multiwindow steps', () => {
  const slo: SloConfig = {
    apiVersion: 'sre.google.com/v2',
    kind: 'ServiceLevelObjective',
    metadata: { name: 'api' },
    spec: {
      description: '',
      backend: 'prometheus',
      method: 'good_bad_ratio',
      service_level_indicator: {},
      goal: 0.99,
    },
  };
  const step = (name: string, shortWindow?: number): PolicyStep => ({
    name,
    window: 3600,
    ...(shortWindow === undefined ? {} : { short_window: shortWindow }),
    burn_rate_threshold: 9,
    message_alert: 'page',
    message_ok: 'ok',
  });
  const report = (name: string, short: unknown, shortWindow = 300) =>
    buildReport({
      slo,
      step: step(name, shortWindow),
      timestamp: 0,
      result: [900, 100],
      shortWindow: { result: short },
    });

  it("shows the short window's burn rate beside the alert decision", () => {
    const table = renderTable(
      [
        report('paging', [80, 20]),
        report('recovered', [999, 1], 1800),
        report('quiet', [-1, -1]),
        buildReport({ slo, step: step('single'), timestamp: 0, result: [900, 100] }),
      ],
      false,
    );
    const alerts = table
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((line) => line.split(/ {2,}/)[8]);
    expect(alerts).toEqual(['ALERT (5m: 20.0)', 'ok (30m: 0.1)', 'ok (5m: no data)', 'ALERT']);
  });

  it('colours a multiwindow alert red and a silent one green', () => {
    const table = renderTable([report('paging', [80, 20]), report('quiet', [-1, -1])], true);
    expect(table).toContain('\u001b[31mALERT (5m: 20.0)');
    expect(table).toContain('\u001b[32mok (5m: no data)');
  });
});

describe('renderTable BUDGET LEFT column', () => {
  const slo = (goal: number): SloConfig => ({
    apiVersion: 'sre.google.com/v2',
    kind: 'ServiceLevelObjective',
    metadata: { name: 'api' },
    spec: {
      description: '',
      backend: 'prometheus',
      method: 'good_bad_ratio',
      service_level_indicator: {},
      goal,
    },
  });
  const step: PolicyStep = {
    name: '1h',
    window: 3600,
    burn_rate_threshold: 9,
    message_alert: 'page',
    message_ok: 'ok',
  };
  const cell = (goal: number, result: [number, number]) => {
    const table = renderTable([buildReport({ slo: slo(goal), step, timestamp: 0, result })], false);
    const [header, line] = table.trimEnd().split('\n');
    const start = header!.indexOf('BUDGET LEFT');
    return line!.slice(start).split(/\s{2,}/)[0];
  };

  it('shows the share of the error budget left: 1 bad in 1000 of a 1% budget leaves 90%', () => {
    expect(cell(0.99, [999, 1])).toBe('90.0%');
  });

  it('goes negative when the budget is overspent (5% bad of a 1% budget: -400%)', () => {
    expect(cell(0.99, [95, 5])).toBe('-400.0%');
  });

  it('shows "-" when a goal of 1 leaves no budget', () => {
    expect(cell(1, [1000, 0])).toBe('-');
  });
});
