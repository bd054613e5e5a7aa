/**
 * `slokit rules generate`: Prometheus recording and multi-window multi-burn-rate alerting rules from slokit
 * SLO files or Sloth specs. This module only defines the options (it is loaded for every `slokit`
 * invocation); the work is in rules-run.ts.
 */
import { type Command, Option } from 'commander';
import { DEFAULT_ALERT_OPTIONS } from '../alerting/slokit-rules.js';
import type { Exec } from './context.js';
import type { RulesFlags } from './rules-run.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Registers `rules generate`; its work (rules-run.ts) is imported when it runs. */
export function registerRules(program: Command, exec: Exec): void {
  const rules = program.command('rules').description('Prometheus rules for SLOs');
  rules
    .command('generate')
    .description(
      'Print recording rules (error ratios, burn rates, budget) and multi-window multi-burn-rate alerts',
    )
    .argument('[specs...]', 'with --from sloth: Sloth prometheus/v1 spec files or directories')
    .addOption(
      new Option('--from <format>', 'input: slokit SLO files (-f, -c) or Sloth specs')
        .choices(['slokit', 'sloth'])
        .default('slokit'),
    )
    .option('-f, --slo-config <path...>', 'SLO file or directory (--from slokit)')
    .option('-c, --config <path>', 'shared config (--from slokit)', 'config.yaml')
    .option('-o, --output <file>', 'rule file to write (default: stdout)')
    .option(
      '--period <duration>',
      'SLO period, e.g. 30d (default: the largest window of the SLO error budget policy; Sloth: 30d)',
    )
    .option('-l, --label <name=value>', 'label added to every rule (repeatable)', collect, [])
    .option('--annotation <name=value>', 'annotation added to every alert (repeatable; slokit)', collect, [])
    .option('--runbook-url <url>', 'runbook_url annotation of every alert (slokit)')
    .option('--dashboard-url <url>', 'dashboard_url annotation of every alert (slokit)')
    .option('--alert-name <name>', 'alert name (slokit)', DEFAULT_ALERT_OPTIONS.alertName)
    .option(
      '--page-severity <value>',
      'severity label of page alerts (slokit)',
      DEFAULT_ALERT_OPTIONS.severity.page,
    )
    .option(
      '--ticket-severity <value>',
      'severity label of ticket alerts (slokit)',
      DEFAULT_ALERT_OPTIONS.severity.ticket,
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 written (SLOs on other backends are skipped with a warning), 2 usage or config errors (each printed as file:line:column: field: problem).',
    )
    .action((specs: string[], flags: RulesFlags) =>
      exec(async () => (await import('./rules-run.js')).generateRules(specs, flags)),
    );
}
