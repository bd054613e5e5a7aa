/**
 * Cross-file validation without querying anything: every SLO's backend, policy and exporters exist in the
 * shared config; built-in backends get their config block and `service_level_indicator` checked against
 * their schemas; plugin backends must load and have the method the SLO names.
 */

import { DEFAULT_CALL_TIMEOUT } from '../async/deadline.js';
import { backendType, builtinBackendFor } from '../backends/registry.js';
import { didYouMean, notDefinedMessage } from '../config/did-you-mean.js';
import type { EntryType } from '../config/entry-types.js';
import type { ConfigIssue } from '../config/errors.js';
import type { LoadedSharedConfig, LoadedSlo } from '../config/load.js';
import { lookup } from '../config/lookup.js';
import type { SharedConfig } from '../config/schema.js';
import { validateWith } from '../config/validate.js';
import { builtinExporterFor, exporterType } from '../exporters/registry.js';
import { isPluginKey, loadPluginClass } from '../plugins/loader.js';
import { camelCase, methodNames } from './invoke.js';

function reference(
  kind: string,
  key: string,
  defined: Record<string, unknown>,
  at: () => { file: string; line: number; column: number },
  path: string,
): ConfigIssue | undefined {
  if (Object.hasOwn(defined, key)) return undefined;
  return { ...at(), path, message: notDefinedMessage(kind, key, Object.keys(defined)) };
}

/** Why a plugin exporter cannot be used (module, class or `export` method missing), or undefined. */
async function pluginExporterProblem(
  key: string,
  pluginDirs: readonly string[],
  timeoutSeconds?: number,
): Promise<string | undefined> {
  try {
    const Cls = await loadPluginClass(key, pluginDirs, { timeoutSeconds });
    return typeof (Cls.prototype as { export?: unknown }).export === 'function'
      ? undefined
      : `plugin exporter class has no export method (implement export, or extend MetricsExporter)`;
  } catch (error) {
    return (error as Error).message;
  }
}

/** What `validateConfig` checks beyond the files themselves. */
export interface ValidateOptions {
  /** Directories plugin modules are resolved against. */
  pluginDirs: readonly string[];
  /**
   * Load plugin backends and exporters and check their classes and methods (`slokit validate`). A compute
   * leaves this off: a broken plugin makes its SLOs' reports invalid (or its exports fail), not the run.
   */
  loadPlugins: boolean;
  /** Seconds a plugin module may take to load; default: shared config `call_timeout`, else 60. */
  callTimeout?: number;
  /**
   * How an SLO that uses a slo-generator backend or exporter type slokit does not implement is treated:
   * `error` (`slokit validate`, the default) or `invalid-report` (`compute`: that SLO's reports are invalid,
   * naming the type, or its export fails; other SLOs run).
   */
  unsupportedInUse?: 'error' | 'invalid-report';
  /**
   * Whether the SLOs' exporters will run (default true). A `compute` without `--export` or `--delete` runs
   * none: their entries count as unused (an unset variable in them is a warning, not an error).
   */
  exporting?: boolean;
  /**
   * Receives problems that do not stop a run: unsupported or unresolved entries no SLO uses (one per
   * entry), SLOs sharing a `metadata.name`. Default: dropped.
   */
  onWarning?: (issue: ConfigIssue) => void;
}

/**
 * Keys of the entries a run uses: the SLOs' backends, and when it exports, their exporters and the default
 * exporters.
 */
function entriesInUse(slos: readonly LoadedSlo[], config: SharedConfig, exporting: boolean) {
  const exporters = exporting
    ? [...config.default_exporters, ...slos.flatMap((s) => s.config.spec.exporters ?? [])]
    : [];
  return { backends: new Set(slos.map((s) => s.config.spec.backend)), exporters: new Set(exporters) };
}

/**
 * Checks the shared config's `backends` and `exporters` entries. An entry with a slo-generator type slokit
 * does not implement, or with unset environment variables, is a warning when no SLO uses it. When one does,
 * the unsupported type is reported at the SLO (per `unsupportedInUse`), and missing variables of a supported
 * type are errors.
 */
async function checkEntries(
  slos: readonly LoadedSlo[],
  shared: LoadedSharedConfig,
  options: ValidateOptions,
  warn: (issue: ConfigIssue) => void,
): Promise<ConfigIssue[]> {
  const issues: ConfigIssue[] = [];
  const { config, source } = shared;
  const inUse = entriesInUse(slos, config, options.exporting ?? true);
  const timeoutSeconds = options.callTimeout ?? config.call_timeout ?? DEFAULT_CALL_TIMEOUT;
  const unresolved = new Map(shared.unresolved.map((u) => [`${u.section}\0${u.key}`, u]));
  for (const section of ['backends', 'exporters'] as const) {
    const role = section === 'backends' ? 'backend' : 'exporter';
    for (const [key, block] of Object.entries(config[section])) {
      const path = `${section}.${key}`;
      const at = () => ({ file: source.file, ...source.locate([section], key), path });
      const used = inUse[section].has(key);
      const missing = unresolved.get(`${section}\0${key}`);
      const type = section === 'backends' ? backendType(key) : exporterType(key);
      if (type.kind === 'unknown') issues.push({ ...at(), message: type.message });
      if (!used && (missing || type.kind === 'unsupported')) {
        const parts = type.kind === 'unsupported' ? [type.message] : [];
        if (missing)
          parts.push(`environment variables not set: ${[...new Set(missing.variables)].join(', ')}`);
        warn({ ...at(), message: `not used by any SLO; ${parts.join('; ')}` });
        continue;
      }
      // Reported where an SLO uses it; its fields (and their variables) are never read.
      if (type.kind === 'unsupported') continue;
      if (missing) {
        issues.push(
          ...missing.issues.map((m) => ({
            ...m,
            path,
            message: `${m.message}; ${role} "${key}" is used`,
          })),
        );
        continue;
      }
      const builtin = await (section === 'backends' ? builtinBackendFor(key) : builtinExporterFor(key));
      if (builtin) issues.push(...validateWith(builtin.configSchema, block, source, [section, key]).issues);
      if (section === 'exporters' && type.kind === 'plugin' && options.loadPlugins) {
        const problem = await pluginExporterProblem(key, options.pluginDirs, timeoutSeconds);
        if (problem && used) issues.push({ ...at(), message: problem });
        else if (problem) warn({ ...at(), message: `not used by any SLO; ${problem}` });
      }
    }
  }
  return issues;
}

