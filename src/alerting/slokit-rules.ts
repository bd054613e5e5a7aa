/**
 * slokit's own recording and alerting rules for one SLO: one rule group `slokit-slo-<name>` (one group, so
 * the alerts of an evaluation read the ratios recorded in that same evaluation, rules of a group running in
 * order). Names follow Prometheus' `level:metric:operations` convention, `slokit:` standing for the level
 * (the SLO's labels identify the series):
 *
 * | record | value |
 * | `slokit:slo_errors_per_request:ratio_rate<w>` | bad / valid events over w, for 5m 30m 1h 2h 6h 1d 3d and the period |
 * | `slokit:slo_burn_rate:ratio_rate<w>` | that ratio / (1 − goal): 1 spends the budget exactly over the period |
 * | `slokit:slo_objective:ratio` | the goal (0.999) |
 * | `slokit:slo_period:seconds` | the SLO period |
 * | `slokit:slo_error_budget_remaining:ratio` | 1 − burn rate over the period (negative: overspent) |
 *
 * The period ratio is events-weighted (counts over the whole period), as slokit's reports compute it, not
 * Sloth's mean of 5-minute ratios. Every series carries `slo` (the SLO name, unique in one Prometheus),
 * `service`/`feature` (from `service_name`/`feature_name`) and the SLO's other labels. Alerts
 * (windows.ts): one page alert (1h/5m or 6h/30m) and one ticket alert (1d/2h or 3d/6h), each firing while
 * the burn rate is above the pair's factor over both windows; the long window's burn rate is the value. No
 * `for:`: the short window already makes alerts start and resolve within minutes (workbook).
 */
import { formatDuration } from '../lang/duration.js';
import { formatValue } from '../lang/prometheus-text.js';
import type { AlertingRule, RecordingRule, RuleGroup } from './rule-file.js';
import type { ErrorRatioQuery } from './sli-queries.js';
import { BURN_RATE_WINDOWS, burnRateFactor, type Severity, sliWindows } from './windows.js';

export const ERROR_RATIO_RECORD = 'slokit:slo_errors_per_request:ratio_rate';
export const BURN_RATE_RECORD = 'slokit:slo_burn_rate:ratio_rate';

/** One SLO as rule generation needs it. */
export interface SloRuleInput {
  /** The SLO's `metadata.name`: the `slo` label. */
  name: string;
  /** Target, ratio (0.999). */
  goal: number;
  /** SLO period, seconds. */
  period: number;
  errorRatio: ErrorRatioQuery;
  /** Labels of every series and alert, `slo` excluded (it is added). */
  labels: Readonly<Record<string, string>>;
  /** Annotations replacing or adding to the defaults (summary, description), e.g. runbook_url. */
  annotations: Readonly<Record<string, string>>;
}

/** Alert naming shared by every SLO of a run. */
export interface AlertOptions {
  /** `alertname` of both alerts; default `SLOErrorBudgetBurn`. */
  alertName: string;
  /** `severity` label value per severity; default `page` and `ticket`. */
  severity: Readonly<Record<Severity, string>>;
}

export const DEFAULT_ALERT_OPTIONS: AlertOptions = {
  alertName: 'SLOErrorBudgetBurn',
  severity: { page: 'page', ticket: 'ticket' },
};

/** `99.9` for 0.999, without binary noise. */
const percent = (ratio: number) => formatValue(Number((ratio * 100).toPrecision(12)));

/** The rule group of one SLO. Pure; the same input gives the same rules. */
export function slokitRuleGroup(slo: SloRuleInput, options: AlertOptions = DEFAULT_ALERT_OPTIONS): RuleGroup {
  const labels = { ...slo.labels, slo: slo.name };
  const selector = `{slo=${JSON.stringify(slo.name)}}`;
  const windows = sliWindows(slo.period);
  const name = (record: string, w: number) => `${record}${formatDuration(w)}`;
  const budget = `(1 - ${formatValue(slo.goal)})`;
  const records: RecordingRule[] = [
    ...windows.map((w) => ({
      record: name(ERROR_RATIO_RECORD, w),
      expr: slo.errorRatio(formatDuration(w)),
      labels,
    })),
    ...windows.map((w) => ({
      record: name(BURN_RATE_RECORD, w),
      expr: `${name(ERROR_RATIO_RECORD, w)}${selector} / ${budget}`,
      labels,
    })),
    { record: 'slokit:slo_objective:ratio', expr: `vector(${formatValue(slo.goal)})`, labels },
    { record: 'slokit:slo_period:seconds', expr: `vector(${slo.period})`, labels },
    {
      record: 'slokit:slo_error_budget_remaining:ratio',
      expr: `1 - ${name(BURN_RATE_RECORD, slo.period)}${selector}`,
      labels,
    },
  ];
  const alerts = (['page', 'ticket'] as const).map((severity): AlertingRule => {
    const pairs = BURN_RATE_WINDOWS.filter((w) => w.severity === severity);
    const condition = pairs
      .map((w) => {
        const factor = formatValue(burnRateFactor(w, slo.period));
        return `(\n  ${name(BURN_RATE_RECORD, w.long)}${selector} > ${factor}\n  and\n  ${name(BURN_RATE_RECORD, w.short)}${selector} > ${factor}\n)`;
      })
      .join('\nor\n');
    const explained = pairs
      .map((w) => {
        const factor = formatValue(burnRateFactor(w, slo.period));
        return `above ${factor} over ${formatDuration(w.long)} and ${formatDuration(w.short)} (${w.budgetPercent}% of the budget spent in ${formatDuration(w.long)})`;
      })
      .join(', or ');
    return {
      alert: options.alertName,
      expr: `${condition}\n`,
      // `slo` also here: promtool's lint refuses alerts of one name whose own labels are equal.
      labels: { severity: options.severity[severity], slo: slo.name },
      annotations: {
        summary: `SLO ${slo.name} is burning its error budget too fast (${severity})`,
        description: `The error budget burn rate of SLO ${slo.name} (goal ${percent(slo.goal)}% over ${formatDuration(slo.period)}) is ${explained}.`,
        ...slo.annotations,
      },
    };
  });
  return { name: `slokit-slo-${slo.name}`, rules: [...records, ...alerts] };
}
