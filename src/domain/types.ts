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
}

/**
 * What a backend method may return: a `[good, bad]` pair or a direct SLI value. Anything else (including
 * `undefined` from a failing backend) is carried as `unknown` and rejected by report validation.
 */
export type SliResult = readonly [number, number] | number;

/** NO_DATA sentinel used by slo-generator backends for "no samples". */
export const NO_DATA = -1;

/** A valid SLO report; keys are declared in slo-generator's serialisation order. */
export interface ValidReport {
  name: string;
  description: string;
  goal: number;
  backend: string;
  /** `sli_measurement - goal`. */
  gap: number;
  error_budget_policy_step_name: string;
  error_budget_target: number;
  error_budget_measurement: number;
  /** `(1 - sli) / (1 - goal)`, Python-rounded to 1 decimal; 0 when goal is 1. */
  error_budget_burn_rate: number;
  error_budget_burn_rate_threshold: number;
  error_budget_minutes: number;
  error_budget_remaining_minutes: number;
  error_minutes: number;
  /** Share of the window's error budget consumed, in percent (100 = exactly on budget); slo-generator 2.6. */
  error_budget_consumed_ratio: number;
  valid: true;
  /** Evaluation time, Unix seconds truncated to an integer. */
  timestamp: number;
  /** Evaluation time in ISO-8601, in the process's time zone, microseconds kept. */
  timestamp_human: string;
  window: number;
  alert: boolean;
  consequence_message: string;
  exporters: string[];
  error_budget_policy: string;
  /** good / (good + bad), or the backend's SLI, Python-rounded to 6 decimals. */
  sli_measurement: number;
  /** good + bad truncated; -2 (NO_DATA twice) when the backend returned the SLI directly. */
  events_count: number;
  bad_events_count: number;
  good_events_count: number;
  metadata: SloMetadata;
  errors: string[];
}

/** An invalid report carries only these four keys, in this order, as slo-generator's `to_json` does. */
export interface InvalidReport {
  metadata: SloMetadata;
  errors: string[];
  error_budget_policy_step_name: string;
  valid: false;
}

export type SloReport = ValidReport | InvalidReport;
