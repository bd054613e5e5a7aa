/**
 * Domain types shared by every layer: the SLO definition (slo-generator v2 shape), error budget policy steps,
 * and the report slo-generator produces. Field names are slo-generator's wire names on purpose: reports are
 * serialised as-is and must be byte-compatible with what slo-generator users already parse.
 */

/** `metadata` of an SLO: `name` is required, `labels` conventionally hold service_name/feature_name/slo_name. */
export interface SloMetadata {
  name: string;
  /** Label values as written in YAML; exporters turn them into strings. */
  labels?: Record<string, string | number | boolean>;
  [key: string]: unknown;
}

/** `spec` of an SLO (slo-generator v2). */
export interface SloSpec {
  description: string;
  /** Key in the shared config's `backends` (`prometheus`, `prometheus/prod`, `custom.module.Class`, ...). */
  backend: string;
  /** Name of the backend method to call (`good_bad_ratio`, `query_sli`, `distribution_cut`, ...). */
  method: string;
  exporters?: string[];
  error_budget_policy?: string;
  /** Backend- and method-specific fields. */
  service_level_indicator: Record<string, unknown>;
  /** Target, between 0 and 1. */
  goal: number;
}

/** A whole SLO document (`apiVersion: sre.google.com/v2`, `kind: ServiceLevelObjective`). */
export interface SloConfig {
  apiVersion: string;
  kind: string;
  metadata: SloMetadata;
  spec: SloSpec;
}

/** One step of an error budget policy. `window` is in seconds. */
export interface PolicyStep {
  /** Becomes the report's `error_budget_policy_step_name`. */
  name: string;
  /** Measurement window in seconds. */
  window: number;
  /** The report alerts when its burn rate (rounded to 1 decimal) is strictly above this. */
  burn_rate_threshold: number;
  /** Accepted for slo-generator compatibility; the computed burn rate decides `alert`. */
  alert?: boolean;
  /** `consequence_message` when the report alerts. */
  message_alert: string;
  /** `consequence_message` when the burn rate is at most 1. */
  message_ok: string;
  /**
   * slokit: the short window of a multiwindow alert (SRE workbook), seconds, shorter than `window`. The
   * report then alerts only when the burn rates of both windows are above the threshold.
   */
  short_window?: number;
}

/**
 * A backend's answer for one window: event counts `[good, bad]` (each a count of events in the window, or
 * `NO_DATA` for a side without samples).
 */
export type GoodBadCounts = readonly [good: number, bad: number];

/**
 * What a backend method may return: event counts, or a direct SLI (a ratio between 0 and 1, or `NO_DATA`).
 * Anything else (including `undefined` from a failing backend) is carried as `unknown` and rejected by report
 * validation.
 */
export type SliResult = GoodBadCounts | number;

/** NO_DATA sentinel used by slo-generator backends for "no samples". */
export const NO_DATA = -1;

/*
 * Reports are type aliases rather than interfaces on purpose: an object type alias is assignable to
 * `Readonly<Record<string, unknown>>`, the by-field-name view metrics exporters read reports through.
 */

/**
 * A valid SLO report (slo-generator v2, `SLOReport.to_json`). Keys are declared in slo-generator's
 * serialisation order. Units: ratios are between 0 and 1 unless marked percent; windows are seconds;
 * durations named `*_minutes` are minutes; timestamps are Unix seconds.
 */
