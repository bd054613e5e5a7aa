/**
 * Backend registry: built-in backends by config key, plugin classes by module path. A key's part before `/`
 * names the type (`prometheus/prod` is a `prometheus` backend), as in slo-generator.
 */
import { classifyEntryKey, type EntryType, SLO_GENERATOR_BACKEND_TYPES } from '../config/entry-types.js';
import { lookup } from '../config/lookup.js';
import { isPluginKey, loadPluginClass } from '../plugins/loader.js';
import { prometheusBackend } from './prometheus.js';
import type { Backend, BuiltinBackend } from './types.js';

export const builtinBackends: Readonly<Record<string, BuiltinBackend>> = {
  prometheus: prometheusBackend,
};

/** Built-in type of a backend key, or undefined for plugin keys. */
export function builtinBackendFor(key: string): BuiltinBackend | undefined {
  if (isPluginKey(key)) return undefined;
  return lookup(builtinBackends, key.split('/')[0]!);
}

/** What a backend key names: built-in, plugin, a slo-generator type slokit lacks, or unknown. */
export function backendType(key: string): EntryType {
  return classifyEntryKey('backend', key, Object.keys(builtinBackends), SLO_GENERATOR_BACKEND_TYPES);
}

/**
 * Creates the backend instance a key names, with its config block. Throws an `Error` whose message names an
 * unsupported or unknown type and the supported ones, or the plugin loading problem.
 */
export async function createBackend(
  key: string,
  config: Record<string, unknown>,
  baseDirs: readonly string[],
): Promise<Backend> {
  if (isPluginKey(key)) {
    const Cls = await loadPluginClass(key, baseDirs);
    return new Cls(config);
  }
  const builtin = builtinBackendFor(key);
  if (!builtin) throw new Error((backendType(key) as { message: string }).message);
  return builtin.create(config);
}
