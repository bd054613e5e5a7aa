/**
 * Exporter registry: built-in exporters by config key (the part before `/`, so `prometheus/prod` is a
 * `prometheus` exporter), plugin classes by module path, as in slo-generator. A built-in exporter's module
 * is imported only when a config names it: most runs export nothing, and the CloudEvents SDK alone costs a
 * run more start-up time than computing a small SLO set.
 */
import { classifyEntryKey, type EntryType, SLO_GENERATOR_EXPORTER_TYPES } from '../config/entry-types.js';
import { lookup } from '../config/lookup.js';
import { isPluginKey, loadPluginClass } from '../plugins/loader.js';
import type { BuiltinExporter, Exporter, ExporterContext, ReportVersion } from './types.js';

/** Built-in exporter types and how to load each. */
const builtinExporters: Readonly<Record<string, () => Promise<BuiltinExporter>>> = {
  cloudevent: () => import('./cloudevent.js').then((m) => m.cloudeventExporter),
  history: () => import('./history.js').then((m) => m.historyExporter),
  json: () => import('./json.js').then((m) => m.jsonExporter),
  prometheus: () => import('./pushgateway.js').then((m) => m.pushgatewayExporter),
  prometheus_self: () => import('./prometheus-self.js').then((m) => m.prometheusSelfExporter),
};

/** Names of the built-in exporter types. */
export const BUILTIN_EXPORTER_TYPES: readonly string[] = Object.keys(builtinExporters);

/** The built-in exporter an exporter key names (its module loaded), or undefined for plugin and unknown keys. */
export async function builtinExporterFor(key: string): Promise<BuiltinExporter | undefined> {
  if (isPluginKey(key)) return undefined;
  return lookup(builtinExporters, key.split('/')[0]!)?.();
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
  return classifyEntryKey('exporter', key, BUILTIN_EXPORTER_TYPES, SLO_GENERATOR_EXPORTER_TYPES);
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
  const builtin = await builtinExporterFor(key);
  if (!builtin) throw new Error((exporterType(key) as { message: string }).message);
  return {
    key,
    className: className(key),
    instance: builtin.create(config, context),
    reportVersion: builtin.reportVersion,
  };
}
