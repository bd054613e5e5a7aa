/**
 * Shared CLI plumbing: exit codes and mapping errors to them. Kept free of heavy imports: main.ts loads it
 * for every command, `--help` included (see inputs.ts for config loading).
 */
import { ConfigError } from '../config/errors.js';
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

/** Prints an error the way the CLI reports it and returns the exit code it maps to. */
export function reportError(error: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  if (error instanceof ConfigError || error instanceof UsageError) {
    stderr.write(`slokit: ${error.message}\n`);
    return EXIT.usage;
  }
  stderr.write(`slokit: ${(error as Error)?.stack ?? String(error)}\n`);
  return EXIT.failed;
}
