/** Loading of the SLO files and the shared config a command names, with the plugin directories they imply. */
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../config/errors.js';
import { type LoadedSharedConfig, type LoadedSlo, loadSharedConfig, loadSlos } from '../config/load.js';

/** Loaded inputs of a command that reads SLOs and the shared config. */
export interface Inputs {
  slos: LoadedSlo[];
  shared: LoadedSharedConfig;
  /** Where plugin modules are looked up: the working directory, then the config file's directory. */
  pluginDirs: string[];
}

/** Loads SLO files and the shared config together; throws one ConfigError with the issues of both. */
export async function loadInputs(sloPaths: string[], configPath: string): Promise<Inputs> {
  // Load both before failing, so the errors of the SLO files and of the shared config show together.
  const [slos, shared] = await Promise.allSettled([loadSlos(sloPaths), loadSharedConfig(configPath)]);
  const failures = [slos, shared].flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length) {
    if (!failures.every((f) => f instanceof ConfigError))
      throw failures.find((f) => !(f instanceof ConfigError));
    throw new ConfigError((failures as ConfigError[]).flatMap((f) => f.issues));
  }
  return {
    slos: (slos as PromiseFulfilledResult<LoadedSlo[]>).value,
    shared: (shared as PromiseFulfilledResult<LoadedSharedConfig>).value,
    pluginDirs: [process.cwd(), dirname(resolve(configPath))],
  };
}