export type ValidReport = {
  /** The SLO's `metadata.name`. */
  name: string;
  /** The SLO's `spec.description`. */
  description: string;
  /** Target SLI, ratio (0.999 = 99.9 %). */
  goal: number;
  /** The SLO's backend key (`prometheus`, `custom.module.Class`, ...). */
  backend: string;
  /** `sli_measurement - goal`, ratio; negative when the SLO is missed over the window. */
  gap: number;
  /** Name of the error budget policy step this report is for. */
  error_budget_policy_step_name: string;
  /** `1 - goal`, ratio: the share of events allowed to be bad. */
  error_budget_target: number;
  /** `1 - sli_measurement`, ratio: the share of events that were bad. */
  error_budget_measurement: number;
  /**
   * `(1 - sli) / (1 - goal)`, Python-rounded to 1 decimal; 0 when goal is 1. 1 means the budget is spent at
   * exactly the rate that uses it up by the end of the window.
   */
  error_budget_burn_rate: number;
  /** The step's `burn_rate_threshold`: the report alerts when the burn rate is strictly above it. */
  error_budget_burn_rate_threshold: number;
  /** Error budget of the window, minutes: `window * (1 - goal) / 60`. */
  error_budget_minutes: number;
  /** Budget left, minutes: `window * (sli - goal) / 60`; negative when overspent. */
  error_budget_remaining_minutes: number;
  /** Budget spent, minutes: `window * (1 - sli) / 60`. */
  error_minutes: number;
  /** Share of the window's error budget consumed, in **percent** (100 = exactly on budget); since 2.6. */
  error_budget_consumed_ratio: number;
  valid: true;
  /** Evaluation time, Unix seconds truncated to an integer. */
  timestamp: number;
  /** Evaluation time in ISO-8601, in the process's time zone, microseconds kept. */
  timestamp_human: string;
  /** Measurement window of the step, seconds. */
  window: number;
  /**
   * Whether `error_budget_burn_rate > error_budget_burn_rate_threshold` (and, for a step with a
   * `short_window`, `short_window_error_budget_burn_rate` too).
   */
  alert: boolean;
  /**
   * The step's `message_alert` when alerting, `message_ok` when the burn rate is at most 1, else
   * "Missed for this measurement window, but not enough to alert".
   */
  consequence_message: string;
  /** The SLO's own `spec.exporters` keys (default exporters not included), as slo-generator reports them. */
  exporters: string[];
  /** Name of the SLO's error budget policy (`default` when unset). */
  error_budget_policy: string;
  /** SLI, ratio: good / (good + bad), or the backend's SLI, Python-rounded to 6 decimals. */
  sli_measurement: number;
  /** good + bad, truncated; -2 (NO_DATA twice) when the backend returned the SLI directly. */
  events_count: number;
  /** Bad events in the window, truncated; -1 (NO_DATA) when the backend returned the SLI directly. */
  bad_events_count: number;
  /** Good events in the window, truncated; -1 (NO_DATA) when the backend returned the SLI directly. */
  good_events_count: number;
  /** The SLO's whole `metadata` block. */
  metadata: SloMetadata;
  /** Errors attached to a valid report: failed exports (`<Class> "<key>" failed. | <error>`). */
  errors: string[];
} & Partial<ShortWindowFields>;

/**
 * slokit's multiwindow fields: present (after slo-generator's fields, so consumers of the v2 shape are not
 * disturbed) exactly when the policy step has a `short_window`. They describe the short window the way the
 * fields above describe the step's window; `alert` is then true only when both burn rates are above the
 * threshold (https://sre.google/workbook/alerting-on-slos/, "multiwindow, multi-burn-rate alerts").
 */
export type ShortWindowFields = {
  /** The step's `short_window`, seconds. */
  short_window: number;
  /**
   * SLI over the short window, ratio, Python-rounded to 6 decimals; `null` when the short window has no
   * data or fewer valid events than the minimum (nothing is burning now, so the step does not alert).
   */
  short_window_sli_measurement: number | null;
  /** Burn rate over the short window, Python-rounded to 1 decimal; `null` exactly when the SLI is. */
  short_window_error_budget_burn_rate: number | null;
  /** good + bad in the short window, truncated; -2 when the backend gave no counts (direct SLI, NO_DATA). */
  short_window_events_count: number;
  /** Bad events in the short window, truncated; -1 (NO_DATA) when the backend gave no counts. */
  short_window_bad_events_count: number;
  /** Good events in the short window, truncated; -1 (NO_DATA) when the backend gave no counts. */
  short_window_good_events_count: number;
};

/** An invalid report carries only these four keys, in this order, as slo-generator's `to_json` does. */
export type InvalidReport = {
  /** The SLO's whole `metadata` block (`metadata.name` names the SLO). */
  metadata: SloMetadata;
  /** Why there is no measurement: backend errors, validation failures (slo-generator's texts). */
  errors: string[];
  error_budget_policy_step_name: string;
  valid: false;
};

/** One report of one SLO for one error budget policy step; `valid` tells the two shapes apart. */
export type SloReport = ValidReport | InvalidReport;
