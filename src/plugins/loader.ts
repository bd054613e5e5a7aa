/**
 * Loads user plugin classes (custom backends and exporters) named the way slo-generator names them:
 * a dotted module path `custom.custom_backend.CustomBackend` → `custom/custom_backend.{js,mjs,cjs,ts}` +
 * export `CustomBackend`, resolved against the working directory and then the config file's directory;
 * or an explicit `./path/to/file.js#ClassName`. TypeScript files are loaded through tsx's ESM loader,
 * registered once in this process, so TypeScript plugins share the running module graph (a plugin importing
 * `slokit` gets the very classes the engine uses). Every module load has a deadline.
 */
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TimeoutError, withDeadline } from '../async/deadline.js';
import { KeyedOnce } from '../async/keyed-once.js';
import { runInPluginScope } from './scope.js';

const EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];
const TYPESCRIPT = /\.[mc]?ts$/;

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

/**
 * Splits a plugin key into candidate file paths (without base directory), the export name, and the module
 * path without extension (`custom/custom_backend`; undefined when the key names a file with its extension).
 */
export function parsePluginKey(key: string): {
  candidates: string[];
  exportName: string;
  modulePath?: string;
} {
  const hash = key.lastIndexOf('#');
  if (hash >= 0) {
    const file = key.slice(0, hash);
    const exportName = key.slice(hash + 1) || 'default';
    const hasExtension = EXTENSIONS.some((ext) => file.endsWith(ext));
    return hasExtension
      ? { candidates: [file], exportName }
      : { candidates: EXTENSIONS.map((ext) => file + ext), exportName, modulePath: file };
  }
  const parts = key.split('.');
  const exportName = parts.pop()!;
  const modulePath = parts.join('/');
  return { candidates: EXTENSIONS.map((ext) => modulePath + ext), exportName, modulePath };
}

/** How plugin modules are loaded. */
export interface LoadOptions {
  /**
   * Seconds a module may take to load (top-level code, top-level await). Without it the loader sets no
   * deadline of its own: the engine bounds creating a backend or exporter as a whole with the run's
   * `--call-timeout`, which may be longer than any default here.
   */
  timeoutSeconds?: number;
}

/**
 * Registers, once per process, the hook that resolves `slokit` in ES-module plugins to this package. Skipped
 * when slokit runs from its TypeScript sources (tests), where the compiled hook does not exist. Once a hook is
 * registered, every module Node loads is resolved through the hooks thread, a round trip per import: the
 * public API a plugin imports is loaded before, so its module graph is already in place.
 */
const slokitHook = new KeyedOnce<void>('remember');
const registerSlokitHook = () =>
  slokitHook.get('slokit', async () => {
    const hook = new URL('./resolve-hook.js', import.meta.url);
    if (!existsSync(fileURLToPath(hook))) return;
    // The package's own entry (its `exports`), wherever this module was bundled to.
    const slokitUrl = import.meta.resolve('slokit');
    await import(slokitUrl);
    register(hook, { data: { slokitUrl } });
  });

/**
 * tsx's ESM loader, imported and registered once and only when a TypeScript plugin is first loaded (tsx is not
 * imported otherwise). Registered in the process's own module graph (no namespace), so a TS plugin's
 * `import 'slokit'` yields the module instance the engine runs. tsx itself is imported before slokit's hook is
 * registered (see above). A failed registration is retried by the next TS plugin.
 */
const typescriptApi = new KeyedOnce<typeof import('tsx/esm/api')>('forget');
const typescriptLoader = new KeyedOnce<void>('forget');
const registerTypeScript = (api: typeof import('tsx/esm/api')) =>
  typescriptLoader.get('tsx', () => {
    api.register();
  });

/**
 * One evaluation per file, however many keys name classes in it. The import itself has no deadline (a module
 * that hangs while loading stays pending; every caller applies its own); a failed import is forgotten so a
 * fixed file is picked up by a later run of a long-lived process.
 */
const modules = new KeyedOnce<Record<string, unknown>>('forget');

function importFile(file: string): Promise<Record<string, unknown>> {
  return modules.get(file, async () => {
    const typescript = TYPESCRIPT.test(file)
      ? await typescriptApi.get('tsx', () => import('tsx/esm/api'))
      : undefined;
    await registerSlokitHook();
    if (typescript) await registerTypeScript(typescript);
    const url = pathToFileURL(file).href;
    return runInPluginScope(`plugin module ${file}`, () => import(url) as Promise<Record<string, unknown>>);
  });
}

/** Why no plugin file was found: a Python file where a JavaScript one was expected gets its own hint. */
function notFound(key: string, modulePath: string | undefined, baseDirs: readonly string[], tried: string[]) {
  const python = modulePath
    ? baseDirs.map((dir) => resolve(dir, `${modulePath}.py`)).find((file) => existsSync(file))
    : undefined;
  if (python) {
    return new PluginLoadError(
      `plugin "${key}" not found: found the Python file ${python}, but slokit plugins are JavaScript or ` +
        `TypeScript modules; write ${modulePath}.js or ${modulePath}.ts exporting the same class ` +
        `(tried: ${tried.join(', ')})`,
    );
  }
  return new PluginLoadError(`plugin "${key}" not found; tried: ${tried.join(', ')}`);
}

async function load(
  key: string,
  baseDirs: readonly string[],
  timeoutSeconds: number | undefined,
): Promise<PluginClass> {
  const { candidates, exportName, modulePath } = parsePluginKey(key);
  const tried: string[] = [];
  for (const dir of baseDirs) {
    for (const candidate of candidates) {
      const file = isAbsolute(candidate) ? candidate : resolve(dir, candidate);
      if (tried.includes(file)) continue;
      tried.push(file);
      if (!existsSync(file)) continue;
      let module: Record<string, unknown>;
      try {
        const pending = importFile(file);
        module = await (timeoutSeconds === undefined
          ? pending
          : withDeadline(pending, timeoutSeconds, `loading plugin module ${file}`));
      } catch (error) {
        if (error instanceof TimeoutError) throw new PluginLoadError(error.message);
        // Node appends a multi-line "Require stack"; the first line says what went wrong.
        const reason = String((error as Error)?.message ?? error).split('\n')[0]!;
        const hint = /'slokit'|import statement|require\(\) of ES Module/.test(reason)
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
  throw notFound(key, modulePath, baseDirs, tried);
}

/** Classes per (key, base directories); a failure is forgotten so the next caller tries again. */
const classes = new KeyedOnce<PluginClass>('forget');

/**
 * Resolves a plugin key to its class. `baseDirs` are tried in order (working directory first, then the
 * config file's directory). Rejects with `PluginLoadError` when no file exists (naming every path tried, and
 * a Python file of the same name if there is one), when the module fails or takes longer than
 * `timeoutSeconds` to load (when given), or when it has no such exported class.
 */
export function loadPluginClass(
  key: string,
  baseDirs: readonly string[],
  { timeoutSeconds }: LoadOptions = {},
): Promise<PluginClass> {
  return classes.get(JSON.stringify([key, ...baseDirs]), () => load(key, baseDirs, timeoutSeconds));
}
