/**
 * The values a provider file is rendered with, per version, as Iter8's `custommetrics` task built them
 * (reference/iter8.md §2.1): `values` deep-merged with each `versionValues[i]` (nested maps key by key, the
 * version wins: mergo's `MergeWithOverwrite`), one version from `values` alone when there are no version
 * values, and the elapsed time since `startingTime` (RFC 3339) or since now. Unlike Iter8, every version
 * gets a fresh copy: Iter8 merged into the shared map, so keys of version 0 leaked into version 1.
 * Pure: no I/O.
 */

/** JSON-like values as read from YAML, `--set` or a config block. */
export type Values = { [key: string]: unknown };

const isPlainMap = (v: unknown): v is Values => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `base` deep-merged with `over`: maps merge key by key; any other value of `over` replaces the base's (lists
 * are replaced, not concatenated). Neither argument is changed; the result shares no map or list with them.
 */
export function deepMerge(base: Values, over: Values): Values {
  const out = structuredClone(base);
  for (const [key, value] of Object.entries(over)) {
    const current = Object.hasOwn(out, key) ? out[key] : undefined;
    out[key] = isPlainMap(current) && isPlainMap(value) ? deepMerge(current, value) : structuredClone(value);
  }
  return out;
}

/** One values map per version: `values` merged with each of `versionValues`, or `[values]` when none. */
export function versionValues(values: Values, perVersion: readonly Values[]): Values[] {
  if (perVersion.length === 0) return [structuredClone(values)];
  return perVersion.map((v) => deepMerge(values, v));
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * Milliseconds since the Unix epoch of an RFC 3339 date-time (`2020-02-01T09:44:40Z`,
 * `2020-02-01T09:44:40.954641934+01:00`), as Go's `time.Parse(time.RFC3339, …)` reads it; undefined when
 * the text is not one (an epoch number such as `1652935205` is not, as in Iter8). Fractions beyond
 * milliseconds are truncated.
 */
export function parseRfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59)
    return undefined;
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const fraction = m[7] ? Math.trunc(Number(`0${m[7]}`) * 1000) : 0;
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day); // Date.UTC maps years 0-99 to 1900-1999
  utc.setUTCHours(hour, minute, second, fraction);
  return utc.getTime() - offsetMinutes * 60_000;
}

/** `startingTime` of a values map could not be read. */
export class StartingTimeError extends Error {
  override name = 'StartingTimeError';
}

/**
 * Whole seconds from the values' `startingTime` (RFC 3339; any other type is printed as Go's `fmt.Sprint`
 * would and must then read as RFC 3339) to `nowMs`, truncated toward zero; 0 when there is no
 * `startingTime` (the run starts now). A future `startingTime` gives a negative number, as in Iter8.
 * Throws StartingTimeError quoting the value when it is not RFC 3339.
 */
export function elapsedSeconds(values: Values, nowMs: number): number {
  if (!Object.hasOwn(values, 'startingTime') || values.startingTime === undefined) return 0;
  const raw = values.startingTime;
  const text = typeof raw === 'string' ? raw : raw === null ? '<nil>' : String(raw);
  const start = parseRfc3339(text);
  if (start === undefined) {
    throw new StartingTimeError(
      `cannot parse startingTime ${JSON.stringify(text.slice(0, 80))}: expected an RFC 3339 date-time such as 2020-02-01T09:44:40Z`,
    );
  }
  return Math.trunc((nowMs - start) / 1000);
}

/** A Unix timestamp (seconds, fractional) as RFC 3339 in UTC with the fraction kept to the millisecond. */
export function formatRfc3339(seconds: number): string {
  return new Date(Math.round(seconds * 1000)).toISOString().replace('.000Z', 'Z');
}
