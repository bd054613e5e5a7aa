/**
 * exposeRulesAsMetrics: the numeric thresholds of rule files as the gauge
 * `slo_exporter_slo_event_producer_slo_rules_threshold` (shared/seeds/002; slo-exporter `ruleOptionsToMetrics`,
 * shared/reference/slo-exporter.md §2.6), so alerts and dashboards can read thresholds next to the events.
 *
 * Per rule, one sample per exposed failure condition, valued at its parsed threshold:
 * - exposed conditions are the number operators (`number*`; duration, string and regexp ones never are).
 *   When the rule marks some condition `expose_as_metric: true` only those are exposed (the seed's example);
 *   otherwise every number condition not marked `false` is (slo-exporter v6, which has no such flag);
 * - labels: `operator` (the operator name as written in the file), then the rule's `additional_metadata`
 *   (which may override `operator`), then the rule's equality metadata matchers: `equalTo` as `key: value`,
 *   `numberEqualTo` as `key: %g of its threshold`. `slo_matcher` is not exposed;
 * - every sample carries the union of all label names, missing ones as `""`;
 * - two samples with the same labels: the later rule wins, as with slo-exporter's `Set`.
 */
import type { ConfigIssue } from '../config/errors.js';
import { formatValue, isValidLabelName, type MetricFamily, type Sample } from '../lang/prometheus-text.js';
import type { CompiledRule } from './rules-file.js';

/** Name of the threshold gauge. */
export const RULES_THRESHOLD_METRIC = 'slo_exporter_slo_event_producer_slo_rules_threshold';
const HELP = "Threshold exposed based on information from slo_event_producer's slo_rules configuration";

/** Go's `%g` of a float64: the exposition's number format, but `-0` keeps its sign. */
function formatG(value: number): string {
  return Object.is(value, -0) ? '-0' : formatValue(value);
}

/**
 * The threshold gauge of `rules` and the problems that prevent exposing it (label names Prometheus does
 * not accept, each at its rule's position). Samples of a rule with a problem are left out.
 */
export function ruleThresholdFamily(rules: readonly CompiledRule[]): {
  family: MetricFamily;
  problems: ConfigIssue[];
} {
  const problems: ConfigIssue[] = [];
  const found: { labels: Record<string, string>; value: number }[] = [];
  const names = new Set<string>();
  for (const rule of rules) {
    const number = rule.failureConditions.filter((c) => c.operator.kind === 'number');
    const marked = number.some((c) => c.exposeAsMetric === true);
    const exposed = number.filter((c) => (marked ? c.exposeAsMetric === true : c.exposeAsMetric !== false));
    for (const condition of exposed) {
      const labels: Record<string, string> = Object.create(null);
      labels.operator = condition.operatorName;
      Object.assign(labels, rule.additionalMetadata);
      for (const matcher of rule.metadataMatchers) {
        if (!matcher.operator.equality) continue;
        labels[matcher.key] = matcher.threshold === undefined ? matcher.value : formatG(matcher.threshold);
      }
      const invalid = Object.keys(labels).filter((name) => !isValidLabelName(name));
      if (invalid.length) {
        problems.push({
          ...rule.origin,
          message:
            `cannot expose the rule's threshold: ${invalid.map((n) => JSON.stringify(n)).join(', ')} ` +
            'is not a valid Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, no leading "__")',
        });
        continue;
      }
      for (const name of Object.keys(labels)) names.add(name);
      found.push({ labels, value: condition.threshold! });
    }
  }
  const all = [...names].sort();
  const samples = new Map<string, Sample>();
  for (const { labels, value } of found) {
    const filled: Record<string, string> = {};
    for (const name of all) filled[name] = labels[name] ?? '';
    const identity = JSON.stringify(all.map((name) => filled[name]));
    samples.delete(identity); // re-inserted: the later rule's sample wins
    samples.set(identity, { labels: filled, value });
  }
  return {
    family: { name: RULES_THRESHOLD_METRIC, help: HELP, type: 'gauge', samples: [...samples.values()] },
    problems,
  };
}
