/**
 * What `slokit metrics get` does (options in metrics.ts). Values: the `--values` files merged in order,
 * then every `--set` over them; each `--version-values` file is one version merged over those (none: one
 * version from the values alone). Every provider is rendered for every version at one "now" and its
 * metrics fetched concurrently (identical requests once). Output (stable, README "Commands"):
 * - `--output json`: `[{"version", "name", "value", "error"}]`, `name` = `<providerKey>/<metric>`, `value`
 *   null when unavailable (then `error` says why; otherwise `error` is null); ±Infinity, which JSON cannot
 *   write, as the strings "+Inf" / "-Inf";
 * - `--dry-run --output json`: `[{"version", "metric", "method", "url", "headers", "body"}]`, secret header
 *   values `***`;
 * - tables with the same columns.
 * Provider file errors (unreadable, template or YAML errors) and unreadable `startingTime` values (once per
 * version, at their place in the values file, or `--set`) go to stderr, naming file and position; the other
 * providers' (versions') results are still printed, and the exit code is 2.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { ConfigError, type ConfigIssue, formatIssue } from '../config/errors.js';
import { parseSource } from '../config/yaml-source.js';
import { MetricFetcher } from '../providers/fetch.js';
import { loadProvider, type Provider, type RenderedMetric } from '../providers/provider.js';
import { type ShownRequest, showRequest } from '../providers/request.js';
import { applySetArgument, SetValueError } from '../providers/set-values.js';
import { isUrlRef } from '../providers/source.js';
import {
  deepMerge,
  elapsedSeconds,
  StartingTimeError,
  type Values,
  versionValues,
} from '../providers/values.js';
import { EXIT, UsageError } from './context.js';
import { alignColumns } from './output.js';

/** The flags of `metrics get`, as commander parsed them. */
export interface MetricsGetFlags {
  provider: string[];
  set: string[];
  values: string[];
  versionValues: string[];
  dryRun: boolean;
  output: 'table' | 'json';
  timeout: number;
}

/** One `-p` argument: `key=path-or-url`, or a path or URL whose file name without extension is the key. */
export function providerArg(arg: string): { key: string; ref: string } {
  const m = /^([A-Za-z0-9_.-]+)=(.+)$/s.exec(arg);
  if (m && !isUrlRef(arg)) return { key: m[1]!, ref: m[2]! };
  const path = isUrlRef(arg) ? new URL(arg).pathname : arg;
  const key = basename(path, extname(path));
  if (key === '')
    throw new UsageError(`-p ${arg}: no file name to take the provider key from; write key=${arg}`);
  return { key, ref: arg };
}

/** Where a version's `startingTime` was written: a position in a values file, or a `--set` argument. */
type Origin = Pick<ConfigIssue, 'file' | 'line' | 'column'>;

/** A values file read: its values, and where it writes `startingTime` if it does. */
interface ValuesFile {
  values: Values;
  startingTime: Origin | undefined;
}

/** A values file: a YAML map (empty file: no values). Throws ConfigError with positions. */
async function readValuesFile(file: string): Promise<ValuesFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new ConfigError([
      { file, line: 0, column: 0, path: '', message: e.code === 'ENOENT' ? 'no such file' : e.message },
    ]);
  }
  const { doc, issues } = parseSource(text, file);
  if (issues.length) throw new ConfigError(issues);
  const value = doc.value ?? {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new ConfigError([{ file, line: 1, column: 1, path: '', message: 'expected a map of values' }]);
  const startingTime = Object.hasOwn(value, 'startingTime')
    ? { file, ...doc.locate(['startingTime']) }
    : undefined;
  return { values: value as Values, startingTime };
}

/**
 * The issue of a version whose `startingTime` is not RFC 3339, at the place it was written; undefined when it
 * reads (or is absent). Checked here once per version rather than by each provider's render, which knows
 * neither the file nor the position.
 */
function startingTimeIssue(
  values: Values,
  origin: Origin | undefined,
  nowMs: number,
  version: number,
): ConfigIssue | undefined {
  try {
    elapsedSeconds(values, nowMs);
    return undefined;
  } catch (error) {
    if (!(error instanceof StartingTimeError)) throw error;
    const where = origin ?? { file: 'values', line: 0, column: 0 };
    return { ...where, path: 'startingTime', message: `version ${version}: ${error.message}` };
  }
}

interface Row {
  version: number;
  name: string;
  metric: RenderedMetric;
}

