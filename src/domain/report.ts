/**
 * The SLO report: slo-generator v2's `SLOReport`, reproduced field for field. Formulas, validation order,
 * error strings and rounding are slo-generator's, so reports compare equal to the ones users already have.
 * See https://sre.google/workbook/implementing-slos/ for the error budget arithmetic.
 */
import { humanTime } from './human-time.js';
import { pythonFloatRepr } from './python-float.js';
import { pythonInt, pythonRound } from './rounding.js';
import {
  type InvalidReport,
  NO_DATA,
  type PolicyStep,
  type ShortWindowFields,
  type SloConfig,
  type SloReport,
  type ValidReport,
} from './types.js';

/** Everything a report is built from. */
export interface ReportInput {
  slo: SloConfig;
  step: PolicyStep;
  /** Evaluation timestamp of the run, Unix seconds (fraction kept for `timestamp_human`). */
  timestamp: number;
  /** Raw backend result; validated here. `undefined` when the backend failed. */
  result: unknown;
  /** Errors already collected for this step (a backend exception, say). */
  errors?: string[];
  /** Minimum good+bad events for a valid ratio (slo-generator's `MIN_VALID_EVENTS`, default 1). */
  minValidEvents?: number;
  /**
   * The backend's answer for the step's `short_window` (same timestamp), with the errors of that call; read
   * only when the step has a `short_window` (absent then: as a backend that returned nothing).
   */
  shortWindow?: { result: unknown; errors?: string[] };
}

export const DEFAULT_MIN_VALID_EVENTS = 1;

const MISSED_MESSAGE = 'Missed for this measurement window, but not enough to alert';

/** Python's name for the type of a value a backend returned, as slo-generator's error message shows it. */
function pythonTypeName(value: unknown): string {
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'function') return 'function';
  return 'dict';
}

/**
 * Validates a backend result the way slo-generator's `_validate` does. Returns the error, or `null` when the
 * result can be turned into a report.
 */
export function validateResult(result: unknown, minValidEvents: number): string | null {
  if (result === null || result === undefined) return 'Backend returned None.';
  if (!Array.isArray(result) && typeof result !== 'number') {
    return (
      `Backend method returned an object of type ${pythonTypeName(result)}. It should instead return a tuple ` +
      '(good_count, bad_count) or a numeric SLI value (float / int).'
    );
  }
  if (Array.isArray(result)) {
    if (result.length !== 2) {
      return `Backend method returned a tuple with ${result.length} items.Expected 2 items.`;
    }
    if (!result.every((n) => typeof n === 'number')) {
      return 'Backend method returned a tuple with some elements having a type different than float or int';
    }
    const [good, bad] = result as [number, number];
    if (good === NO_DATA && bad === NO_DATA) {
      return `Backend method returned a valid tuple (${good}, ${bad}) but the good and bad count is NO_DATA (-1).`;
    }
    // Compared on the raw values, so a NO_DATA side counts as -1 (slo-generator does the same).
    if (good + bad < minValidEvents) {
      return `Not enough valid events (${good + bad}) found. Minimum valid events: ${minValidEvents}.`;
    }
    return null;
  }
  if (result === NO_DATA) return 'Backend returned NO_DATA (-1).';
  return null;
}

function invalid(input: ReportInput, errors: string[]): InvalidReport {
  return {
    metadata: input.slo.metadata,
    errors,
    error_budget_policy_step_name: input.step.name,
    valid: false,
  };
}

/** Counts of a `[good, bad]` result: a NO_DATA side counts as zero when the other side has data. */
function countsOf([good, bad]: readonly [number, number]): { good: number; bad: number } {
  if (good === NO_DATA && bad === NO_DATA) return { good, bad };
  return { good: good === NO_DATA ? 0 : good, bad: bad === NO_DATA ? 0 : bad };
}

/** SLI and counts from a validated result: NO_DATA sides count as zero; direct SLIs have NO_DATA counts. */
function sliOf(result: SliLike): { sli: number; good: number; bad: number } {
  if (typeof result === 'number') return { sli: pythonRound(result, 6), good: NO_DATA, bad: NO_DATA };
  const { good, bad } = countsOf(result);
  return { sli: pythonRound(good / (good + bad), 6), good, bad };
}

/** Burn rate, slo-generator's: `(1 - sli) / (1 - goal)` Python-rounded to 1 decimal; 0 without budget. */
const burnRateOf = (sli: number, target: number): number =>
  target === 0 ? 0 : pythonRound((1 - sli) / target, 1);

const outOfRange = (sli: number) => `SLI is not between 0 and 1 (value = ${pythonFloatRepr(sli)})`;

type SliLike = readonly [number, number] | number;

/** Whether a result `validateResult` refused is only empty: NO_DATA, or fewer valid events than the minimum. */
function isEmpty(result: unknown, minValidEvents: number): boolean {
  if (typeof result === 'number') return result === NO_DATA;
  if (!Array.isArray(result) || result.length !== 2 || !result.every((n) => typeof n === 'number'))
    return false;
  const [good, bad] = result as [number, number];
  return (good === NO_DATA && bad === NO_DATA) || good + bad < minValidEvents;
}

