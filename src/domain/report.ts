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

/** SLI and counts from a validated result: NO_DATA sides count as zero; direct SLIs have NO_DATA counts. */
function sliOf(result: SliLike): { sli: number; good: number; bad: number } {
  if (typeof result === 'number') return { sli: pythonRound(result, 6), good: NO_DATA, bad: NO_DATA };
  const good = result[0] === NO_DATA ? 0 : result[0];
  const bad = result[1] === NO_DATA ? 0 : result[1];
  return { sli: pythonRound(good / (good + bad), 6), good, bad };
}
type SliLike = readonly [number, number] | number;

/** Builds the report of one SLO for one policy step. Never throws: bad results yield an invalid report. */
export function buildReport(input: ReportInput): SloReport {
  const errors = [...(input.errors ?? [])];
  const problem = validateResult(input.result, input.minValidEvents ?? DEFAULT_MIN_VALID_EVENTS);
  if (problem) return invalid(input, [...errors, problem]);

  const { slo, step } = input;
  const goal = Number(slo.spec.goal);
  const window = step.window;
  const threshold = Number(step.burn_rate_threshold);
  const { sli, good, bad } = sliOf(input.result as SliLike);
  if (!(sli >= 0 && sli <= 1)) {
    return invalid(input, [...errors, `SLI is not between 0 and 1 (value = ${pythonFloatRepr(sli)})`]);
  }

  const gap = sli - goal;
  const target = 1 - goal;
  const measurement = 1 - sli;
  const burnRate = target === 0 ? 0 : pythonRound(measurement / target, 1);
  const alert = burnRate > threshold;
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
  return report;
}
