/**
 * Multi-window multi-burn-rate alert windows (Google SRE Workbook, "Alerting on SLOs", recommended
 * parameters; the same table as Sloth's `google-30d.yaml`):
 *
 * | severity | long window | short window | share of the error budget consumed in the long window |
 * | page     | 1h          | 5m           | 2 %  |
 * | page     | 6h          | 30m          | 5 %  |
 * | ticket   | 1d          | 2h           | 10 % |
 * | ticket   | 3d          | 6h           | 10 % |
 *
 * An alert fires when the burn rate (error ratio / (1 − goal)) is above the window pair's factor over both
 * windows. The factor is the burn rate that consumes that share of the period's budget in the long window:
 *
 *     factor = budget share × period / long window
 *
 * (budget consumed = burn rate × window / period). For a 30-day period this gives the workbook's 14.4, 6, 3
 * and 1; for 28 days 13.44, 5.6, 2.8 and 0.933; for other periods the same formula, so an alert always means
 * "this share of the period's budget is gone". The factor is neither rounded nor clamped, and it is the one
 * number of a window pair: `rules generate` alerts on it and `convert --from openslo` writes it as the
 * report policy's `burn_rate_threshold`, so a report's step and the Prometheus alert compare against one
 * number (the report's burn rate is slo-generator's, rounded to 0.1; the alert's is exact). A factor
 * below 1 stays below 1: clamping 28 days' 0.933 up to 1 would make the ticket wait for 10.7 % of the budget
 * instead of the table's 10 % (Sloth's `google-28d` windows ship the same 0.9333…). The windows stay fixed (they set detection and reset times);
 * a period must be longer than the longest window (3d). Pure: no I/O.
 */

/** Alert severity of a window pair. */
export type Severity = 'page' | 'ticket';

/** One window pair of a multi-window alert. Windows in seconds. */
export interface BurnRateWindow {
  severity: Severity;
  long: number;
  short: number;
  /** Share of the period's error budget consumed in `long` when the alert fires, percent (2 = 2 %). */
  budgetPercent: number;
}

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

/** The workbook's four window pairs, page first, each severity fastest first. */
export const BURN_RATE_WINDOWS: readonly BurnRateWindow[] = [
  { severity: 'page', long: HOUR, short: 5 * MINUTE, budgetPercent: 2 },
  { severity: 'page', long: 6 * HOUR, short: 30 * MINUTE, budgetPercent: 5 },
  { severity: 'ticket', long: DAY, short: 2 * HOUR, budgetPercent: 10 },
  { severity: 'ticket', long: 3 * DAY, short: 6 * HOUR, budgetPercent: 10 },
];

/** The default SLO period when nothing else gives one: 30 days, seconds. */
export const DEFAULT_PERIOD = 30 * DAY;

/** The longest alert window, seconds: a period must be longer. */
export const LONGEST_ALERT_WINDOW = Math.max(...BURN_RATE_WINDOWS.map((w) => w.long));

/**
 * The burn-rate factor of a window pair for an SLO period (seconds): `budget share × period / long window`,
 * computed as `(percent × period) / 100 / long` so that 30 days gives exactly 14.4, 6, 3 and 1.
 */
export function burnRateFactor(window: BurnRateWindow, period: number): number {
  return (window.budgetPercent * period) / 100 / window.long;
}

/**
 * Every window a rule file needs an error ratio for, ascending, seconds: the alert windows (5m 30m 1h 2h 6h
 * 1d 3d) then the period.
 */
export function sliWindows(period: number): number[] {
  const windows = new Set(BURN_RATE_WINDOWS.flatMap((w) => [w.short, w.long]));
  return [...[...windows].sort((a, b) => a - b), period];
}

/** Why a period (seconds) cannot be used, or undefined when it can. */
export function periodProblem(period: number): string | undefined {
  if (!Number.isInteger(period) || period <= LONGEST_ALERT_WINDOW) {
    return `the SLO period must be a whole number of seconds longer than the longest alert window (3d), got ${period} s`;
  }
  return undefined;
}

/**
 * A duration as Prometheus prints it (`model.Duration.String`): y and w only when they divide it exactly,
 * then d, h, m, s, ms (`30d`, `4w`, `1h30m`). Sloth names windows this way (`ratio_rate4w` for 28 days).
 */
export function prometheusDuration(seconds: number): string {
  let ms = Math.round(seconds * 1000);
  if (ms === 0) return '0s';
  let out = '';
  const units: [string, number, boolean][] = [
    ['y', 365 * DAY * 1000, true],
    ['w', 7 * DAY * 1000, true],
    ['d', DAY * 1000, false],
    ['h', HOUR * 1000, false],
    ['m', MINUTE * 1000, false],
    ['s', 1000, false],
    ['ms', 1, false],
  ];
  for (const [unit, size, exact] of units) {
    if (exact && ms % size !== 0) continue;
    const count = Math.floor(ms / size);
    if (count > 0) {
      out += `${count}${unit}`;
      ms -= count * size;
    }
  }
  return out;
}
