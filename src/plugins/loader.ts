/**
 * Loads user plugin classes (custom backends and exporters) named the way slo-generator names them:
 * a dotted module path `custom.custom_backend.CustomBackend` → `custom/custom_backend.{js,mjs,cjs,ts}` +
 * export `CustomBackend`, resolved against the working directory and then the config file's directory;
 * or an explicit `./path/to/file.js#ClassName`. TypeScript files are loaded through tsx.
 */
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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

let hookRegistered = false;

/**
 * Registers, once, the hook that resolves `slokit` in ES-module plugins to this package. Skipped when slokit
 * runs from its TypeScript sources (tests), where the compiled hook does not exist.
 */
function registerSlokitHook(): void {
  if (hookRegistered) return;
  hookRegistered = true;
  const hook = new URL('./resolve-hook.js', import.meta.url);
  if (existsSync(fileURLToPath(hook))) {
    register(hook, { data: { slokitUrl: new URL('../index.js', import.meta.url).href } });
  }
}

/** One evaluation per file, however many keys name classes in it. */
const modules = new Map<string, Promise<Record<string, unknown>>>();

function importFile(file: string): Promise<Record<string, unknown>> {
  let pending = modules.get(file);
  if (!pending) {
    registerSlokitHook();
    const url = pathToFileURL(file).href;
    pending = /\.[mc]?ts$/.test(file)
      ? import('tsx/esm/api').then(
          ({ tsImport }) => tsImport(url, import.meta.url) as Promise<Record<string, unknown>>,
        )
      : (import(url) as Promise<Record<string, unknown>>);
    modules.set(file, pending);
    pending.catch(() => modules.delete(file));
  }
  return pending;
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
        // Node appends a multi-line "Require stack"; the first line says what went wrong.
        const reason = String((error as Error).message).split('\n')[0]!;
        const hint = /slokit|import statement|require\(\) of ES Module/.test(reason)
          ? ' (plugins that import slokit must be ES modules: .mjs/.mts, or a package.json with "type": "module")'
          : '';
        throw new PluginLoadError(`cannot load plugin module ${file}: ${reason}${hint}`);
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
