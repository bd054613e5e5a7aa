/**
 * Durations as Prometheus writes them (`model.ParseDuration`): units y, w, d, h, m, s, ms, largest first,
 * each at most once, e.g. `28d`, `1h30m`, `90s`. SREs already write windows and retentions this way.
 * A year is 365 days, as in Prometheus.
 */
const UNITS = [
  ['y', 365 * 86_400],
  ['w', 7 * 86_400],
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
  ['ms', 0.001],
] as const;

const PATTERN = new RegExp(`^${UNITS.map(([unit]) => `(?:(\\d+)${unit})?`).join('')}$`);

/** Seconds in a Prometheus duration string (`0` included), or undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  if (text === '' || text === '0') return text === '0' ? 0 : undefined;
  const match = PATTERN.exec(text);
  if (!match) return undefined;
  let seconds = 0;
  UNITS.forEach(([, size], i) => {
    const value = match[i + 1];
    if (value !== undefined) seconds += Number(value) * size;
  });
  return seconds;
}

/**
 * Seconds of a duration field: a number of seconds (slo-generator's form) or a Prometheus duration string
 * (`28d`, `1h30m`; see `lang/duration.ts`). Undefined unless the result is finite, positive and, when
 * `integer`, whole.
 */
export function durationSeconds(value: unknown, integer: boolean): number | undefined {
  const seconds =
    typeof value === 'number' ? value : typeof value === 'string' ? parseDuration(value.trim()) : undefined;
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return undefined;
  return integer && !Number.isInteger(seconds) ? undefined : seconds;
}

/**
 * Renders seconds as a Prometheus duration (`3600` → `1h`, `5400` → `1h30m`), days being the largest unit
 * because SLO windows are spoken of in days (`28d`, not `4w`).
 */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  let rest = Math.round(seconds * 1000);
  let out = '';
  for (const [unit, size] of UNITS.slice(2)) {
    const ms = Math.round(size * 1000);
    if (rest >= ms) {
      out += `${Math.floor(rest / ms)}${unit}`;
      rest %= ms;
    }
  }
  return out;
}
