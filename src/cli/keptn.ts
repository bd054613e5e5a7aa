/**
 * `slokit keptn ...`: Keptn SLI provider and quality gates. This module only defines the commands' options (it is loaded for
 * every `slokit` invocation, `--help` included); each subcommand's work is imported when it runs.
 */
import { type Command, Option } from 'commander';
import type { Exec } from './context.js';
import type { GetSliFlags } from './keptn-get-sli.js';
import { OUTPUT_FORMATS, type OutputFormat } from './options.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Flags of `slokit keptn evaluate`. */
export interface KeptnEvaluateFlags {
  slo: string;
  sli: string;
  previous?: string;
  history: boolean;
  store: boolean;
  /** Default: the history exporter's database (resolved when the command runs). */
  historyDb?: string;
  output: OutputFormat;
}

/** Registers the `keptn` command group; each subcommand is one register call below. */
export function registerKeptn(program: Command, exec: Exec): Command {
  const keptn = program
    .command('keptn')
    .description('Keptn SLI provider and lighthouse-compatible SLO evaluation');
  registerKeptnGetSli(keptn, exec);
  registerKeptnEvaluate(keptn, exec);
  return keptn;
}

function registerKeptnEvaluate(keptn: Command, exec: Exec): void {
  keptn
    .command('evaluate')
    .description(
      'Evaluate a Keptn slo.yaml against the SLI values of a get-sli.finished event, as lighthouse',
    )
    .requiredOption('--slo <file>', 'Keptn slo.yaml')
    .requiredOption('--sli <file>', 'sh.keptn.event.get-sli.finished event (JSON), or just its data')
    .option(
      '--previous <file>',
      'previous evaluation.finished events or their data (JSON list, newest first) to compare with',
    )
    .option('--history', 'compare with the evaluations stored in the history database', false)
    .option('--store', 'store this evaluation in the history database (for later --history runs)', false)
    .option('--history-db <path>', 'history database of --history and --store (default: .slokit/history.db)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .addHelpText(
      'after',
      '\n--output json prints the data of the evaluation.finished event lighthouse would send (status, result, message, evaluation).\nExit codes: 0 pass, 1 warning or fail, 2 usage or file error.',
    )
    .action((flags: KeptnEvaluateFlags) =>
      exec(async () => (await import('./keptn-evaluate.js')).runKeptnEvaluate(flags)),
    );
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
