/**
 * Formatting of report values for people. Inputs use the report's units (slo-generator v2): ratios between
 * 0 and 1, `error_budget_consumed_ratio` in percent, windows in seconds, timestamps in Unix seconds.
 */

/**
 * Visible labels of the statuses of `GET /api/slos` (serve contract).
 * @type {Readonly<Record<string, string>>}
 */
export const STATUS_LABELS = {
  ok: 'OK',
  burning: 'Burning',
  alerting: 'Alerting',
  invalid: 'Invalid',
  no_data: 'No data',
};

/** Worst first: the overview lists SLOs in this order, then by name. */
export const STATUS_ORDER = ['alerting', 'invalid', 'burning', 'no_data', 'ok'];

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * A ratio as a percentage with `digits` decimals: 0.99953 → "99.953 %".
 * @param {number | null | undefined} ratio
 * @param {number} [digits]
 */
export function percent(ratio, digits = 3) {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${(ratio * 100).toFixed(digits)} %`;
}

/**
 * A goal (ratio) as the shortest percentage: 0.999 → "99.9 %".
 * @param {number} goal
 */
export function goalPercent(goal) {
  return `${Number((goal * 100).toFixed(6))} %`;
}

/**
 * Error budget left, percent of the window's budget, from a valid report (100 − consumed percent; negative
 * when overspent). `null` for an invalid report or none.
 * @param {Record<string, any> | null | undefined} report
 * @returns {number | null}
 */
export function budgetRemainingPercent(report) {
  if (!report?.valid) return null;
  return 100 - report.error_budget_consumed_ratio;
}

/**
 * A percentage already in percent, one decimal: 73.44 → "73.4 %".
 * @param {number | null} value
 */
export function percentValue(value) {
  return value === null || !Number.isFinite(value) ? '—' : `${value.toFixed(1)} %`;
}

/**
 * A burn rate (rounded to 1 decimal by the report): 14.2 → "14.2×".
 * @param {number | null | undefined} rate
 */
export function burnRate(rate) {
  return rate === null || rate === undefined || !Number.isFinite(rate) ? '—' : `${Number(rate.toFixed(2))}×`;
}

/**
 * A duration in seconds, in the largest exact units: 3600 → "1h", 5400 → "1h30m", 604800 → "7d".
 * @param {number} seconds
 */
export function duration(seconds) {
  if (!Number.isFinite(seconds) || seconds <= 0) return `${seconds}s`;
  const units = [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ];
  let left = Math.round(seconds);
  let text = '';
  for (const [unit, size] of units) {
    const count = Math.floor(left / Number(size));
    if (count > 0) text += `${count}${unit}`;
    left -= count * Number(size);
  }
  return text;
}

/**
 * Minutes as a short duration: 43.2 → "43m", 4320 → "3d".
 * @param {number} minutes
 */
export function minutes(minutes) {
  const sign = minutes < 0 ? '−' : '';
  const abs = Math.abs(minutes);
  if (abs < 1) return `${sign}${abs.toFixed(1)}m`;
  return sign + duration(Math.round(abs) * 60);
}

/**
 * An event count: 1234567 → "1,234,567"; negative (NO_DATA sentinels of a direct SLI) → "—".
 * @param {number | undefined} count
 */
export function count(count) {
  return count === undefined || count < 0 ? '—' : integer.format(count);
}

/**
 * A Unix time (seconds) in the viewer's locale.
 * @param {number} seconds
 */
export function dateTime(seconds) {
  return new Date(seconds * 1000).toLocaleString(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}

/**
 * How long ago a Unix time (seconds) was, relative to `now` (milliseconds): "3 min ago".
 * @param {number} seconds
 * @param {number} [now]
 */
export function ago(seconds, now = Date.now()) {
  const elapsed = Math.max(0, now / 1000 - seconds);
  if (elapsed < 60) return 'just now';
  if (elapsed < 3600) return `${Math.floor(elapsed / 60)} min ago`;
  if (elapsed < 86400) return `${Math.floor(elapsed / 3600)} h ago`;
  return `${Math.floor(elapsed / 86400)} d ago`;
}
