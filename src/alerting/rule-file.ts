/**
 * Prometheus rule files (https://prometheus.io/docs/prometheus/latest/configuration/recording_rules/ and
 * alerting_rules/): `groups:` of recording and alerting rules, rendered deterministically. Keys come in the
 * documentation's order (record/alert, expr, for, labels, annotations), label and annotation names sorted, so
 * equal rules give equal bytes. Multi-line expressions are literal blocks; scalars YAML 1.1 would read as
 * something else (`yes`, `on`, `1.0`) are quoted, because Prometheus' YAML reader treats them as such.
 */
import { stringify } from 'yaml';

/** A recording rule: `record` is the series name, `expr` PromQL. */
export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Readonly<Record<string, string>>;
}

/** An alerting rule; `for` is a Prometheus duration text. */
export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Readonly<Record<string, string>>;
  annotations?: Readonly<Record<string, string>>;
}

export type Rule = RecordingRule | AlertingRule;

/** One rule group: evaluated in order, at the global interval unless `interval` is given. */
export interface RuleGroup {
  name: string;
  interval?: string;
  rules: readonly Rule[];
}

const sorted = (map: Readonly<Record<string, string>> | undefined) =>
  map && Object.keys(map).length
    ? Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : undefined;

function ruleObject(rule: Rule): Record<string, unknown> {
  const head = 'record' in rule ? { record: rule.record } : { alert: rule.alert };
  const out: Record<string, unknown> = { ...head, expr: rule.expr };
  if ('alert' in rule && rule.for !== undefined) out.for = rule.for;
  const labels = sorted(rule.labels);
  if (labels) out.labels = labels;
  const annotations = 'alert' in rule ? sorted(rule.annotations) : undefined;
  if (annotations) out.annotations = annotations;
  return out;
}

/**
 * The rule file text: `header` lines as `# ` comments, then `groups:`. Pure and deterministic.
 */
export function renderRuleFile(groups: readonly RuleGroup[], header: readonly string[] = []): string {
  const body = {
    groups: groups.map((g) => ({
      name: g.name,
      ...(g.interval === undefined ? {} : { interval: g.interval }),
      rules: g.rules.map(ruleObject),
    })),
  };
  const comments = header.map((line) => `# ${line}\n`).join('');
  return `${comments}${stringify(body, { indentSeq: false, lineWidth: 0, version: '1.1' })}`;
}
