import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { buildReport, validateResult } from '../../src/domain/report.js';
import type { PolicyStep, SloConfig, ValidReport } from '../../src/domain/types.js';

interface OracleCase {
  label: string;
  goal: number;
  window: number;
  threshold: number;
  result: [number, number] | number;
  min_valid_events: number;
  expected: Record<string, number | boolean>;
}
// Expected values computed by Python's float arithmetic and round() (see report-oracle.py).
const oracle = JSON.parse(
  readFileSync(new URL('../fixtures/report-oracle.json', import.meta.url), 'utf8'),
) as OracleCase[];

const slo = (goal: number): SloConfig => ({
  apiVersion: 'sre.google.com/v2',
  kind: 'ServiceLevelObjective',
  metadata: { name: 'svc-feat-slo', labels: { service_name: 'svc', feature_name: 'feat', slo_name: 'slo' } },
  spec: {
    description: 'test SLO',
    backend: 'prometheus',
    method: 'good_bad_ratio',
    service_level_indicator: {},
    goal,
  },
});
const step = (window: number, threshold: number): PolicyStep => ({
  name: '1 hour',
  window,
  burn_rate_threshold: threshold,
  message_alert: 'Page to defend the SLO',
  message_ok: 'Last hour on track',
});

describe('buildReport against the Python oracle', () => {
  it.each(oracle)('$label', (c) => {
    const result = Array.isArray(c.result) ? ([c.result[0], c.result[1]] as const) : c.result;
    const report = buildReport({
      slo: slo(c.goal),
      step: step(c.window, c.threshold),
      timestamp: 1702660513.987654,
      result,
      minValidEvents: c.min_valid_events,
    });
    expect(report.valid).toBe(true);
    const valid = report as ValidReport;
    for (const [field, value] of Object.entries(c.expected)) {
      expect(valid[field as keyof ValidReport], field).toBe(value);
    }
  });
});

describe('buildReport fields', () => {
  it('keeps slo-generator field order and copies spec and metadata', () => {
    const report = buildReport({
      slo: slo(0.99),
      step: step(3600, 1),
      timestamp: 1702660513.987654,
      result: [5, 5],
    });
    expect(Object.keys(report)).toEqual([
      'name',
      'description',
      'goal',
      'backend',
      'gap',
      'error_budget_policy_step_name',
      'error_budget_target',
      'error_budget_measurement',
      'error_budget_burn_rate',
      'error_budget_burn_rate_threshold',
      'error_budget_minutes',
      'error_budget_remaining_minutes',
      'error_minutes',
      'error_budget_consumed_ratio',
      'valid',
      'timestamp',
      'timestamp_human',
      'window',
      'alert',
      'consequence_message',
      'exporters',
      'error_budget_policy',
      'sli_measurement',
      'events_count',
      'bad_events_count',
      'good_events_count',
      'metadata',
      'errors',
    ]);
    const valid = report as ValidReport;
    expect(valid.name).toBe('svc-feat-slo');
    expect(valid.timestamp).toBe(1702660513);
    expect(valid.error_budget_policy).toBe('default');
    expect(valid.exporters).toEqual([]);
    expect(valid.consequence_message).toBe('Page to defend the SLO');
  });

  it('uses the three consequence messages', () => {
    const msg = (result: [number, number], threshold: number) =>
      (buildReport({ slo: slo(0.99), step: step(3600, threshold), timestamp: 0, result }) as ValidReport)
        .consequence_message;
    expect(msg([50, 50], 1)).toBe('Page to defend the SLO');
    expect(msg([995, 5], 1)).toBe('Last hour on track');
    expect(msg([985, 15], 2)).toBe('Missed for this measurement window, but not enough to alert');
  });

  it('direct SLIs carry NO_DATA counts', () => {
    const report = buildReport({
      slo: slo(0.99),
      step: step(3600, 1),
      timestamp: 0,
      result: 0.991,
    }) as ValidReport;
    expect([report.good_events_count, report.bad_events_count, report.events_count]).toEqual([-1, -1, -2]);
  });
});

