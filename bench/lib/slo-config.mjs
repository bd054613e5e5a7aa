/**
 * slo-generator v2 SLO configs for the benchmarks. Plain data, no import of `dist/`: the whole-process
 * benchmarks (compute-e2e) depend only on the command line, never on slokit's internals.
 */

/** slo-generator's four-step error budget policy: 1 hour, 12 hours, 7 days, 28 days. */
export const POLICY_STEPS = [
  { name: '1 hour', window: 3600, burn_rate_threshold: 9, message_alert: 'page', message_ok: 'ok' },
  { name: '12 hours', window: 43200, burn_rate_threshold: 3, message_alert: 'page', message_ok: 'ok' },
  { name: '7 days', window: 604800, burn_rate_threshold: 1.5, message_alert: 'ticket', message_ok: 'ok' },
  { name: '28 days', window: 2419200, burn_rate_threshold: 1, message_alert: 'ticket', message_ok: 'ok' },
];

/**
 * An slo-generator v2 `good_bad_ratio` SLO on the `prometheus` backend.
 * @param {string} name
 * @param {Record<string, string>} labels
 * @param {{ description?: string, exporters?: string[], sli?: Record<string, unknown>, goal?: number }} [spec]
 */
export function sloConfig(name, labels, { description = name, exporters, sli = {}, goal = 0.999 } = {}) {
  return {
    apiVersion: 'sre.google.com/v2',
    kind: 'ServiceLevelObjective',
    metadata: { name, labels },
    spec: {
      description,
      backend: 'prometheus',
      method: 'good_bad_ratio',
      ...(exporters ? { exporters } : {}),
      service_level_indicator: sli,
      goal,
    },
  };
}
