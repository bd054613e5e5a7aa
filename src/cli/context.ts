/** Shared CLI plumbing: loading configs with plugin directories, mapping errors to exit codes. */
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../config/errors.js';
import { type LoadedSharedConfig, type LoadedSlo, loadSharedConfig, loadSlos } from '../config/load.js';
import type { ProcessGuard } from './guard.js';

/** Process exit codes: 0 all good, 1 an invalid report or failed export, 2 usage or config error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Thrown for bad command-line input; printed without a stack and exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** What a command's action receives from main. */
export interface CommandContext {
  /** The process guard of this command (plugin faults, secrets to redact from what it prints). */
  guard: ProcessGuard;
}

/** Runs a command's action and records its exit code (main.ts). */
export type Exec = (action: (context: CommandContext) => Promise<number>) => Promise<void>;

/** Loaded inputs of a command that reads SLOs and the shared config. */
export interface Inputs {
  slos: LoadedSlo[];
  shared: LoadedSharedConfig;
  /** Where plugin modules are looked up: the working directory, then the config file's directory. */
  pluginDirs: string[];
}

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

/** Prints an error the way the CLI reports it and returns the exit code it maps to. */
export function reportError(error: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  if (error instanceof ConfigError || error instanceof UsageError) {
    stderr.write(`slokit: ${error.message}\n`);
    return EXIT.usage;
  }
  stderr.write(`slokit: ${(error as Error)?.stack ?? String(error)}\n`);
  return EXIT.failed;
}
