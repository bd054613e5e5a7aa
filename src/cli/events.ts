/**
 * `slokit events classify` and `slokit events check`: slo-exporter rule files applied to JSON-lines events;
 * `slokit events run`: the event pipeline service. This module only defines the commands' options (it is
 * loaded for every `slokit` invocation, `--help` included); their work is in events-run.ts and
 * events-pipeline.ts.
 */
import { type Command, Option } from 'commander';
import { DEFAULT_EVENT_FIELDS, DEFAULT_MAX_LINE_LENGTH } from '../events/event-fields.js';
import type { Exec } from './context.js';
import type { EventsRunFlags } from './events-pipeline.js';
import type { ClassifyFlags } from './events-run.js';
import { EVENTS_OUTPUTS, numberParser } from './options.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Registers `events classify`, `run` and `check`; their work is imported when they run. */
export function registerEvents(program: Command, exec: Exec): void {
  const events = program
    .command('events')
    .description('Classify raw events into SLO events with slo-exporter rule files');
  events
    .command('classify')
    .description('Read JSON-lines events (stdin or --input) and print SLO events, a summary or metrics')
    .requiredOption(
      '-r, --rules <file>',
      'rule file (repeat for several; rules run in the order given)',
      collect,
    )
    .option('-i, --input <file>', 'JSON-lines input file (default: stdin)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(EVENTS_OUTPUTS).default('jsonl'))
    .option('--expose-rules', 'with --output metrics: add the rules threshold gauge', false)
    .option('--domain-field <name>', 'field holding the SLO domain', DEFAULT_EVENT_FIELDS.domain)
    .option('--class-field <name>', 'field holding the SLO class', DEFAULT_EVENT_FIELDS.class)
    .option('--app-field <name>', 'field holding the SLO app', DEFAULT_EVENT_FIELDS.app)
    .option('--key-field <name>', 'field holding the event key', DEFAULT_EVENT_FIELDS.key)
    .option('--quantity-field <name>', 'field holding the event quantity', DEFAULT_EVENT_FIELDS.quantity)
    .option('--result-field <name>', "field holding the event's own result", DEFAULT_EVENT_FIELDS.result)
    .option('--metric-name <name>', 'counter metric name', 'slo_events_total')
    .option(
      '--label-name <role=name>',
      'counter label name for a role (result, slo_domain, slo_class, slo_app, event_key); repeatable',
      collect,
      [],
    )
    .addOption(
      new Option('--max-event-keys <n>', 'distinct event keys kept in counters (0: no limit)')
        .argParser(numberParser('non-negative integer'))
        .default(0),
    )
    .option('--exceeded-key-placeholder <key>', 'event key used past the limit', 'cardinalityLimitExceeded')
    .addOption(
      new Option('--max-line-length <n>', 'longer lines are malformed (characters)')
        .argParser(numberParser('non-negative integer'))
        .default(DEFAULT_MAX_LINE_LENGTH),
    )
    .addOption(
      new Option(
        '--workers <n>',
        'worker threads for jsonl and summary (0: none; default: up to 4, one per core, none on one core)',
      ).argParser(numberParser('non-negative integer')),
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 done (malformed lines are counted, not fatal), 2 usage or rule file errors.',
    )
    .action((flags: ClassifyFlags) => exec(async () => (await import('./events-run.js')).classify(flags)));
  events
    .command('run')
    .description(
      'Run an event pipeline (an slo-exporter config, or the events: section of slokit.yaml): tail files, ' +
        'ingest events, serve /metrics, keep the windowed event store',
    )
    .option(
      '--slo-exporter-config <file>',
      "slo-exporter's root config (relative paths resolve against the working directory)",
    )
    .option('-c, --config <file>', 'slokit.yaml with an events: section')
    .option('--listen <host:port>', 'HTTP listen address (overrides the config; port 0 picks a free port)')
    .option('--stdin', 'also read JSON events from standard input (the run ends when it ends)', false)
    .option(
      '--print-metrics',
      'after the pipeline drained, print the final /metrics exposition on stdout',
      false,
    )
    .option(
      '--history-db <file>',
      "the event store's SQLite database (default: the config's, .slokit/history.db)",
    )
    .option('--no-store', 'do not keep the windowed event store')
    .option(
      '--auth-token-file <file>',
      'file whose first line is the bearer token POST /api/events needs (default: $SLOKIT_EVENTS_AUTH_TOKEN; neither: ingest is open)',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 clean end (finite sources ended, or SIGTERM/SIGINT), 1 runtime failure, 2 usage or config error.' +
        '\nA second SIGTERM/SIGINT exits at once (143/130).',
    )
    .action((flags: EventsRunFlags) =>
      exec(async (context) => (await import('./events-pipeline.js')).run(flags, context)),
    );
  events
    .command('check')
    .description('Validate rule files without reading events')
    .requiredOption('-r, --rules <file>', 'rule file (repeat for several)', collect)
    .option('--expose-rules', 'also check that thresholds can be exposed as metrics', false)
    .addHelpText(
      'after',
      '\nExit codes: 0 valid, 2 errors (each printed as file:line:column: field: problem).',
    )
    .action((flags: { rules: string[]; exposeRules: boolean }) =>
      exec(async () => (await import('./events-run.js')).check(flags)),
    );
}
