/**
 * Backend registry: built-in backends by config key, plugin classes by module path. A key's part before `/`
 * names the type (`prometheus/prod` is a `prometheus` backend), as in slo-generator. A built-in backend's
 * module is imported only when a config names it (the Prometheus backend brings the PromQL grammar and the
 * HTTP client with it).
 */
import { classifyEntryKey, type EntryType, SLO_GENERATOR_BACKEND_TYPES } from '../config/entry-types.js';
import { lookup } from '../config/lookup.js';
import { isPluginKey, loadPluginClass } from '../plugins/loader.js';
import type { Backend, BuiltinBackend } from './types.js';

/** Built-in backend types and how to load each. */
const builtinBackends: Readonly<Record<string, () => Promise<BuiltinBackend>>> = {
  prometheus: () => import('./prometheus.js').then((m) => m.prometheusBackend),
  events: () => import('./events.js').then((m) => m.eventsBackend),
  http: () => import('./http.js').then((m) => m.httpBackend),
};

/** Names of the built-in backend types. */
export const BUILTIN_BACKEND_TYPES: readonly string[] = Object.keys(builtinBackends);

/** The built-in backend a backend key names (its module loaded), or undefined for plugin and unknown keys. */
export async function builtinBackendFor(key: string): Promise<BuiltinBackend | undefined> {
  if (isPluginKey(key)) return undefined;
  return lookup(builtinBackends, key.split('/')[0]!)?.();
}

/** What a backend key names: built-in, plugin, a slo-generator type slokit lacks, or unknown. */
export function backendType(key: string): EntryType {
  return classifyEntryKey('backend', key, BUILTIN_BACKEND_TYPES, SLO_GENERATOR_BACKEND_TYPES);
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
  const builtin = await builtinBackendFor(key);
  if (!builtin) throw new Error((backendType(key) as { message: string }).message);
  return builtin.create(config, key, baseDirs);
}
