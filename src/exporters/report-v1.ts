/**
 * slo-generator's v2 → v1 report conversion (`report_v2tov1`). Its metrics and custom exporters receive v1
 * reports, so metric names such as `slo_target` and `alerting_burn_rate_threshold` and the flattened
 * `service_name`/`feature_name`/`slo_name` keys keep working for slokit users.
 */
import type { SloReport } from '../domain/types.js';

const RENAMED: Readonly<Record<string, string>> = {
  goal: 'slo_target',
  description: 'slo_description',
  error_budget_burn_rate_threshold: 'alerting_burn_rate_threshold',
};
const PROMOTED_LABELS = ['service_name', 'feature_name', 'slo_name'];

/** Converts a v2 report to slo-generator's v1 shape. */
export function reportV2toV1(report: SloReport): Record<string, unknown> {
  const v1: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(report)) {
    if (key === 'metadata') continue;
    v1[RENAMED[key] ?? key] = value;
  }
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(report.metadata)) {
    if (key === 'name') continue;
    if (key === 'labels' && value && typeof value === 'object') {
      for (const [label, labelValue] of Object.entries(value as Record<string, unknown>)) {
        if (PROMOTED_LABELS.includes(label)) v1[label] = labelValue;
        else metadata[label] = labelValue;
      }
    } else {
      metadata[key] = value;
    }
  }
  v1.metadata = metadata;
  // Invalid reports have no top-level name; exporters that delete by SLO name still need it.
  v1.name ??= report.metadata.name;
  return v1;
}
