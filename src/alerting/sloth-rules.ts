/**
 * Rules from Sloth `prometheus/v1` specs, with Sloth's names, labels, groups and expression text (Sloth
 * v0.16, shared/reference/prometheus.md §4.3), so Sloth's Grafana dashboards and alert routes keep working:
 * per SLO the groups `sloth-slo-sli-recordings-<id>` (`slo:sli_error:ratio_rate<w>` for the alert windows
 * and the period, the period one as Sloth's optimised mean of 5m ratios), `sloth-slo-meta-recordings-<id>`
 * (`slo:objective:ratio`, `slo:error_budget:ratio`, `slo:time_period:days`, `slo:current_burn_rate:ratio`,
 * `slo:period_burn_rate:ratio`, `slo:period_error_budget_remaining:ratio`, `sloth_slo_info`) and
 * `sloth-slo-alerts-<id>` (page and ticket alerts named `alerting.name`). Labels: extra labels, then the
 * spec's, then the SLO's (later wins), plus `sloth_id` (`<service>-<slo>`), `sloth_service`, `sloth_slo`,
 * `sloth_window`. Numbers print as Go's `%v` (`0.9990000000000001`). Burn-rate factors come from windows.ts
 * (the same formula as Sloth's; any period, not only 28d and 30d). Pure.
 */
import { formatValue } from '../lang/prometheus-text.js';
import type { AlertingRule, RecordingRule, RuleGroup } from './rule-file.js';
import { renderWindow, type SlothSlo, type SlothSpec } from './sloth-spec.js';
import {
  BURN_RATE_WINDOWS,
  burnRateFactor,
  prometheusDuration,
  type Severity,
  sliWindows,
} from './windows.js';

/** Generation settings (Sloth's CLI flags). */
export interface SlothOptions {
  /** SLO period, seconds (Sloth's `--default-slo-period`, default 30d). */
  period: number;
  /** Added to every recording rule (Sloth's `--extra-labels`). */
  extraLabels: Readonly<Record<string, string>>;
  /** `sloth_version` of `sloth_slo_info`. */
  version: string;
}

const DEFAULT_TITLE = (severity: Severity) =>
  `(${severity}) {{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is too fast.`;
const DEFAULT_SUMMARY =
  '{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over expected.';

/** The three rule groups of every SLO of a spec, in spec order. */
export function slothRuleGroups(spec: SlothSpec, options: SlothOptions): RuleGroup[] {
  return spec.slos.flatMap((slo) => sloGroups(spec, slo, options));
}

function sloGroups(spec: SlothSpec, slo: SlothSlo, options: SlothOptions): RuleGroup[] {
  const id = `${spec.service}-${slo.name}`;
  const identity = { sloth_id: id, sloth_service: spec.service, sloth_slo: slo.name };
  const labels = { ...options.extraLabels, ...spec.labels, ...slo.labels, ...identity };
  const selector = `{sloth_id=${JSON.stringify(id)}, sloth_service=${JSON.stringify(spec.service)}, sloth_slo=${JSON.stringify(slo.name)}}`;
  const period = prometheusDuration(options.period);
  const windows = sliWindows(options.period);
  const errorBudget = formatValue((100 - slo.objective) / 100);
  const objective = formatValue(slo.objective / 100);

  const sliExpr = (range: string) => {
    const { events, raw } = slo.sli;
    if (events)
      return `(${renderWindow(events.error_query, range)})\n/\n(${renderWindow(events.total_query, range)})\n`;
    return `(${renderWindow(raw!.error_ratio_query, range)})`;
  };
  const shortest = `slo:sli_error:ratio_rate${prometheusDuration(windows[0]!)}${selector}`;
  const sli: RecordingRule[] = windows.map((w, i) => {
    const range = prometheusDuration(w);
    const expr =
      i < windows.length - 1
        ? sliExpr(range)
        : `sum_over_time(${shortest}[${range}])\n/ ignoring (sloth_window)\ncount_over_time(${shortest}[${range}])\n`;
    return { record: `slo:sli_error:ratio_rate${range}`, expr, labels: { ...labels, sloth_window: range } };
  });

  const burnRate = (ratio: string) =>
    `${ratio}${selector}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio${selector}\n`;
  const meta: RecordingRule[] = [
    { record: 'slo:objective:ratio', expr: `vector(${objective})`, labels },
    { record: 'slo:error_budget:ratio', expr: `vector(1-${objective})`, labels },
    { record: 'slo:time_period:days', expr: `vector(${formatValue(options.period / 86_400)})`, labels },
    {
      record: 'slo:current_burn_rate:ratio',
      expr: burnRate(shortest.slice(0, shortest.indexOf('{'))),
      labels,
    },
    { record: 'slo:period_burn_rate:ratio', expr: burnRate(`slo:sli_error:ratio_rate${period}`), labels },
    {
      record: 'slo:period_error_budget_remaining:ratio',
      expr: `1 - slo:period_burn_rate:ratio${selector}`,
      labels,
    },
    {
      record: 'sloth_slo_info',
      expr: 'vector(1)',
      labels: {
        ...labels,
        sloth_mode: 'cli-gen-prom',
        sloth_objective: String(slo.objective),
        sloth_spec: 'prometheus/v1',
        sloth_version: options.version,
      },
    },
  ];

  const alerts: AlertingRule[] = [];
  for (const severity of ['page', 'ticket'] as const) {
    const settings = severity === 'page' ? slo.alerting.page_alert : slo.alerting.ticket_alert;
    if (settings.disable) continue;
    const clause = (range: number, factor: string) =>
      `max(slo:sli_error:ratio_rate${prometheusDuration(range)}${selector} > (${factor} * ${errorBudget})) without (sloth_window)`;
    const expr = BURN_RATE_WINDOWS.filter((w) => w.severity === severity)
      .map((w) => {
        const factor = formatValue(burnRateFactor(w, options.period));
        return `(\n    ${clause(w.short, factor)}\n    and\n    ${clause(w.long, factor)}\n)`;
      })
      .join('\nor\n');
    alerts.push({
      alert: slo.alerting.name!,
      expr: `${expr}\n`,
      labels: { ...slo.alerting.labels, ...settings.labels, sloth_severity: severity },
      annotations: {
        title: DEFAULT_TITLE(severity),
        summary: DEFAULT_SUMMARY,
        ...slo.alerting.annotations,
        ...settings.annotations,
      },
    });
  }
  const groups: RuleGroup[] = [
    { name: `sloth-slo-sli-recordings-${id}`, rules: sli },
    { name: `sloth-slo-meta-recordings-${id}`, rules: meta },
  ];
  if (alerts.length) groups.push({ name: `sloth-slo-alerts-${id}`, rules: alerts });
  return groups;
}
