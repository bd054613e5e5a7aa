/**
 * Exporter registry: built-in exporters by config key (the part before `/`, so `prometheus/prod` is a
 * `prometheus` exporter), plugin classes by module path, as in slo-generator.
 */
import { classifyEntryKey, type EntryType, SLO_GENERATOR_EXPORTER_TYPES } from '../config/entry-types.js';
import { lookup } from '../config/lookup.js';
import { isPluginKey, loadPluginClass } from '../plugins/loader.js';
import { cloudeventExporter } from './cloudevent.js';
import { historyExporter } from './history.js';
import { jsonExporter } from './json.js';
import { prometheusSelfExporter } from './prometheus-self.js';
import { pushgatewayExporter } from './pushgateway.js';
import type { BuiltinExporter, Exporter, ExporterContext, ReportVersion } from './types.js';

export const builtinExporters: Readonly<Record<string, BuiltinExporter>> = {
  cloudevent: cloudeventExporter,
  history: historyExporter,
  json: jsonExporter,
  prometheus: pushgatewayExporter,
  prometheus_self: prometheusSelfExporter,
};

/** Built-in type of an exporter key, or undefined for plugin keys. */
export function builtinExporterFor(key: string): BuiltinExporter | undefined {
  if (isPluginKey(key)) return undefined;
  return lookup(builtinExporters, key.split('/')[0]!);
}

/** An exporter ready to use, with the report version it expects. */
export interface ResolvedExporter {
  key: string;
  /** Class name shown in error messages (`PrometheusExporter "prometheus/prod" failed. | ...`). */
  className: string;
  instance: Exporter;
  reportVersion: ReportVersion;
}

/** What an exporter key names: built-in, plugin, a slo-generator type slokit lacks, or unknown. */
export function exporterType(key: string): EntryType {
  return classifyEntryKey('exporter', key, Object.keys(builtinExporters), SLO_GENERATOR_EXPORTER_TYPES);
}

const className = (key: string) =>
  `${key
    .split('/')[0]!
    .split('_')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('')}Exporter`;

/**
 * Creates the exporter a key names; throws an `Error` naming an unsupported or unknown type, or the plugin
 * loading problem. Plugins are classes constructed with their config block (slo-generator passes nothing;
 * extra arguments are harmless to such classes).
 */
export async function createExporter(
  key: string,
  config: Record<string, unknown>,
  context: ExporterContext,
): Promise<ResolvedExporter> {
  if (isPluginKey(key)) {
    const Cls = await loadPluginClass(key, context.pluginDirs);
    const instance = new Cls(config) as Exporter;
    if (typeof instance.export !== 'function')
      throw new TypeError(`plugin exporter "${key}" has no export method`);
    const version = (Cls as unknown as { reportVersion?: ReportVersion }).reportVersion ?? 1;
    return { key, className: Cls.name, instance, reportVersion: version };
  }
  const builtin = builtinExporterFor(key);
  if (!builtin) throw new Error((exporterType(key) as { message: string }).message);
  return {
    key,
    className: className(key),
    instance: builtin.create(config, context),
    reportVersion: builtin.reportVersion,
  };
}
