/**
 * Loads user plugin classes (custom backends and exporters) named the way slo-generator names them:
 * a dotted module path `custom.custom_backend.CustomBackend` → `custom/custom_backend.{js,mjs,cjs,ts}` +
 * export `CustomBackend`, resolved against the working directory and then the config file's directory;
 * or an explicit `./path/to/file.js#ClassName`. TypeScript files are loaded through tsx.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];

/** A constructor as plugin modules export it. */
export type PluginClass = new (...args: unknown[]) => object;

/** Raised when a plugin cannot be found or is not usable; the message lists what was tried. */
export class PluginLoadError extends Error {
  override name = 'PluginLoadError';
}

/** True when a backend/exporter key names a plugin module rather than a built-in. */
export function isPluginKey(key: string): boolean {
  return (
    key.includes('#') || key.split('/')[0]!.includes('.') || key.startsWith('./') || key.startsWith('../')
  );
}

/** Splits a plugin key into candidate file paths (without base directory) and the export name. */
export function parsePluginKey(key: string): { candidates: string[]; exportName: string } {
  const hash = key.lastIndexOf('#');
  if (hash >= 0) {
    const file = key.slice(0, hash);
    const exportName = key.slice(hash + 1) || 'default';
    const hasExtension = EXTENSIONS.some((ext) => file.endsWith(ext));
    return { candidates: hasExtension ? [file] : EXTENSIONS.map((ext) => file + ext), exportName };
  }
  const parts = key.split('.');
  const exportName = parts.pop()!;
  const modulePath = parts.join('/');
  return { candidates: EXTENSIONS.map((ext) => modulePath + ext), exportName };
}

const cache = new Map<string, Promise<PluginClass>>();

async function importFile(file: string): Promise<Record<string, unknown>> {
  if (/\.[mc]?ts$/.test(file)) {
    const { tsImport } = await import('tsx/esm/api');
    return (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
  }
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

async function load(key: string, baseDirs: readonly string[]): Promise<PluginClass> {
  const { candidates, exportName } = parsePluginKey(key);
  const tried: string[] = [];
  for (const dir of baseDirs) {
    for (const candidate of candidates) {
      const file = isAbsolute(candidate) ? candidate : resolve(dir, candidate);
      if (tried.includes(file)) continue;
      tried.push(file);
      if (!existsSync(file)) continue;
      let module: Record<string, unknown>;
      try {
        module = await importFile(file);
      } catch (error) {
        throw new PluginLoadError(`cannot load plugin module ${file}: ${(error as Error).message}`);
      }
      // CommonJS modules arrive as { default: module.exports }.
      const exported =
        module[exportName] ?? (module.default as Record<string, unknown> | undefined)?.[exportName];
      if (typeof exported !== 'function') {
        const names = Object.keys(module).filter((n) => n !== 'default');
        throw new PluginLoadError(
          `plugin module ${file} has no exported class "${exportName}" (exports: ${names.join(', ') || 'none'})`,
        );
      }
      return exported as PluginClass;
    }
  }
  throw new PluginLoadError(`plugin "${key}" not found; tried: ${tried.join(', ')}`);
}

/**
 * Resolves a plugin key to its class. `baseDirs` are tried in order (working directory first, then the
 * config file's directory). Results are cached per key and base directories.
 */
export function loadPluginClass(key: string, baseDirs: readonly string[]): Promise<PluginClass> {
  const cacheKey = `${key}\0${baseDirs.join('\0')}`;
  let pending = cache.get(cacheKey);
  if (!pending) {
    pending = load(key, baseDirs);
    cache.set(cacheKey, pending);
    pending.catch(() => cache.delete(cacheKey));
  }
  return pending;
}
