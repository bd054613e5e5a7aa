/**
 * Field schemas used in several places of the config, written once: durations (policy windows, history
 * retention) and the minimum number of valid events (config key, `MIN_VALID_EVENTS`, `--min-valid-events`).
 */
import * as z from 'zod';
import { MAX_TIMEOUT_SECONDS, MIN_TIMEOUT_SECONDS, TIMEOUT_RANGE } from '../async/deadline.js';
import { durationSeconds } from '../lang/duration.js';
import { MIN_VALID_EVENTS_EXPECTED } from './min-valid-events.js';

/**
 * Zod schema of a duration field; its output is seconds (a number). `integer` requires whole seconds
 * (policy windows, which slo-generator requires to be ints).
 */
export function durationSchema({ integer, description }: { integer: boolean; description: string }) {
  const expected = `expected a positive${integer ? ' whole' : ''} number of seconds or a duration such as "90d", "12h", "1h30m" (units y, w, d, h, m, s, ms)`;
  return z
    .union([integer ? z.number().int().positive() : z.number().positive(), z.string()], { error: expected })
    .transform((value, ctx) => {
      const seconds = durationSeconds(value, integer);
      if (seconds === undefined) {
        ctx.addIssue({ code: 'custom', message: `${expected}, got ${JSON.stringify(value)}` });
        return z.NEVER;
      }
      return seconds;
    })
    .describe(description);
}

/** Schema of the shared config's `min_valid_events`; `parseMinValidEvents` (min-valid-events.ts) reads text the same way. */
export const minValidEventsSchema = z
  .number()
  .int(MIN_VALID_EVENTS_EXPECTED)
  .min(0, MIN_VALID_EVENTS_EXPECTED)
  .describe('Minimum good+bad events for a valid ratio report; overrides the MIN_VALID_EVENTS variable.');

/**
 * A timeout or deadline in seconds, between MIN_TIMEOUT_SECONDS and MAX_TIMEOUT_SECONDS (async/deadline.ts,
 * which `--call-timeout` checks too); `name` is the field the message names.
 */
export function secondsSchema(name: string) {
  return z
    .number()
    .min(MIN_TIMEOUT_SECONDS, `${name} must be ${TIMEOUT_RANGE}`)
    .max(MAX_TIMEOUT_SECONDS, `${name} must be ${TIMEOUT_RANGE}`);
}