describe('invalid reports', () => {
  const invalid = (result: unknown, minValidEvents = 1, errors: string[] = []) =>
    buildReport({ slo: slo(0.99), step: step(3600, 1), timestamp: 0, result, minValidEvents, errors });

  it.each([
    ['no result', undefined, 1, 'Backend returned None.'],
    [
      'wrong type',
      'oops',
      1,
      'Backend method returned an object of type str. It should instead return a tuple (good_count, bad_count) or a numeric SLI value (float / int).',
    ],
    [
      'object',
      { good: 1 },
      1,
      'Backend method returned an object of type dict. It should instead return a tuple (good_count, bad_count) or a numeric SLI value (float / int).',
    ],
    ['three items', [1, 2, 3], 1, 'Backend method returned a tuple with 3 items.Expected 2 items.'],
    [
      'non-numeric items',
      [{}, {}],
      1,
      'Backend method returned a tuple with some elements having a type different than float or int',
    ],
    [
      'null items',
      [null, 1],
      1,
      'Backend method returned a tuple with some elements having a type different than float or int',
    ],
    [
      'both NO_DATA',
      [-1, -1],
      1,
      'Backend method returned a valid tuple (-1, -1) but the good and bad count is NO_DATA (-1).',
    ],
    ['no events', [0, 0], 1, 'Not enough valid events (0) found. Minimum valid events: 1.'],
    ['below minimum', [5, 4], 10, 'Not enough valid events (9) found. Minimum valid events: 10.'],
    [
      'raw NO_DATA counts in the minimum check',
      [5, -1],
      5,
      'Not enough valid events (4) found. Minimum valid events: 5.',
    ],
    ['numeric NO_DATA', -1, 1, 'Backend returned NO_DATA (-1).'],
    ['SLI above 1', [100, -5], 1, 'SLI is not between 0 and 1 (value = 1.052632)'],
    ['NaN SLI', Number.NaN, 1, 'SLI is not between 0 and 1 (value = nan)'],
  ])('%s', (_label, result, minValidEvents, message) => {
    const report = invalid(result, minValidEvents);
    expect(report).toEqual({
      metadata: slo(0.99).metadata,
      errors: [message],
      error_budget_policy_step_name: '1 hour',
      valid: false,
    });
    expect(Object.keys(report)).toEqual(['metadata', 'errors', 'error_budget_policy_step_name', 'valid']);
  });

  it('keeps a backend error before the None error, as slo-generator does', () => {
    expect(invalid(undefined, 1, ['Error: boom']).errors).toEqual(['Error: boom', 'Backend returned None.']);
  });

  it('accepts exactly the minimum number of events', () => {
    expect(validateResult([5, 5], 10)).toBeNull();
  });
});

describe('timestamp_human', () => {
  const original = process.env.TZ;
  afterEach(() => {
    process.env.TZ = original;
  });
  it.each([
    ['UTC', 1686845838, '2023-06-15T16:17:18+00:00'],
    ['Europe/Paris', 1686845838, '2023-06-15T18:17:18+02:00'],
    ['America/Chicago', 1686845838, '2023-06-15T11:17:18-05:00'],
    ['UTC', 1702660513.987654, '2023-12-15T17:15:13.987654+00:00'],
    ['Europe/Paris', 1702660513.987654, '2023-12-15T18:15:13.987654+01:00'],
    ['America/Chicago', 1702660513.987654, '2023-12-15T11:15:13.987654-06:00'],
  ])('%s %s', (tz, timestamp, expected) => {
    process.env.TZ = tz;
    const report = buildReport({
      slo: slo(0.99),
      step: step(3600, 1),
      timestamp,
      result: [1, 0],
    }) as ValidReport;
    expect(report.timestamp_human).toBe(expected);
  });
});
