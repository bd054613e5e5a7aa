/**
 * Cross-file validation without querying anything: every SLO's backend, policy and exporters exist in the
 * shared config; built-in backends get their config block and `service_level_indicator` checked against
 * their schemas; plugin backends must load and have the method the SLO names.
 */

import { DEFAULT_CALL_TIMEOUT } from '../async/deadline.js';
import { builtinBackendFor } from '../backends/registry.js';
import { didYouMean, notDefinedMessage } from '../config/did-you-mean.js';
import type { ConfigIssue } from '../config/errors.js';
import type { LoadedSharedConfig, LoadedSlo } from '../config/load.js';
import { lookup } from '../config/lookup.js';
import { validateWith } from '../config/validate.js';
import { builtinExporterFor, checkExporterKey } from '../exporters/registry.js';
import { isPluginKey, loadPluginClass } from '../plugins/loader.js';
import { camelCase, methodNames } from './invoke.js';

function reference(
  kind: string,
  key: string,
  defined: Record<string, unknown>,
  at: { file: string; line: number; column: number },
  path: string,
): ConfigIssue | undefined {
  if (Object.hasOwn(defined, key)) return undefined;
  return { ...at, path, message: notDefinedMessage(kind, key, Object.keys(defined)) };
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
}

/** Returns every problem found across the SLOs and the shared config; empty when all is well. */
export async function validateConfig(
  slos: readonly LoadedSlo[],
  shared: LoadedSharedConfig,
  { pluginDirs, loadPlugins, callTimeout }: ValidateOptions,
): Promise<ConfigIssue[]> {
  const issues: ConfigIssue[] = [];
  const { config, source } = shared;
  const timeoutSeconds = callTimeout ?? config.call_timeout ?? DEFAULT_CALL_TIMEOUT;

  for (const [key, block] of Object.entries(config.backends)) {
    const builtin = builtinBackendFor(key);
    if (builtin) issues.push(...validateWith(builtin.configSchema, block, source, ['backends', key]).issues);
    else if (!isPluginKey(key)) {
      issues.push({
        file: source.file,
        ...source.locate(['backends'], key),
        path: `backends.${key}`,
        message: `unknown backend type "${key.split('/')[0]}"`,
      });
    }
  }
  for (const [key, block] of Object.entries(config.exporters)) {
    const builtin = builtinExporterFor(key);
    if (builtin) issues.push(...validateWith(builtin.configSchema, block, source, ['exporters', key]).issues);
    const problem = isPluginKey(key)
      ? loadPlugins
        ? await pluginExporterProblem(key, pluginDirs, timeoutSeconds)
        : undefined
      : checkExporterKey(key);
    if (problem) {
      issues.push({
        file: source.file,
        ...source.locate(['exporters'], key),
        path: `exporters.${key}`,
        message: problem,
      });
    }
  }
  config.default_exporters.forEach((key, i) => {
    const at = { file: source.file, ...source.locate(['default_exporters', i]) };
    const issue = reference('exporter', key, config.exporters, at, `default_exporters[${i}]`);
    if (issue) issues.push(issue);
  });

  for (const { config: slo, source: doc } of slos) {
    const at = (path: PropertyKey[]) => ({ file: doc.file, ...doc.locate(path) });
    const { spec } = slo;
    const backendIssue = reference(
      'backend',
      spec.backend,
      config.backends,
      at(['spec', 'backend']),
      'spec.backend',
    );
    if (backendIssue) issues.push(backendIssue);
    const policy = spec.error_budget_policy ?? 'default';
    const policyIssue = reference(
      'error budget policy',
      policy,
      config.error_budget_policies,
      at(spec.error_budget_policy ? ['spec', 'error_budget_policy'] : ['spec']),
      'spec.error_budget_policy',
    );
    if (policyIssue) issues.push(policyIssue);
    (spec.exporters ?? []).forEach((key, i) => {
      const issue = reference(
        'exporter',
        key,
        config.exporters,
        at(['spec', 'exporters', i]),
        `spec.exporters[${i}]`,
      );
      if (issue) issues.push(issue);
    });
    if (backendIssue) continue;

    const builtin = builtinBackendFor(spec.backend);
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
  return issues;
}
