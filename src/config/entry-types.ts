/**
 * The types a backend or exporter key may name, and how `validate` treats a key: a slokit built-in, a
 * plugin module path, a slo-generator type slokit does not implement ("unsupported": a problem only for the
 * SLOs that use it), or an unknown type (an error, with a did-you-mean). slo-generator's types are listed
 * here and nowhere else.
 */

import { isPluginKey } from '../plugins/loader.js';
import { didYouMean } from './did-you-mean.js';

/** slo-generator 2.6's backend types (`slo_generator/backends/*.py`). */
export const SLO_GENERATOR_BACKEND_TYPES: readonly string[] = [
  'cloud_monitoring',
  'cloud_monitoring_mql',
  'cloud_service_monitoring',
  'datadog',
  'dynatrace',
  'elasticsearch',
  'open_search',
  'prometheus',
  'splunk',
];

/** slo-generator 2.6's exporter types (`slo_generator/exporters/*.py`). */
export const SLO_GENERATOR_EXPORTER_TYPES: readonly string[] = [
  'bigquery',
  'cloud_monitoring',
  'cloudevent',
  'datadog',
  'dynatrace',
  'prometheus',
  'prometheus_self',
  'pubsub',
];

/** What a backend or exporter key names. `message` explains an unsupported or unknown type. */
export type EntryType =
  | { kind: 'builtin' | 'plugin'; type: string }
  | { kind: 'unsupported' | 'unknown'; type: string; message: string };

/** The type part of a key: `prometheus/prod` → `prometheus` (slo-generator ignores the suffix too). */
export const typeOfKey = (key: string): string => (isPluginKey(key) ? key : key.split('/')[0]!);

/**
 * Classifies a backend or exporter key.
 * @param role `backend` or `exporter`, for messages.
 * @param builtins the types slokit implements for that role.
 * @param upstream slo-generator's types for that role (`SLO_GENERATOR_BACKEND_TYPES` / `..._EXPORTER_TYPES`).
 */
export function classifyEntryKey(
  role: 'backend' | 'exporter',
  key: string,
  builtins: readonly string[],
  upstream: readonly string[],
): EntryType {
  const type = typeOfKey(key);
  if (isPluginKey(key)) return { kind: 'plugin', type };
  if (builtins.includes(type)) return { kind: 'builtin', type };
  const supported = `supported: ${builtins.join(', ')}, or a plugin module path such as custom.module.Class`;
  if (upstream.includes(type))
    return {
      kind: 'unsupported',
      type,
      message: `${role} type "${type}" is a slo-generator type slokit does not implement (${supported})`,
    };
  const hint = didYouMean(type, [...new Set([...builtins, ...upstream])]);
  return {
    kind: 'unknown',
    type,
    message: `unknown ${role} type "${type}"${hint ? `; did you mean "${hint}"?` : ''} (${supported})`,
  };
}
