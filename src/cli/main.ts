#!/usr/bin/env node
/** slokit command line: the only place that reads argv and sets the exit code. */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerCompute } from './compute.js';
import { EXIT, reportError } from './context.js';
import { registerEvents } from './events.js';
import { registerSchema } from './schema.js';
import { registerValidate } from './validate.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

async function exec(action: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await action();
  } catch (error) {
    process.exitCode = reportError(error);
  }
}

const program = new Command('slokit')
  .description('SLO engine: SLIs, error budgets and burn rates from any source (slo-generator v2 compatible)')
  .version(`slokit v${version}`, '-v, --version')
  .showHelpAfterError()
  .exitOverride();

registerCompute(program, exec);
registerValidate(program, exec);
registerSchema(program, exec);
registerEvents(program, exec);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version exit 0; every other commander error is a usage error.
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    process.exitCode = reportError(error);
  }
}
