/**
 * The minimum number of valid events as text gives it (`MIN_VALID_EVENTS`, `--min-valid-events`), read the way
 * the shared config's `min_valid_events` schema (fields.ts) reads numbers. Kept free of zod: the CLI parses its
 * flags with it before anything heavy is loaded.
 */

/** What `min_valid_events`, `MIN_VALID_EVENTS` and `--min-valid-events` accept, for messages. */
export const MIN_VALID_EVENTS_EXPECTED = 'expected a non-negative integer';

/**
 * Parses a non-negative integer (any form `Number` reads, surrounding spaces ignored). Returns undefined when
 * the text is not one, so the caller can say where the value came from.
 */
export function parseMinValidEvents(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
