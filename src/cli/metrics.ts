/**
 * `slokit metrics get`: Iter8-style provider files on the command line, to debug them. This module only
 * defines the options (it is loaded for every `slokit` invocation); the work is in metrics-run.ts.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { MAX_TIMEOUT_SECONDS, MIN_TIMEOUT_SECONDS, TIMEOUT_RANGE } from '../async/deadline.js';
import type { Exec } from './context.js';
import type { MetricsGetFlags } from './metrics-run.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Formats of `metrics get --output`. */
export const METRICS_OUTPUTS = ['table', 'json'] as const;

/** Registers `metrics get`; its work (metrics-run.ts) is imported when it runs. */
export function registerMetrics(program: Command, exec: Exec): void {
  const metrics = program.command('metrics').description('Metrics from Iter8-style HTTP metric providers');
  metrics
    .command('get')
    .description("Fetch each provider metric's value per version, or print the requests (--dry-run)")
    .requiredOption(
      '-p, --provider <key=path-or-url>',
      'provider file, as key=path-or-url or a path (key: the file name without extension); repeatable',
      collect,
    )
    .option(
      '--set <a.b=c>',
      'a value, as Helm reads it (dotted path; true/false/null and integers typed); repeatable',
      collect,
      [],
    )
    .option(
      '--values <file>',
      'YAML file of values common to all versions; repeatable, merged in order',
      collect,
      [],
    )
    .option(
      '--version-values <file>',
      "YAML file of one version's values (merged over the common ones); repeat for each version",
      collect,
      [],
    )
    .option('--dry-run', 'send nothing: print the rendered requests', false)
    .addOption(new Option('-o, --output <format>', 'output format').choices(METRICS_OUTPUTS).default('table'))
    .addOption(
      new Option('--timeout <seconds>', 'deadline of each request, seconds')
        .default(10)
        .argParser((value) => {
          const seconds = Number(value);
          if (value.trim() === '' || !(seconds >= MIN_TIMEOUT_SECONDS && seconds <= MAX_TIMEOUT_SECONDS))
            throw new InvalidArgumentError(`expected seconds ${TIMEOUT_RANGE}.`);
          return seconds;
        }),
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 every metric available (--dry-run: every request rendered), 1 some metric unavailable, 2 usage or provider file errors.',
    )
    .action((flags: MetricsGetFlags) =>
      exec(async () => (await import('./metrics-run.js')).metricsGet(flags)),
    );
}
