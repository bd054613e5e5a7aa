/**
 * The `SloSummary` of the serve API (contract: /work/wt/prompts/serve-contract.md, "GET /api/slos"): an
 * SLO's identity, its policy steps with their latest report, and one status. Pure: no HTTP, no storage.
 */
import type { PolicyStep, SloConfig, SloReport } from '../domain/types.js';

/** Status of an SLO, worst first: what the dashboard colours. */
export type SloStatus = 'invalid' | 'alerting' | 'burning' | 'ok' | 'no_data';

/** One policy step of an SLO with its latest report (`null` before the first run). */
export interface StepSummary {
  step: string;
  /** Seconds. */
  window: number;
  burn_rate_threshold: number;
  latest: SloReport | null;
}

/** One SLO as `GET /api/slos` lists it. */
export interface SloSummary {
  name: string;
  service_name: string | null;
  feature_name: string | null;
  slo_name: string | null;
  description: string;
  /** Ratio, e.g. 0.999. */
  goal: number;
  backend: string;
  status: SloStatus;
  steps: StepSummary[];
}

/**
 * The status of reports (the latest of each step): `invalid` if any is invalid, else `alerting` if any
 * alerts, else `burning` if any burn rate is above 1, else `ok`; `no_data` when there is no report.
 */
export function sloStatus(latest: readonly (SloReport | null)[]): SloStatus {
  const reports = latest.filter((r): r is SloReport => r !== null);
  if (!reports.length) return 'no_data';
  if (reports.some((r) => !r.valid)) return 'invalid';
  if (reports.some((r) => r.valid && r.alert)) return 'alerting';
  if (reports.some((r) => r.valid && r.error_budget_burn_rate > 1)) return 'burning';
  return 'ok';
}

const label = (slo: SloConfig, key: string): string | null => {
  const value = slo.metadata.labels?.[key];
  return value === undefined ? null : String(value);
};

/** The summary of `slo` over its policy `steps`; `latestOf(step)` gives a step's newest report or null. */
export function summarize(
  slo: SloConfig,
  steps: readonly PolicyStep[],
  latestOf: (step: string) => SloReport | null,
): SloSummary {
  const stepSummaries = steps.map((step) => ({
    step: step.name,
    window: step.window,
    burn_rate_threshold: step.burn_rate_threshold,
    latest: latestOf(step.name),
  }));
  return {
    name: slo.metadata.name,
    service_name: label(slo, 'service_name'),
    feature_name: label(slo, 'feature_name'),
    slo_name: label(slo, 'slo_name'),
    description: slo.spec.description,
    goal: slo.spec.goal,
    backend: slo.spec.backend,
    status: sloStatus(stepSummaries.map((s) => s.latest)),
    steps: stepSummaries,
  };
}
