/**
 * What the CLI does about plugin code that misbehaves outside the calls the engine awaits: an error thrown
 * later from a plugin's timer, an unhandled rejection, a `process.exit()`. None of them may lose the other
 * SLOs' results or turn a failure into exit code 0. While a command runs:
 * - `uncaughtException` and `unhandledRejection` are caught, counted, printed on stderr (attributed to the
 *   plugin work whose async context raised them, secrets redacted); the run then ends with exit code 1;
 * - `process.exit()` called from plugin code throws `PluginExitError` instead: inside a backend call that
 *   SLO's report is invalid, inside an export that export fails, inside a module load the plugin fails to
 *   load, and from a plugin's timer it is one more uncaught error. slokit's own `process.exit` is untouched.
 */
import { redact } from '../config/secrets.js';
import { formatError } from '../engine/invoke.js';
import { currentPluginScope } from '../plugins/scope.js';

/** Thrown when plugin code calls `process.exit()`. */
export class PluginExitError extends Error {
  override name = 'PluginExitError';
}

/** A guard installed on the process for the duration of a command. */
export interface ProcessGuard {
  /** Errors caught since installation (uncaught exceptions and unhandled rejections). */
  readonly faults: number;
  /** Values redacted from every message the guard prints (secrets of the loaded configs). */
  addSecrets(secrets: readonly string[]): void;
  /** The process's real `process.exit`, for slokit itself. */
  readonly exit: (code?: number) => never;
  /** Removes the handlers and restores `process.exit`. */
  dispose(): void;
}

/** Installs the guard; `stderr` receives one line per caught error. */
export function guardProcess(stderr: NodeJS.WritableStream = process.stderr): ProcessGuard {
  const realExit = process.exit.bind(process) as (code?: number) => never;
  const secrets: string[] = [];
  let faults = 0;
  const onFault = (kind: string) => (error: unknown) => {
    faults++;
    const source = currentPluginScope();
    const where = source ? `plugin code of ${source}` : 'code outside any plugin call';
    stderr.write(`slokit: ${kind} from ${where}: ${redact(formatError(error), secrets)}\n`);
  };
  const onException = onFault('uncaught error');
  const onRejection = onFault('unhandled promise rejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  const exitOverride = (code?: number | string | null): never => {
    const source = currentPluginScope();
    if (source === undefined) return realExit(code as number | undefined);
    throw new PluginExitError(
      `${source} called process.exit(${code ?? ''}); plugins may not end the run (throw an error instead)`,
    );
  };
  process.exit = exitOverride as typeof process.exit;
  return {
    get faults() {
      return faults;
    },
    addSecrets: (more) => {
      secrets.push(...more);
    },
    exit: realExit,
    dispose() {
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
      if (process.exit === exitOverride) process.exit = realExit as typeof process.exit;
    },
  };
}
