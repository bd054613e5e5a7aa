/**
 * slokit.yaml as `slokit backfill` reads it: the shared config plus the SLO files of its `slos:` section
 * (files or directories, relative to slokit.yaml). Interim: `slokit serve`'s loader
 * (src/config/slokit-config.ts, `loadSlokitConfig`) reads the same file with the serve sections checked and
 * globs expanded; once it is merged, `loadBackfillInputs` should become a call to it. Until then the serve
 * sections other than `slos` are accepted unchecked here (backfill does not read them).
 */
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../config/errors.js';
import type { LoadedSharedConfig, LoadedSlo } from '../config/load.js';
import { loadSlos } from '../config/load.js';
import { sharedConfigSchema } from '../config/schema.js';
import { validateWith } from '../config/validate.js';
import { readConfigDocument } from '../events/pipeline-config/config-file.js';

/** What a backfill needs from slokit.yaml. */
export interface BackfillInputs {
  shared: LoadedSharedConfig;
  slos: LoadedSlo[];
  /** Where plugin modules are looked up: the working directory, then slokit.yaml's directory. */
  pluginDirs: string[];
}

/** The serve sections backfill does not read: any value is let through for `serve`'s loader to check. */
const SERVE_ONLY = ['server', 'schedule', 'keptn', 'providers', 'history'] as const;

const slokitYamlSchema = sharedConfigSchema.extend({
  slos: z.array(z.string().min(1)).min(1).describe('SLO files or directories, relative to slokit.yaml.'),
  ...Object.fromEntries(SERVE_ONLY.map((key) => [key, z.unknown().optional()])),
});

/** Loads slokit.yaml and its SLOs; throws one `ConfigError` with every problem of the file and the SLOs. */
export async function loadBackfillInputs(
  file: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<BackfillInputs> {
  const absolute = resolve(file);
  const read = await readConfigDocument(absolute, env);
  // An unset variable in a section backfill does not read (server.auth_token) is not its problem.
  const missing = read.missing.filter(({ offset }) => {
    const section = read.doc?.pathAt(offset)[0];
    return !SERVE_ONLY.some((key) => key === section);
  });
  const issues: ConfigIssue[] = [...read.issues, ...missing.map((m) => m.issue)];
  if (!read.doc || issues.length) throw new ConfigError(issues);
  const checked = validateWith(slokitYamlSchema, read.doc.value ?? {}, read.doc);
  if (!checked.value) throw new ConfigError(checked.issues);
  const base = dirname(absolute);
  const slos = await loadSlos(
    checked.value.slos.map((path) => resolve(base, path)),
    env,
  );
  const { slos: _paths, ...config } = checked.value;
  return {
    shared: { config: config as LoadedSharedConfig['config'], source: read.doc, unresolved: [] },
    slos,
    pluginDirs: [process.cwd(), base],
  };
}
