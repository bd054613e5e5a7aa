/**
 * Backend registry: built-in backends by config key, plugin classes by module path. A key's part before `/`
 * names the type (`prometheus/prod` is a `prometheus` backend), as in slo-generator.
 */
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

/** Creates the backend instance a key names, with its config block. Throws with a clear message. */
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
  if (!builtin) {
    const known = Object.keys(builtinBackends).join(', ');
    throw new Error(
      `unknown backend type "${key.split('/')[0]}" (built-in: ${known}; plugins use a module path such as custom.module.Class)`,
    );
  }
  return builtin.create(config);
}
