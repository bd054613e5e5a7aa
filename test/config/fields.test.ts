import { describe, expect, it } from 'vitest';
import { durationSchema, minValidEventsSchema } from '../../src/config/fields.js';
import { MIN_VALID_EVENTS_EXPECTED, parseMinValidEvents } from '../../src/config/min-valid-events.js';
import { policyStepSchema } from '../../src/config/schema.js';
import { historyExporter } from '../../src/exporters/history.js';
import { durationSeconds } from '../../src/lang/duration.js';

describe('durations', () => {
  it.each([
    [3600, false, 3600],
    ['1h', false, 3600],
    [' 28d ', true, 2_419_200],
    ['1h30m', true, 5400],
    ['1500ms', false, 1.5],
    ['1500ms', true, undefined], // windows are whole seconds
    [0.5, false, 0.5],
    [0.5, true, undefined],
    [0, false, undefined],
    ['0', false, undefined],
    [-60, false, undefined],
    [Number.POSITIVE_INFINITY, false, undefined],
    ['1 hour', false, undefined],
    ['', false, undefined],
    [true, false, undefined],
  ])('%j (integer: %s) → %s seconds', (value, integer, seconds) => {
    expect(durationSeconds(value, integer)).toBe(seconds);
  });

  it('is the one schema of policy windows and history retention', () => {
    const step = { name: 's', burn_rate_threshold: 1 };
    expect(policyStepSchema.parse({ ...step, window: '7d' }).window).toBe(604_800);
    const window = policyStepSchema.safeParse({ ...step, window: '90m30ms' });
    expect(window.error?.issues[0]?.message).toBe(
      'expected a positive whole number of seconds or a duration such as "90d", "12h", "1h30m" (units y, w, d, h, m, s, ms), got "90m30ms"',
    );
    expect(historyExporter.configSchema.parse({ retention: '90m30ms' })).toMatchObject({
      retention: 5400.03,
    });
    const schema = durationSchema({ integer: false, description: 'x' });
    expect(schema.safeParse(null).error?.issues[0]?.message).toBe(
      'expected a positive number of seconds or a duration such as "90d", "12h", "1h30m" (units y, w, d, h, m, s, ms)',
    );
  });
});

describe('min_valid_events', () => {
  it.each([
    ['10', 10],
    [' 0 ', 0],
    ['1e3', 1000],
    ['', undefined],
    ['  ', undefined],
    ['-1', undefined],
    ['2.5', undefined],
    ['ten', undefined],
    ['9007199254740993', undefined],
  ])('parses %j from the environment or the command line as %s', (text, value) => {
    expect(parseMinValidEvents(text)).toBe(value);
  });

  it('accepts the same values in the shared config', () => {
    expect(minValidEventsSchema.parse(10)).toBe(10);
    for (const bad of [-1, 2.5, 2 ** 53])
      expect(minValidEventsSchema.safeParse(bad).error?.issues[0]?.message).toBe(MIN_VALID_EVENTS_EXPECTED);
    expect(minValidEventsSchema.safeParse(Number.NaN).success).toBe(false);
  });
});
