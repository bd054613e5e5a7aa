/** The identity of a report: its SLO name and policy step, which exporters group and key series by. */
import type { ExportedReport } from './types.js';

/** SLO name and step of a report (v1 or v2); throws when the report lacks them. */
export function reportIdentity(report: ExportedReport): { slo: string; step: string } {
  // Read defensively: plugin code and tests may hand over reports built by hand.
  const fields: Readonly<Record<string, unknown>> = report;
  const slo = fields.name ?? (report.metadata as { name?: unknown } | undefined)?.name;
  const step = report.error_budget_policy_step_name;
  if (typeof slo !== 'string' || slo === '') throw new TypeError('the report has no SLO name (`name`)');
  if (step === undefined || step === null)
    throw new TypeError('the report has no `error_budget_policy_step_name`');
  return { slo, step: String(step) };
}
