/**
 * The `start` and `end` of a get-sli.triggered event as prometheus-service reads them (reference/keptn.md
 * §3.5): RFC 3339 with an optional fraction (Go's `time.Parse(time.RFC3339, …)`, nanoseconds kept), else a
 * whole number of Unix seconds (Go's `strconv.ParseInt`). Pure.
 */
import { parseRfc3339 } from '../providers/values.js';

/** An instant with nanosecond precision: whole Unix seconds and the nanoseconds after them (0..999999999). */
export interface KeptnInstant {
  seconds: number;
  nanos: number;
}

const FRACTION = /[.](\d+)(?=[Zz+-]|$)/;
const INTEGER = /^[+-]?\d+$/;

/** The instant `text` names, or undefined when it is neither RFC 3339 nor whole Unix seconds. */
export function parseKeptnTime(text: string): KeptnInstant | undefined {
  const ms = parseRfc3339(text);
  if (ms !== undefined) {
    const digits = FRACTION.exec(text.slice(19))?.[1] ?? '';
    return { seconds: Math.floor(ms / 1000), nanos: Number(digits.slice(0, 9).padEnd(9, '0')) };
  }
  if (INTEGER.test(text) && Number.isSafeInteger(Number(text))) return { seconds: Number(text), nanos: 0 };
  return undefined;
}

/** Unix seconds with the fraction, as the `time` of an instant query (microsecond precision in a double). */
export function unixSeconds(t: KeptnInstant): number {
  return t.seconds + t.nanos / 1e9;
}

/**
 * `$DURATION_SECONDS`: whole seconds from `start` to `end` rounded up, then `s` (`30s`), as prometheus-service
 * computes it (`ceil` of the exact difference).
 */
export function durationSeconds(start: KeptnInstant, end: KeptnInstant): string {
  const diff = BigInt(end.seconds - start.seconds) * 1_000_000_000n + BigInt(end.nanos - start.nanos);
  const whole = diff / 1_000_000_000n;
  const up = diff > whole * 1_000_000_000n ? whole + 1n : whole;
  return `${up}s`;
}
