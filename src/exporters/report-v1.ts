/**
 * slo-generator's v2 → v1 report conversion (`report_v2tov1`). Its metrics and custom exporters receive v1
 * reports, so metric names such as `slo_target` and `alerting_burn_rate_threshold` and the flattened
 * `service_name`/`feature_name`/`slo_name` keys keep working for slokit users.
 *
 * The conversion (slo-generator's `utils.report_v2tov1`): `goal` → `slo_target`, `description` →
 * `slo_description`, `error_budget_burn_rate_threshold` → `alerting_burn_rate_threshold`, in place; the
 * labels `service_name`, `feature_name` and `slo_name` move to the top level; every other label and every
 * other metadata key except `name` goes into a flat `metadata` object; all other fields are copied as they are.
 */
import type { InvalidReport, SloMetadata, SloReport, ValidReport } from '../domain/types.js';

/** A metadata label value as written in YAML. */
type LabelValue = string | number | boolean;

/** The labels a v1 report carries at its top level (present when the SLO's `metadata.labels` has them). */
export type PromotedLabels = {
  service_name?: LabelValue;
  feature_name?: LabelValue;
  slo_name?: LabelValue;
};

/**
 * v1 `metadata`: the SLO's labels other than the promoted ones, and its other metadata keys except `name`,
 * in one flat object (`{env: 'prod', team: 'sre'}`).
 */
export type MetadataV1 = Record<string, unknown>;

/** The v1 form of a valid report: the v2 fields under their v1 names (units as in `ValidReport`). */
export type ValidReportV1 = Omit<
  ValidReport,
  'goal' | 'description' | 'error_budget_burn_rate_threshold' | 'metadata'
> &
  PromotedLabels & {
    /** v2 `goal`: target SLI, ratio. */
    slo_target: number;
    /** v2 `description`. */
    slo_description: string;
    /** v2 `error_budget_burn_rate_threshold`. */
    alerting_burn_rate_threshold: number;
    metadata: MetadataV1;
  };

/**
 * The v1 form of an invalid report. `name` (the SLO's `metadata.name`) is added by slokit: slo-generator's
 * invalid v1 report has none, and exporters that delete by SLO name need it.
 */
export type InvalidReportV1 = Omit<InvalidReport, 'metadata'> &
  PromotedLabels & {
    name: string;
    metadata: MetadataV1;
  };

/** A report in slo-generator's v1 shape, as metrics exporters and plugin exporters receive it by default. */
export type SloReportV1 = ValidReportV1 | InvalidReportV1;

const RENAMED: Readonly<Record<string, string>> = {
  goal: 'slo_target',
  description: 'slo_description',
  error_budget_burn_rate_threshold: 'alerting_burn_rate_threshold',
};
const PROMOTED_LABELS: readonly string[] = ['service_name', 'feature_name', 'slo_name'];

/** Converts a v2 report to slo-generator's v1 shape (a new object; the report is not changed). Never throws. */
export function reportV2toV1(report: ValidReport): ValidReportV1;
export function reportV2toV1(report: InvalidReport): InvalidReportV1;
export function reportV2toV1(report: SloReport): SloReportV1;
export function reportV2toV1(report: SloReport): SloReportV1 {
  const v1: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(report)) {
    if (key === 'metadata') continue;
    v1[RENAMED[key] ?? key] = value;
  }
  const metadata: MetadataV1 = {};
  for (const [key, value] of Object.entries(report.metadata as SloMetadata)) {
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
  // Built field by field from a typed report, following the mapping documented above.
  return v1 as SloReportV1;
}
