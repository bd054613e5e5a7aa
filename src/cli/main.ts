#!/usr/bin/env node
/** slokit command line: the only place that reads argv and sets the exit code. */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerBackfill } from './backfill.js';
import { registerCompute } from './compute.js';
import { type CommandContext, EXIT, reportError } from './context.js';
import { registerConvert } from './convert.js';
import { registerEvents } from './events.js';
import { guardProcess } from './guard.js';
import { registerKeptn } from './keptn.js';
import { registerMetrics } from './metrics.js';
import { registerRules } from './rules.js';
import { registerSchema } from './schema.js';
import { registerServe } from './serve.js';
import { registerValidate } from './validate.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

// Installed before any plugin can load: see guard.ts for what it catches and why.
const guard = guardProcess();

// Kept here rather than in process.exitCode, which plugin code could overwrite.
let exitCode: number = EXIT.ok;

/** The errors of writing to a stream whose reader has gone (`| head`): the pipe closed, or already torn down. */
const readerGone = (error: NodeJS.ErrnoException) =>
  error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED';

// A reader that stops early (`slokit ... | head`) is not an error: stop quietly, as Unix tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (readerGone(error)) guard.exit(EXIT.ok);
  throw error;
});
// A stderr that cannot be written (closed by `2>&1 | head`, or a full disk) drops the diagnostics, and the command
// ends with its own exit code. Unhandled, the write error would be an uncaught error that the guard prints on
// stderr, failing again: an endless loop at full CPU.
process.stderr.on('error', () => {});

async function exec(action: (context: CommandContext) => Promise<number>): Promise<void> {
  try {
    exitCode = await action({ guard });
  } catch (error) {
    exitCode = reportError(error);
  }
}

/** Resolves once everything written to `stream` so far has been handed to the OS. */
const flushed = (stream: NodeJS.WriteStream) =>
  new Promise<void>((resolve) => stream.write('', () => resolve()));

const program = new Command('slokit')
  .description('SLO engine: SLIs, error budgets and burn rates from any source (slo-generator v2 compatible)')
  .version(`slokit v${version}`, '-v, --version')
  .showHelpAfterError()
  .exitOverride();

registerCompute(program, exec);
registerBackfill(program, exec);
registerValidate(program, exec);
registerSchema(program, exec);
registerEvents(program, exec);
registerConvert(program, exec);
registerRules(program, exec);
registerMetrics(program, exec);
registerKeptn(program, exec);
registerServe(program, exec);

// Deadline timers are unref'd (they must not hold an embedder's process). The CLI holds the event loop for
// the command instead: a plugin promise that nothing can settle then still meets its deadline, rather than
// Node ending the process with "unsettled top-level await" (exit 13) and no output.
const holdLoop = setInterval(() => {}, 2 ** 30);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version exit 0; every other commander error is a usage error.
    exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    exitCode = reportError(error);
  }
}

// The run is over: exit even if a plugin left timers or sockets open. A caught plugin fault is a failure.
clearInterval(holdLoop);
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
guard.dispose();
guard.exit(exitCode === EXIT.ok && guard.faults > 0 ? EXIT.failed : exitCode);