/** Warns about SLOs sharing a `metadata.name`: all are computed, and their reports carry the same name. */
function warnDuplicateNames(slos: readonly LoadedSlo[], warn: (issue: ConfigIssue) => void): void {
  const first = new Map<string, string>();
  for (const { config, source } of slos) {
    const name = config.metadata.name;
    const previous = first.get(name);
    if (previous === undefined) first.set(name, source.file);
    else
      warn({
        file: source.file,
        ...source.locate(['metadata', 'name']),
        path: 'metadata.name',
        message: `SLO name "${name}" is also used in ${previous}; both are computed and their reports share the name`,
      });
  }
}

/**
 * Returns every error found across the SLOs and the shared config, by file and position; empty when all is
 * well. Warnings go to
 * `options.onWarning`. Runs each built-in backend's `prepareSlo` hook on its SLOs first (so call this
 * before `compute`).
 */
export async function validateConfig(
  slos: readonly LoadedSlo[],
  shared: LoadedSharedConfig,
  options: ValidateOptions,
): Promise<ConfigIssue[]> {
  const { pluginDirs, loadPlugins } = options;
  const warn = options.onWarning ?? (() => {});
  const { config } = shared;
  const timeoutSeconds = options.callTimeout ?? config.call_timeout ?? DEFAULT_CALL_TIMEOUT;
  const issues = await checkEntries(slos, shared, options, warn);
  warnDuplicateNames(slos, warn);
  const { source } = shared;
  /** The error of a used entry whose type slokit does not implement, when the mode says it is one. */
  // Positions are looked up only for an issue: a file read by the fast YAML reader is parsed again for them.
  const unsupported = (type: EntryType, at: () => Omit<ConfigIssue, 'message'>) => {
    if (type.kind === 'unsupported' && (options.unsupportedInUse ?? 'error') === 'error')
      issues.push({ ...at(), message: type.message });
  };
  config.default_exporters.forEach((key, i) => {
    const at = () => ({ file: source.file, ...source.locate(['default_exporters', i]) });
    const issue = reference('exporter', key, config.exporters, at, `default_exporters[${i}]`);
    if (issue) issues.push(issue);
    else unsupported(exporterType(key), () => ({ ...at(), path: `default_exporters[${i}]` }));
  });
  for (const { config: slo, source: doc } of slos) {
    const at = (path: PropertyKey[]) => ({ file: doc.file, ...doc.locate(path) });
    const { spec } = slo;
    const backendIssue = reference(
      'backend',
      spec.backend,
      config.backends,
      () => at(['spec', 'backend']),
      'spec.backend',
    );
    if (backendIssue) issues.push(backendIssue);
    const policy = spec.error_budget_policy ?? 'default';
    const policyIssue = reference(
      'error budget policy',
      policy,
      config.error_budget_policies,
      () => at(spec.error_budget_policy ? ['spec', 'error_budget_policy'] : ['spec']),
      'spec.error_budget_policy',
    );
    if (policyIssue) issues.push(policyIssue);
    (spec.exporters ?? []).forEach((key, i) => {
      const issue = reference(
        'exporter',
        key,
        config.exporters,
        () => at(['spec', 'exporters', i]),
        `spec.exporters[${i}]`,
      );
      if (issue) issues.push(issue);
      else
        unsupported(exporterType(key), () => ({
          ...at(['spec', 'exporters', i]),
          path: `spec.exporters[${i}]`,
        }));
    });
    if (backendIssue) continue;
    unsupported(backendType(spec.backend), () => ({ ...at(['spec', 'backend']), path: 'spec.backend' }));

    const builtin = await builtinBackendFor(spec.backend);
    builtin?.prepareSlo?.(slo, doc);
    if (builtin) {
      const schema = lookup(builtin.methods, spec.method);
      if (!schema) {
        const known = Object.keys(builtin.methods);
        const hint = didYouMean(spec.method, known);
        issues.push({
          ...at(['spec', 'method']),
          path: 'spec.method',
          message: `backend "${spec.backend}" has no method "${spec.method}" (expected one of: ${known.join(', ')})${hint ? `; did you mean "${hint}"?` : ''}`,
        });
      } else {
        issues.push(
          ...validateWith(schema, spec.service_level_indicator, doc, ['spec', 'service_level_indicator'])
            .issues,
        );
      }
    } else if (loadPlugins && isPluginKey(spec.backend)) {
      try {
        const Cls = await loadPluginClass(spec.backend, pluginDirs, { timeoutSeconds });
        const methods = methodNames(Cls.prototype as object);
        if (!methods.includes(spec.method) && !methods.includes(camelCase(spec.method))) {
          const available = methods.join(', ') || 'none';
          issues.push({
            ...at(['spec', 'method']),
            path: 'spec.method',
            message: `plugin class ${Cls.name} has no method "${spec.method}" (available: ${available})`,
          });
        }
      } catch (error) {
        issues.push({ ...at(['spec', 'backend']), path: 'spec.backend', message: (error as Error).message });
      }
    }
  }
  return issues.sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column,
  );
}
