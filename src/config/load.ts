/**
 * Loading of SLO files and the shared config from disk: read, interpolate `${VAR}`, parse with positions,
 * validate. Every problem of every file is collected before a single `ConfigError` is thrown.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { pythonFloatRepr } from '../domain/python-float.js';
import type { SloConfig } from '../domain/types.js';
import { isPluginKey } from '../plugins/loader.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { interpolate } from './interpolate.js';
import { type SharedConfig, sharedConfigSchema, sloSchema } from './schema.js';
import { validateWith } from './validate.js';
import { parseSource, type SourceDocument } from './yaml-source.js';

const CONFIG_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** An SLO as loaded: the validated document and where it came from (for later positioned errors). */
export interface LoadedSlo {
  config: SloConfig;
  source: SourceDocument;
}

/** The shared config as loaded, with its source document. */
export interface LoadedSharedConfig {
  config: SharedConfig;
  source: SourceDocument;
}

type Env = Readonly<Record<string, string | undefined>>;

async function readDocument(
  file: string,
  env: Env,
): Promise<{ doc?: SourceDocument; issues: ConfigIssue[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return {
      issues: [
        { file, line: 0, column: 0, path: '', message: `cannot read file: ${(error as Error).message}` },
      ],
    };
  }
  const interpolated = interpolate(text, env, file);
  const parsed = parseSource(interpolated.text, file);
  return { doc: parsed.doc, issues: [...interpolated.issues, ...parsed.issues] };
}

/** Files an SLO path names: the file itself, or the config files directly inside a directory, sorted. */
export async function listSloFiles(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info)
    throw new ConfigError([
      { file: path, line: 0, column: 0, path: '', message: 'no such file or directory' },
    ]);
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && CONFIG_EXTENSIONS.has(extname(e.name).toLowerCase()))
    .map((e) => join(path, e.name))
    .sort();
}

/**
 * slo-generator's Prometheus backend writes `threshold_bucket` into PromQL with Python's `str()`, so `1.0`
 * in YAML selects `le="1.0"` (how Python clients label buckets) while `1` selects `le="1"`. A parsed number
 * cannot tell the two apart, so for the built-in `prometheus` backend the value becomes the text PyYAML and
 * `str()` would give: decimal floats as Python prints them, exponent-only numbers (`1e3`, a string to PyYAML)
 * verbatim, integers unchanged. Plugin backends get the parsed number, as slo-generator gives them.
 */
function keepThresholdText(config: SloConfig, doc: SourceDocument): void {
  const { backend, service_level_indicator: sli } = config.spec;
  if (isPluginKey(backend) || backend.split('/')[0] !== 'prometheus') return;
  const value = sli.threshold_bucket;
  const text = doc.sourceText(['spec', 'service_level_indicator', 'threshold_bucket'])?.trim();
  if (typeof value !== 'number' || text === undefined) return;
  if (/^[-+]?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) sli.threshold_bucket = pythonFloatRepr(value);
  else if (/^[-+]?\d+[eE][-+]?\d+$/.test(text)) sli.threshold_bucket = text;
}

const isSloDocument = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  (value as { kind?: unknown }).kind === 'ServiceLevelObjective';

/**
 * Loads every SLO from a file or directory. Documents whose `kind` is not `ServiceLevelObjective` are skipped,
 * as slo-generator does; duplicate `metadata.name`s are an error.
 */
export async function loadSlos(paths: string | string[], env: Env = process.env): Promise<LoadedSlo[]> {
  const files = (await Promise.all([paths].flat().map(listSloFiles))).flat();
  const issues: ConfigIssue[] = [];
  const slos: LoadedSlo[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const read = await readDocument(file, env);
    issues.push(...read.issues);
    if (!read.doc || read.issues.length || !isSloDocument(read.doc.value)) continue;
    const checked = validateWith(sloSchema, read.doc.value, read.doc);
    issues.push(...checked.issues);
    if (!checked.value) continue;
    const name = checked.value.metadata.name;
    const previous = seen.get(name);
    if (previous) {
      issues.push({
        file,
        ...read.doc.locate(['metadata', 'name']),
        path: 'metadata.name',
        message: `duplicate SLO name "${name}" (also defined in ${previous})`,
      });
      continue;
    }
    seen.set(name, file);
    const config = checked.value as SloConfig;
    keepThresholdText(config, read.doc);
    slos.push({ config, source: read.doc });
  }
  if (issues.length) throw new ConfigError(issues);
  if (!slos.length) {
    throw new ConfigError([
      {
        file: [paths].flat().join(', '),
        line: 0,
        column: 0,
        path: '',
        message: 'no SLO configs found (kind: ServiceLevelObjective)',
      },
    ]);
  }
  return slos;
}

/** Loads and validates the shared config file. */
export async function loadSharedConfig(file: string, env: Env = process.env): Promise<LoadedSharedConfig> {
  const read = await readDocument(file, env);
  if (!read.doc || read.issues.length) throw new ConfigError(read.issues);
  const doc = read.doc;
  const checked = validateWith(sharedConfigSchema, doc.value ?? {}, doc);
  if (!checked.value) throw new ConfigError(checked.issues);
  return { config: checked.value, source: doc };
}
