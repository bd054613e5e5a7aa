/**
 * The `/metrics` view of event classification: the SLO event counters, the producer's own counters and,
 * with exposeRulesAsMetrics, the rules' threshold gauge. Family names keep slo-exporter's
 * (`slo_exporter_slo_event_producer_*`, `slo_exporter_prometheus_exporter_*`) so its alerts work unchanged;
 * `slo_exporter_slo_event_producer_events_processed_total` and `…_evaluation_errors_total` are slokit's
 * additions under the same prefix, as is `slokit_events_malformed_lines_total` for the input reader. Not
 * exposed: the producer's `evaluation_duration_seconds` histogram (README "differs on purpose").
 */
import type { MetricFamily } from '../lang/prometheus-text.js';
import type { ClassifierStats } from './classifier.js';
import type { SloEventCounters } from './counters.js';

const PRODUCER = 'slo_exporter_slo_event_producer_';
const EXPORTER = 'slo_exporter_prometheus_exporter_';
/** slo-exporter puts this constant label on its exporter gauges. */
const EXPORTER_LABELS = { app: 'slo_exporter' };

/** A counter family of one unlabelled sample. */
const counter = (name: string, help: string, value: number): MetricFamily => ({
  name,
  help,
  type: 'counter',
  samples: [{ value }],
});

/** Families of the input's malformed lines, the classifier's counts and the counters' key gauges. */
export function producerFamilies(
  stats: ClassifierStats,
  counters: SloEventCounters,
  malformedLines: number,
): MetricFamily[] {
  return [
    counter('slokit_events_malformed_lines_total', 'Input lines skipped as malformed.', malformedLines),
    counter(
      `${PRODUCER}events_processed_total`,
      'Raw events evaluated by the SLO event producer.',
      stats.processed,
    ),
    counter(
      `${PRODUCER}unclassified_events_total`,
      'Raw events dropped because their SLO domain, class or app was empty.',
      stats.unclassified,
    ),
    counter(
      `${PRODUCER}events_not_matching_any_rule_total`,
      'Classified raw events that no rule matched.',
      stats.unmatched,
    ),
    counter(
      `${PRODUCER}evaluation_errors_total`,
      'Rule conditions whose event value did not parse as a number or duration.',
      stats.evaluationErrors,
    ),
    {
      name: `${EXPORTER}event_keys`,
      help: 'Number of distinct event keys counted.',
      type: 'gauge',
      samples: [{ labels: EXPORTER_LABELS, value: counters.eventKeys }],
    },
    {
      name: `${EXPORTER}event_keys_limit`,
      help: 'Maximum number of distinct event keys (0: no limit).',
      type: 'gauge',
      samples: [{ labels: EXPORTER_LABELS, value: counters.eventKeysLimit }],
    },
    {
      // slo-exporter counts SLO events with an invalid result here; slokit's classifier only gives success
      // or fail, so it stays 0, exposed so alerts and absent() checks on it keep working.
      name: `${EXPORTER}errors_total`,
      help: 'SLO events the exporter could not count, by error type (never: results are always success or fail).',
      type: 'counter',
      samples: [{ labels: { ...EXPORTER_LABELS, type: 'InvalidResult' }, value: 0 }],
    },
  ];
}