/** The short window's measurement, or the errors that leave the step without an answer. */
type ShortMeasurement = { fields: ShortWindowFields; burnRate: number | null } | { errors: string[] };

/**
 * Measures the step's short window. An empty window (no data, too few events) is a measurement: nothing is
 * burning now, so the step does not page, as the `and` of the long- and short-window rules in Prometheus
 * (an empty window has no ratio there). A failed one (backend error, unreadable answer, SLI out of range)
 * is not: whether to alert is unknown, so the step's report is invalid, as for the long window.
 */
function measureShort(input: ReportInput, shortWindow: number, target: number): ShortMeasurement {
  const minValidEvents = input.minValidEvents ?? DEFAULT_MIN_VALID_EVENTS;
  const { result, errors = [] } = input.shortWindow ?? { result: undefined };
  const failed = (problem: string) => ({
    errors: [...errors, problem].map((e) => `short window (${shortWindow}s): ${e}`),
  });
  const problem = validateResult(result, minValidEvents);
  if (problem && (errors.length > 0 || !isEmpty(result, minValidEvents))) return failed(problem);
  // Empty: no SLI; the counts seen (NO_DATA markers for a direct SLI or no data at all).
  const { sli, good, bad } = !problem
    ? sliOf(result as SliLike)
    : {
        sli: null,
        ...(Array.isArray(result) ? countsOf(result as [number, number]) : { good: NO_DATA, bad: NO_DATA }),
      };
  if (sli !== null && !(sli >= 0 && sli <= 1)) return failed(outOfRange(sli));
  const burnRate = sli === null ? null : burnRateOf(sli, target);
  return {
    burnRate,
    fields: {
      short_window: shortWindow,
      short_window_sli_measurement: sli,
      short_window_error_budget_burn_rate: burnRate,
      short_window_events_count: pythonInt(good + bad),
      short_window_bad_events_count: pythonInt(bad),
      short_window_good_events_count: pythonInt(good),
    },
  };
}

/**
 * Builds the report of one SLO for one policy step. Never throws: bad results yield an invalid report.
 * A step with a `short_window` also reads `input.shortWindow` (see `ShortWindowFields` and `measureShort`).
 */
export function buildReport(input: ReportInput): SloReport {
  const errors = [...(input.errors ?? [])];
  const problem = validateResult(input.result, input.minValidEvents ?? DEFAULT_MIN_VALID_EVENTS);
  const target = 1 - Number(input.slo.spec.goal);
  const short =
    input.step.short_window === undefined ? undefined : measureShort(input, input.step.short_window, target);
  const shortErrors = short && 'errors' in short ? short.errors : [];
  if (problem) {
    // One failure of both windows (a backend not defined, say) is said once.
    const same =
      errors.length > 0 && JSON.stringify(errors) === JSON.stringify(input.shortWindow?.errors ?? []);
    return invalid(input, [...errors, problem, ...(same ? [] : shortErrors)]);
  }

  const { slo, step } = input;
  const goal = Number(slo.spec.goal);
  const window = step.window;
  const threshold = Number(step.burn_rate_threshold);
  const { sli, good, bad } = sliOf(input.result as SliLike);
  if (!(sli >= 0 && sli <= 1)) return invalid(input, [...errors, outOfRange(sli), ...shortErrors]);
  if (shortErrors.length) return invalid(input, [...errors, ...shortErrors]);
  const shortFields = short && 'fields' in short ? short : undefined;

  const gap = sli - goal;
  const measurement = 1 - sli;
  const burnRate = burnRateOf(sli, target);
  // Multiwindow: the short window must burn too (an empty one, burn rate null, does not).
  const shortBurns = !shortFields || (shortFields.burnRate !== null && shortFields.burnRate > threshold);
  const alert = burnRate > threshold && shortBurns;
  let consequence: string;
  if (alert) consequence = step.message_alert;
  else if (burnRate <= 1) consequence = step.message_ok;
  else consequence = MISSED_MESSAGE;

  const report: ValidReport = {
    name: slo.metadata.name,
    description: slo.spec.description,
    goal,
    backend: slo.spec.backend,
    gap,
    error_budget_policy_step_name: step.name,
    error_budget_target: target,
    error_budget_measurement: measurement,
    error_budget_burn_rate: burnRate,
    error_budget_burn_rate_threshold: threshold,
    error_budget_minutes: (window * target) / 60,
    error_budget_remaining_minutes: (window * gap) / 60,
    error_minutes: (window * measurement) / 60,
    error_budget_consumed_ratio: target > 0 ? (measurement * 100) / target : 0,
    valid: true,
    timestamp: pythonInt(input.timestamp),
    timestamp_human: humanTime(input.timestamp),
    window,
    alert,
    consequence_message: consequence,
    exporters: slo.spec.exporters ?? [],
    error_budget_policy: slo.spec.error_budget_policy ?? 'default',
    sli_measurement: sli,
    events_count: pythonInt(good + bad),
    bad_events_count: pythonInt(bad),
    good_events_count: pythonInt(good),
    metadata: slo.metadata,
    errors,
  };
  return shortFields ? { ...report, ...shortFields.fields } : report;
}
