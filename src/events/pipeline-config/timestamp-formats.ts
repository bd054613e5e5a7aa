/**
 * Event time from a log field, for file sources of the `events:` section (`timestamp: { field, format }`).
 * Each parser turns the field's text into Unix seconds, or undefined when the text is not in its format
 * (the runner then counts the event at processing time; see pipeline-runner.ts).
 *
 * - `clf`: the Common Log Format's `%t` / nginx `$time_local`, `10/Oct/2000:13:55:36 -0700`
 *   (https://httpd.apache.org/docs/2.4/logs.html#common); fractional seconds are not part of it.
 * - `rfc3339`: `2000-10-10T13:55:36.5Z` or with an offset `+02:00` (RFC 3339 §5.6; `t`, `z` and a space
 *   for `T` accepted, as Go's and most loggers' output differ in case only).
 * - `unix`: seconds since the epoch, fractional allowed (`971211336.123`).
 * - `unix_ms`: milliseconds since the epoch (`971211336123`), fractional allowed.
 */

/** The names of the supported formats. */
export const TIMESTAMP_FORMATS = ['clf', 'rfc3339', 'unix', 'unix_ms'] as const;
export type TimestampFormat = (typeof TIMESTAMP_FORMATS)[number];

/** Text → Unix seconds, or undefined when the text is not in the format. */
export type TimestampParser = (text: string) => number | undefined;

const MONTHS: Readonly<Record<string, number>> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

const CLF = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
const DECIMAL = /^\d+(?:\.\d+)?$/;

/**
 * Seconds of a calendar date and time given in a zone `offsetMinutes` east of UTC; undefined when a field
 * is out of range (a 31st of February, hour 25): Date.UTC would silently roll it over.
 */
function civilSeconds(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  offsetMinutes: number,
): number | undefined {
  const ms = Date.UTC(year, month, day, hour, minute, second);
  const check = new Date(ms);
  // Second 60 (a leap second) is refused too: JavaScript time has none.
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month || hour > 23 || minute > 59 || second > 59)
    return undefined;
  return ms / 1000 - offsetMinutes * 60;
}

function parseClf(text: string): number | undefined {
  const m = CLF.exec(text);
  if (!m) return undefined;
  const month = MONTHS[m[2]!];
  if (month === undefined) return undefined;
  const offset = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  return civilSeconds(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]), offset);
}

function parseRfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const offset = m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  const whole = civilSeconds(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    offset,
  );
  return whole === undefined ? undefined : whole + (m[7] ? Number(`0${m[7]}`) : 0);
}

const decimal =
  (scale: number): TimestampParser =>
  (text) =>
    DECIMAL.test(text) ? Number(text) / scale : undefined;

/** The parser of a format. */
export const TIMESTAMP_PARSERS: Readonly<Record<TimestampFormat, TimestampParser>> = {
  clf: parseClf,
  rfc3339: parseRfc3339,
  unix: decimal(1),
  unix_ms: decimal(1000),
};
