/**
 * Loading an Iter8-style provider file of either generation (types.ts): read it (path or http(s) URL),
 * tell the generation from its text, compile it once. Shared by the `http` backend, `slokit metrics get` and
 * (later) the Keptn SLI provider.
 *
 * Generation detection, on the raw text (a newer-generation file is a template, not YAML, until rendered):
 * the older generation when a line starts with `kind: Metric` or a key `urlTemplate:`, `headerTemplates:`
 * or `authType:` opens a line; the newer one otherwise.
 */
import { ConfigError, type ConfigIssue } from '../config/errors.js';
import { compileMetricCrdProvider, parseMetricCrd } from './metric-crd.js';
import { readProviderSource } from './source.js';
import { compileTemplateProvider } from './template-provider.js';
import type { Generation, Provider } from './types.js';

export type { Generation, Provider, RenderedMetric } from './types.js';

const OLDER_GENERATION =
  /^(kind:\s*["']?Metric["']?\s*(#.*)?$|\s*(urlTemplate|headerTemplates|authType)\s*:)/m;

/** The generation of a provider file's text (see the module comment). */
export function detectGeneration(text: string): Generation {
  return OLDER_GENERATION.test(text) ? 'metric-crd' : 'template';
}

/** How a provider file is found and read. */
export interface LoadProviderOptions {
  /** Directory relative paths start from; default the working directory. */
  cwd?: string;
  /** Deadline of fetching a provider URL, seconds. */
  timeoutSeconds: number;
  /** Environment that `secret: env:PREFIX_` reads; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Reads and compiles the provider file `ref` (path or http(s) URL). Throws ConfigError naming the file and
 * the position of every problem (unreadable file, template syntax, older-generation fields and secrets).
 */
export async function loadProvider(ref: string, options: LoadProviderOptions): Promise<Provider> {
  const source = await readProviderSource(ref, options);
  return detectGeneration(source.text) === 'metric-crd'
    ? compileMetricCrdProvider(source, options.env ?? process.env)
    : compileTemplateProvider(source.text, source.location);
}

/**
 * The problems of a provider file's text found without rendering it or reading secrets (template syntax;
 * older-generation documents and fields), positioned in the file. For `slokit validate`.
 */
export function checkProviderText(text: string, location: string): ConfigIssue[] {
  if (detectGeneration(text) === 'metric-crd') return parseMetricCrd(text, location).issues;
  try {
    compileTemplateProvider(text, location);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
}
