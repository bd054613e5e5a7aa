/**
 * `slokit backfill -c slokit.yaml --from <time> --to <time> --every 1h`: computes and stores in the report
 * history what every SLO × step would have reported at each past instant (src/engine/backfill.ts). The work
 * is imported when the command runs. Progress: a counter on stderr when it is a terminal, else structured
 * logs (`backfill progress`, every 10 %). The summary is printed as JSON on stdout.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { TIMESTAMP_PARSERS } from '../events/pipeline-config/timestamp-formats.js';
import { durationSeconds, parseDuration } from '../lang/duration.js';
import { type CommandContext, EXIT, type Exec, UsageError } from './context.js';
import { callTimeoutOption, LOG_LEVELS, type LogLevel, numberParser } from './options.js';

interface BackfillFlags {
  config: string;
  from: string;
  to: string;
  every: number;
  dataDir?: string;
  concurrency: number;
  callTimeout?: number;
  logLevel: LogLevel;
}

const TIME_FORMS =
  'an RFC 3339 time (2026-11-23T00:00:00Z), Unix seconds, "now", or a duration before now ("-7d", "now-36h")';

/**
 * A time argument → Unix seconds: RFC 3339, Unix seconds (fractional allowed), `now`, or `-<duration>` /
 * `now-<duration>` before `now` (Prometheus durations: `7d`, `1h30m`). Undefined when the text is none of
 * these.
 */
export function parseTimeArgument(text: string, now: number): number | undefined {
  const value = text.trim();
  if (value === 'now') return now;
  const relative = /^(?:now)?-(.+)$/.exec(value);
  if (relative) {
    const seconds = parseDuration(relative[1]!);
    return seconds === undefined ? undefined : now - seconds;
  }
  return TIMESTAMP_PARSERS.unix(value) ?? TIMESTAMP_PARSERS.rfc3339(value);
}

function everyParser(value: string): number {
  const seconds = durationSeconds(/^\d+(?:\.\d+)?$/.test(value) ? Number(value) : value, false);
  if (seconds === undefined)
    throw new InvalidArgumentError('expected a positive duration such as "1h", "15m" or seconds.');
  return seconds;
}

async function run(flags: BackfillFlags, { guard }: CommandContext): Promise<number> {
  const now = Date.now() / 1000;
  const from = parseTimeArgument(flags.from, now);
  const to = parseTimeArgument(flags.to, now);
  if (from === undefined) throw new UsageError(`--from "${flags.from}": expected ${TIME_FORMS}`);
  if (to === undefined) throw new UsageError(`--to "${flags.to}": expected ${TIME_FORMS}`);
  if (from > to) throw new UsageError(`--from (${flags.from}) is after --to (${flags.to})`);
  const [
    { ConfigError },
    { secretsOf },
    { backfill, logBackfillProgress },
    { validateConfig },
    { HistoryStore },
    { loadSlokitConfig },
    logs,
    progressModule,
    { dataDirOf, historyPathOf },
  ] = await Promise.all([
    import('../config/errors.js'),
    import('../config/secrets.js'),
    import('../engine/backfill.js'),
    import('../engine/validate.js'),
    import('../history/store.js'),
    import('../config/slokit-config.js'),
    import('./logger.js'),
    import('./progress.js'),
    import('./serve-data-dir.js'),
  ]);
  const logger = logs.createLogger(flags.logLevel);
  // slokit.yaml read exactly as `serve` reads it (its serve sections checked too).
  const loaded = await loadSlokitConfig(flags.config);
  const issues = await validateConfig(loaded.slos, loaded.shared, {
    pluginDirs: loaded.pluginDirs,
    loadPlugins: false,
    unsupportedInUse: 'invalid-report',
    exporting: false,
    onWarning: ({ message, ...where }) => logger.warn(where, message),
  });
  if (issues.length) throw new ConfigError(issues);
  const shared = loaded.shared.config;
  guard.addSecrets([...secretsOf(shared.backends), ...secretsOf(shared.exporters)]);

  const history = new HistoryStore(historyPathOf(dataDirOf(loaded.file, flags.dataDir)));
  const terminal = progressModule.progressReporter('backfilling');
  const onProgress = process.stderr.isTTY ? terminal.update : logBackfillProgress(logger);
  try {
    const summary = await backfill(
      loaded.slos.map((slo) => slo.config),
      shared,
      history,
      {
        from,
        to,
        every: flags.every,
        concurrency: flags.concurrency,
        compute: { callTimeout: flags.callTimeout, pluginDirs: loaded.pluginDirs },
        logger,
        onProgress,
      },
    );
    terminal.done();
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return summary.invalid === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    history.close();
  }
}

export function registerBackfill(program: Command, exec: Exec): void {
  program
    .command('backfill')
    .description(
      'Compute and store in the report history the reports every SLO and step would have had at past instants',
    )
    .option('-c, --config <file>', 'slokit.yaml (shared config and slos:)', 'slokit.yaml')
    .requiredOption('--from <time>', `first instant: ${TIME_FORMS}`)
    .option('--to <time>', 'last instant (same forms as --from)', 'now')
    .addOption(
      new Option('--every <duration>', 'spacing of the instants (multiples of it in [from, to])')
        .argParser(everyParser)
        .default(3600, '1h'),
    )
    .option('--data-dir <dir>', 'data directory holding history.db (default: .slokit beside the config)')
    .addOption(
      new Option('--concurrency <n>', 'instants computed at once')
        .argParser(numberParser('positive integer'))
        .default(4),
    )
    .addOption(callTimeoutOption())
    .addOption(
      new Option('--log-level <level>', 'structured logs on stderr').choices(LOG_LEVELS).default('info'),
    )
    .addHelpText(
      'after',
      '\nIdempotent: reports already stored (same SLO, step and instant) are kept and not computed again.' +
        '\nExit codes: 0 every report valid, 1 an invalid report (not stored), 2 usage or config error.',
    )
    .action((flags: BackfillFlags) => exec((context) => run(flags, context)));
}
