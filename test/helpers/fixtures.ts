/**
 * Config fixtures shared by tests: slo-generator's sample error budget policy, and SLO / policy YAML written
 * line by line the way slo-generator's samples are (tests check file:line:column positions in them).
 */
import type { PolicyStep } from '../../src/domain/types.js';

/** slo-generator's sample error budget policy: 1 hour, 12 hours, 7 days, 28 days with its messages. */
export const POLICY_STEPS: readonly PolicyStep[] = [
  {
    name: '1 hour',
    window: 3600,
    burn_rate_threshold: 9,
    message_alert: 'Page to defend the SLO',
    message_ok: 'Last hour on track',
  },
  {
    name: '12 hours',
    window: 43200,
    burn_rate_threshold: 3,
    message_alert: 'Page to defend the SLO',
    message_ok: 'Last 12 hours on track',
  },
  {
    name: '7 days',
    window: 604800,
    burn_rate_threshold: 1.5,
    message_alert: 'Dev team dedicates 25% of engineers to the reliability backlog',
    message_ok: 'Last week on track',
  },
  {
    name: '28 days',
    window: 2419200,
    burn_rate_threshold: 1,
    message_alert: 'Freeze release, unless related to reliability or security',
    message_ok: 'Unfreeze release, per the agreed roll-out policy',
  },
];

/** The first step of `POLICY_STEPS`: 1 hour, burn rate threshold 9. */
export const ONE_HOUR_STEP: PolicyStep = POLICY_STEPS[0]!;

/** A policy step named `name` over `window` seconds, alerting above `burnRateThreshold` (default 1). */
export const policyStep = (name: string, window: number, burnRateThreshold = 1): PolicyStep => ({
  name,
  window,
  burn_rate_threshold: burnRateThreshold,
  message_alert: 'alert',
  message_ok: 'ok',
});

/**
 * `steps` as the YAML items of a policy's `steps:` list in a shared config (`error_budget_policies` › policy ›
 * `steps`): `- ` at column 7, then one `key: value` line per field, in the object's order.
 */
export function policyStepsYaml(steps: readonly object[]): string {
  return steps
    .map((step) =>
      Object.entries(step)
        .map(([key, value], i) => `${i === 0 ? '      - ' : '        '}${key}: ${value}\n`)
        .join(''),
    )
    .join('');
}

/** An SLO config file; fields written in this order, values as given (no quoting). */
export interface SloYaml {
  name: string;
  /** One line each under `metadata.labels` (the key is left out when empty). */
  labels?: Record<string, string>;
  description: string;
  backend?: string;
  method: string;
  /** A flow sequence: `exporters: [a, b]`. */
  exporters?: string[];
  /** One line each under `spec.service_level_indicator`. */
  sli: Record<string, string | number>;
  goal: number;
}

/**
 * An slo-generator v2 SLO file:
 *
 *   apiVersion: sre.google.com/v2
 *   kind: ServiceLevelObjective
 *   metadata:
 *     name: <name>
 *     labels:             (with labels; one line per label below)
 *       <label>: <value>
 *   spec:
 *     description: <description>
 *     backend: <backend>  (default prometheus)
 *     method: <method>
 *     exporters: [...]    (with exporters)
 *     service_level_indicator:
 *       <field>: <value>  (one line per SLI field)
 *     goal: <goal>
 */
export function sloYaml(slo: SloYaml): string {
  const labels = Object.entries(slo.labels ?? {});
  return [
    'apiVersion: sre.google.com/v2',
    'kind: ServiceLevelObjective',
    'metadata:',
    `  name: ${slo.name}`,
    ...(labels.length ? ['  labels:', ...labels.map(([key, value]) => `    ${key}: ${value}`)] : []),
    'spec:',
    `  description: ${slo.description}`,
    `  backend: ${slo.backend ?? 'prometheus'}`,
    `  method: ${slo.method}`,
    ...(slo.exporters ? [`  exporters: [${slo.exporters.join(', ')}]`] : []),
    '  service_level_indicator:',
    ...Object.entries(slo.sli).map(([key, value]) => `    ${key}: ${value}`),
    `  goal: ${slo.goal}`,
    '',
  ].join('\n');
}
