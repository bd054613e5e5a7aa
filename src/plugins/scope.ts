/**
 * Which plugin work is running: the engine runs every plugin module load and plugin method call inside
 * `runInPluginScope`, and the async context follows the plugin's own timers and promises. So an error a
 * plugin throws later from a timer, an unhandled rejection, or a `process.exit` it calls can be attributed
 * ("backend custom.x.Y, SLO checkout") by whoever watches the process (the CLI).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<string>();

/** Runs `work` tagged with `description` (e.g. `backend "custom.x.Y" (SLO "checkout")`). */
export function runInPluginScope<T>(description: string, work: () => T): T {
  return scope.run(description, work);
}

/** The description of the plugin work the current code runs for, or undefined outside plugin work. */
export function currentPluginScope(): string | undefined {
  return scope.getStore();
}
