/**
 * `slokit keptn ...`: Keptn quality-gate tools. This module only defines the commands' options (it is loaded
 * for every `slokit` invocation); the work is in keptn-*.ts modules imported when a command runs.
 */
import { type Command, Option } from 'commander';
import type { Exec } from './context.js';
import type { GetSliFlags } from './keptn-get-sli.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Registers the `keptn` command group; each subcommand is one register call below. */
export function registerKeptn(program: Command, exec: Exec): Command {
  const keptn = program.command('keptn').description('Keptn SLI provider and quality-gate tools');
  registerKeptnGetSli(keptn, exec);
  return keptn;
}

/** `keptn get-sli`: what the SLI provider would answer to a get-sli.triggered event. */
function registerKeptnGetSli(keptn: Command, exec: Exec): void {
  keptn
    .command('get-sli')
    .description("Answer a get-sli.triggered event offline: print the get-sli.finished event's data")
    .requiredOption('--sli <file>', 'sli.yaml (indicators: SLI name → PromQL or provider:<key>/<metric>)')
    .requiredOption('--event <file>', 'get-sli.triggered CloudEvent (JSON), or just its data')
    .option('--prometheus <url>', 'Prometheus for PromQL indicators (default: $PROMETHEUS_ENDPOINT)')
    .option(
      '-p, --metric-provider <key=path-or-url>',
      'HTTP metric provider file for provider:<key>/<metric> indicators; repeatable',
      collect,
      [],
    )
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 status succeeded and result pass, 1 warning, fail or errored, 2 usage or file errors.',
    )
    .action((flags: GetSliFlags) =>
      exec(async () => (await import('./keptn-get-sli.js')).getSliCommand(flags)),
    );
}
