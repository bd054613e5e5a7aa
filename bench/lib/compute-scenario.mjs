/**
 * The compute scenario of the end-to-end benchmark (issue 11): `services` services x 4 SLOs, each with
 * slo-generator's 4-step policy (1h, 12h, 7d, 28d), on the `prometheus` backend over `benchHistory` data.
 *
 * Every SLO is good_bad_ratio (default operators increase, sum). The 4 SLOs of a service share its
 * denominator filter_valid = http_requests_total{service="svc-NN"} and differ in filter_good, so a run needs
 * services x 4 windows x (4 good + 1 shared valid) distinct (query, window) pairs: 1000 for 50 services.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { POLICY_STEPS, sloConfig } from './slo-config.mjs';

/** The SLO kinds of each service: [name, filter_good of service `s`, goal]. */
const KINDS = [
  ['availability', (s) => `http_requests_total{service="${s}", code!~"5.."}`, 0.995],
  ['latency-100ms', (s) => `http_request_duration_seconds_bucket{service="${s}", le="0.1"}`, 0.6],
  ['latency-250ms', (s) => `http_request_duration_seconds_bucket{service="${s}", le="0.25"}`, 0.88],
  ['latency-1s', (s) => `http_request_duration_seconds_bucket{service="${s}", le="1"}`, 0.99],
];

/**
 * Four SLO configs (slo-generator v2 objects) per service of `profiles` (`benchHistory().profiles`).
 * @param {readonly { name: string }[]} profiles
 */
export function scenarioSlos(profiles) {
  return profiles.flatMap(({ name: service }) =>
    KINDS.map(([kind, good, goal]) =>
      sloConfig(
        `${service}-${kind}`,
        { service_name: service, feature_name: 'http', slo_name: kind },
        {
          description: `${kind} of ${service}`,
          sli: { filter_good: good(service), filter_valid: `http_requests_total{service="${service}"}` },
          goal,
        },
      ),
    ),
  );
}

/** Shared config: the Prometheus backend at `url`, the 4-step `default` policy, no exporters. */
export function scenarioShared(url) {
  return {
    backends: { prometheus: { url } },
    exporters: {},
    error_budget_policies: { default: { steps: POLICY_STEPS } },
    default_exporters: [],
  };
}

/**
 * Writes the scenario as a user would have it on disk: one YAML file per SLO in `<dir>/slos/`, the shared
 * config in `<dir>/config-<name>.yaml` for each backend URL of `urls` (name → URL).
 * @returns {{ sloDir: string, configs: Record<string, string> }} paths of the SLO directory and config files.
 */
export function writeScenario(dir, profiles, urls) {
  const sloDir = join(dir, 'slos');
  mkdirSync(sloDir, { recursive: true });
  for (const slo of scenarioSlos(profiles)) {
    writeFileSync(join(sloDir, `${slo.metadata.name}.yaml`), stringify(slo));
  }
  const configs = {};
  for (const [name, url] of Object.entries(urls)) {
    configs[name] = join(dir, `config-${name}.yaml`);
    writeFileSync(configs[name], stringify(scenarioShared(url)));
  }
  return { sloDir, configs };
}