/** Runs `metrics get`; returns the exit code. */
export async function metricsGet(flags: MetricsGetFlags): Promise<number> {
  const providers = flags.provider.map(providerArg);
  const seen = new Set<string>();
  for (const { key } of providers) {
    if (seen.has(key))
      throw new UsageError(`provider key "${key}" is given twice; write key=path for one of them`);
    seen.add(key);
  }
  let common: Values = {};
  let commonStart: Origin | undefined;
  for (const file of flags.values) {
    const read = await readValuesFile(file);
    common = deepMerge(common, read.values);
    commonStart = read.startingTime ?? commonStart;
  }
  try {
    for (const arg of flags.set) {
      applySetArgument(common, arg);
      if (/^startingTime=/.test(arg)) commonStart = { file: '--set', line: 0, column: 0 };
    }
  } catch (error) {
    if (error instanceof SetValueError) throw new UsageError(error.message);
    throw error;
  }
  const perVersion = await Promise.all(flags.versionValues.map(readValuesFile));
  const versions = versionValues(
    common,
    perVersion.map((v) => v.values),
  );

  const issues: ConfigIssue[] = [];
  const nowMs = Date.now();
  const startIssues = versions.map((values, version) =>
    startingTimeIssue(values, perVersion[version]?.startingTime ?? commonStart, nowMs, version),
  );
  for (const issue of startIssues) if (issue) issues.push(issue);
  const loaded = await Promise.all(
    providers.map(async ({ key, ref }) => {
      try {
        return { key, provider: await loadProvider(ref, { timeoutSeconds: flags.timeout }) };
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        issues.push(...error.issues);
        return undefined;
      }
    }),
  );
  const rows: Row[] = [];
  versions.forEach((values, version) => {
    if (startIssues[version]) return;
    for (const entry of loaded) {
      if (!entry) continue;
      const metrics = renderOrCollect(entry.provider, values, nowMs, version, issues);
      for (const metric of metrics) rows.push({ version, name: `${entry.key}/${metric.name}`, metric });
    }
  });
  for (const issue of issues) process.stderr.write(`slokit: ${formatIssue(issue)}\n`);

  const code = flags.dryRun ? printDryRun(rows, flags.output) : await printValues(rows, flags);
  return issues.length ? EXIT.usage : code;
}

function renderOrCollect(
  provider: Provider,
  values: Values,
  nowMs: number,
  version: number,
  issues: ConfigIssue[],
): RenderedMetric[] {
  try {
    return provider.render(values, nowMs, version);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    issues.push(...error.issues);
    return [];
  }
}

function printDryRun(rows: readonly Row[], output: 'table' | 'json'): number {
  const shown: ({ version: number; metric: string } & ShownRequest)[] = [];
  let problems = 0;
  for (const { version, name, metric } of rows) {
    if ('problem' in metric) {
      problems++;
      process.stderr.write(`slokit: version ${version} ${name}: ${metric.problem}\n`);
    } else shown.push({ version, metric: name, ...showRequest(metric.request) });
  }
  if (output === 'json') process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
  else {
    const cells = shown.map((r) => [
      String(r.version),
      r.metric,
      r.method,
      r.url,
      Object.entries(r.headers)
        .map(([n, v]) => `${n}: ${v}`)
        .join('; '),
      r.body === null ? '' : JSON.stringify(r.body),
    ]);
    process.stdout.write(alignColumns([['VERSION', 'METRIC', 'METHOD', 'URL', 'HEADERS', 'BODY'], ...cells]));
  }
  return problems ? EXIT.failed : EXIT.ok;
}

/** A value as JSON can hold it: ±Infinity as "+Inf" / "-Inf". */
const jsonValue = (v: number) =>
  v === Number.POSITIVE_INFINITY ? '+Inf' : v === Number.NEGATIVE_INFINITY ? '-Inf' : v;

async function printValues(rows: readonly Row[], flags: MetricsGetFlags): Promise<number> {
  const fetcher = new MetricFetcher({ timeoutSeconds: flags.timeout });
  const results = await Promise.all(rows.map((r) => fetcher.value(r.metric)));
  const out = rows.map((r, i) => {
    const result = results[i]!;
    return 'error' in result
      ? { version: r.version, name: r.name, value: null, error: result.error }
      : { version: r.version, name: r.name, value: jsonValue(result.value), error: null };
  });
  if (flags.output === 'json') process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  else {
    const cells = out.map((r) => [
      String(r.version),
      r.name,
      r.value === null ? '-' : String(r.value),
      r.error ?? '',
    ]);
    process.stdout.write(alignColumns([['VERSION', 'NAME', 'VALUE', 'ERROR'], ...cells]));
  }
  return out.every((r) => r.error === null) ? EXIT.ok : EXIT.failed;
}
