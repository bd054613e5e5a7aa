/**
 * slokit.yaml as `slokit serve` (and `slokit validate -c`) reads it: the shared config (schema.ts, which
 * includes the serve sections of serve-sections.ts) plus the SLO files its `slos:` section names. Paths and
 * globs resolve against the config file's directory. A glob may use `*` and `?` in its last path segment
 * (`slos/*.yaml`); a directory reads the SLO files directly inside it, as `compute -f` does.
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { didYouMean } from './did-you-mean.js';
import { ConfigError, type ConfigIssue, formatPath } from './errors.js';
import { type LoadedSharedConfig, type LoadedSlo, loadSharedConfig, loadSlos } from './load.js';
import {
  DEFAULT_SCHEDULE_INTERVAL,
  DEFAULT_SERVE_BODY_LIMIT,
  DEFAULT_SERVE_LISTEN,
} from './serve-sections.js';

type Env = Readonly<Record<string, string | undefined>>;

/** slokit.yaml, loaded and checked, with its defaults applied. */
export interface SlokitConfig {
  /** Absolute path of slokit.yaml. */
  file: string;
  shared: LoadedSharedConfig;
  /** The SLOs of `slos:`, in path order (empty when the section is absent). */
  slos: LoadedSlo[];
  /** `server.listen`, else 127.0.0.1:8080. */
  listen: string;
  /** `server.auth_token`; undefined: write endpoints are open. */
  authToken: string | undefined;
  /** `server.body_limit`, bytes; default 10 MiB. */
  bodyLimit: number;
  /** Compute interval of an SLO, seconds: its `schedule.overrides` entry, else `schedule.interval`, else 60. */
  intervalOf(sloName: string): number;
  /** `history.retention`, seconds; undefined keeps everything. */
  historyRetention: number | undefined;
  /** `history.backfill`, seconds; undefined: no backfill on start. */
  backfill: { lookback: number; every: number } | undefined;
  /** Directories plugin modules are resolved against: the working directory, then slokit.yaml's. */
  pluginDirs: string[];
}

const GLOB = /[*?]/;

/** A glob of one path segment (`*`: any run of characters but `/`, `?`: one) as a regexp. */
function segmentPattern(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${escaped}$`);
}

/**
 * The paths one `slos:` entry names, relative to `base`: the path itself, or the files a glob in its last
 * segment matches (sorted; names starting with `.` only when the glob does). Returns an error message when
 * the glob is elsewhere in the path or matches nothing.
 */
export async function expandSloPath(entry: string, base: string): Promise<string[] | { error: string }> {
  const path = resolve(base, entry);
  const name = basename(path);
  if (!GLOB.test(name)) {
    if (GLOB.test(path))
      return { error: `a glob may only use * and ? in its last path segment, got "${entry}"` };
    return [path];
  }
  const dir = dirname(path);
  if (GLOB.test(dir))
    return { error: `a glob may only use * and ? in its last path segment, got "${entry}"` };
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    return { error: `cannot list "${dir}" (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
  const pattern = segmentPattern(name);
  const matched = names
    .filter((n) => pattern.test(n) && (name.startsWith('.') || !n.startsWith('.')))
    .sort()
    .map((n) => resolve(dir, n));
  return matched.length ? matched : { error: `no file matches "${entry}"` };
}

/**
 * Loads slokit.yaml (`file`) and the SLO files of its `slos:` section. Throws one `ConfigError` with every
 * problem: of the file, of its SLO files, unmatched globs, and `schedule.overrides` naming no SLO (with a
 * did-you-mean). Backend and exporter references are checked by the engine's `validateConfig`, not here.
 */
export async function loadSlokitConfig(file: string, env: Env = process.env): Promise<SlokitConfig> {
  const absolute = resolve(file);
  const shared = await loadSharedConfig(absolute, env);
  const { config, source } = shared;
  const base = dirname(absolute);
  const issues: ConfigIssue[] = [];
  /** An issue at `path`; with `key`, at that key of the map at `path` (an unknown name is the key's fault). */
  const at = (path: PropertyKey[], message: string, key?: string): ConfigIssue => ({
    file: absolute,
    ...source.locate(path, key),
    path: formatPath(key === undefined ? path : [...path, key]),
    message,
  });
  const entries = config.slos ?? [];
  const expanded = await Promise.all(entries.map((entry) => expandSloPath(entry, base)));
  const paths: string[] = [];
  expanded.forEach((result, i) => {
    if ('error' in result) issues.push(at(['slos', i], result.error));
    else paths.push(...result);
  });
  let slos: LoadedSlo[] = [];
  if (paths.length) {
    try {
      slos = await loadSlos(paths, env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      issues.push(...error.issues);
    }
  }
  const overrides = config.schedule?.overrides ?? {};
  const names = slos.map((s) => s.config.metadata.name);
  if (slos.length || !issues.length) {
    for (const name of Object.keys(overrides)) {
      if (names.includes(name)) continue;
      const hint = didYouMean(name, names);
      const message = `no SLO of "slos" is named "${name}"${hint ? `; did you mean "${hint}"?` : ''}`;
      issues.push(at(['schedule', 'overrides'], message, name));
    }
  }
  if (issues.length) throw new ConfigError(issues);
  const interval = config.schedule?.interval ?? DEFAULT_SCHEDULE_INTERVAL;
  return {
    file: absolute,
    shared,
    slos,
    listen: config.server?.listen ?? DEFAULT_SERVE_LISTEN,
    authToken: config.server?.auth_token,
    bodyLimit: config.server?.body_limit ?? DEFAULT_SERVE_BODY_LIMIT,
    intervalOf: (name) => (Object.hasOwn(overrides, name) ? overrides[name]! : interval),
    historyRetention: config.history?.retention,
    backfill: config.history?.backfill,
    pluginDirs: [process.cwd(), base],
  };
}
