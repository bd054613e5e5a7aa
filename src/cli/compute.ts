/**
 * `slokit compute`: compute SLO reports (and export them) for the SLOs given. The command's work is imported
 * when it runs, so `slokit --help` loads none of it.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { MIN_VALID_EVENTS_EXPECTED, parseMinValidEvents } from '../config/min-valid-events.js';
import type { SloResult } from '../engine/compute.js';
import { type CommandContext, EXIT, type Exec, UsageError } from './context.js';
import {
  callTimeoutOption,
  LOG_LEVELS,
  type LogLevel,
  numberParser,
  OUTPUT_FORMATS,
  type OutputFormat,
} from './options.js';

interface ComputeFlags {
  sloConfig: string[];
  config: string;
  timestamp?: number;
  output?: OutputFormat;
  concurrency: number;
  dedup: boolean;
  minValidEvents?: number;
  callTimeout?: number;
  export: boolean;
  delete: boolean;
  logLevel: LogLevel;
}

/** `--min-valid-events`: parsed as `min_valid_events` and `MIN_VALID_EVENTS` are. */
function minValidEventsParser(value: string): number {
  const parsed = parseMinValidEvents(value);
  if (parsed === undefined) throw new InvalidArgumentError(`${MIN_VALID_EVENTS_EXPECTED}.`);
  return parsed;
}

/** Output format: explicit flag, else a table on a terminal and JSON otherwise. */
export function outputFormat(flag: OutputFormat | undefined, isTTY: boolean): OutputFormat {
  return flag ?? (isTTY ? 'table' : 'json');
}

async function run(flags: ComputeFlags, { guard }: CommandContext): Promise<number> {
  const format = outputFormat(flags.output, Boolean(process.stdout.isTTY));
  const { timestamp, concurrency, minValidEvents, callTimeout } = flags;
  if (flags.export && flags.delete) throw new UsageError('--export and --delete cannot be combined');
  const exporting = flags.export || flags.delete;
  const [
    { ConfigError },
    { secretsOf },
    { compute, identityResults },
    { validateConfig },
    { loadInputs },
    { createLogger },
    { colorEnabled, render, renderDeletions },
    { progressReporter },
    exportModules,
  ] = await Promise.all([
    import('../config/errors.js'),
    import('../config/secrets.js'),
    import('../engine/compute.js'),
    import('../engine/validate.js'),
    import('./inputs.js'),
    import('./logger.js'),
    import('./output.js'),
    import('./progress.js'),
    // Exporters, their context and history stores only when this run exports or deletes.
    exporting ? Promise.all([import('../engine/export.js'), import('../exporters/context.js')]) : undefined,
  ]);
  const logger = createLogger(flags.logLevel);
  const inputs = await loadInputs(flags.sloConfig, flags.config);
  const issues = await validateConfig(inputs.slos, inputs.shared, {
    pluginDirs: inputs.pluginDirs,
    loadPlugins: false,
    unsupportedInUse: 'invalid-report',
    exporting,
    onWarning: ({ message, ...where }) => logger.warn(where, message),
  });
  if (issues.length) throw new ConfigError(issues);
  const slos = inputs.slos.map((s) => s.config);
  const shared = inputs.shared.config;
  guard.addSecrets([...secretsOf(shared.backends), ...secretsOf(shared.exporters)]);
  if (!exportModules) return computeReports();
  const [{ exportResults }, { closeExporterContext, createExporterContext }] = exportModules;
  const retry = shared.exporter_retry;
  const exportOptions = { attempts: retry?.attempts, backoffMs: retry?.backoff_ms, logger, callTimeout };
  const context = createExporterContext({ pluginDirs: inputs.pluginDirs });
  try {
    return await computeAndExport();
  } finally {
    closeExporterContext(context); // history databases checkpoint and close, whatever happened
  }

  /** Computes and renders the reports; `exportReports` (with --export) gets them before rendering. */
  async function computeReports(
    exportReports?: (results: SloResult[]) => Promise<{ failed: number }>,
  ): Promise<number> {
    const progress = progressReporter('computing');
    const result = await compute(slos, shared, {
      timestamp,
      concurrency,
      dedup: flags.dedup,
      minValidEvents,
      callTimeout,
      pluginDirs: inputs.pluginDirs,
      logger,
      onProgress: progress.update,
    });
    progress.done();
    const summary = await exportReports?.(result.results);
    const reports = result.results.flatMap((r) => r.reports);
    process.stdout.write(render(reports, format, colorEnabled(process.env, Boolean(process.stdout.isTTY))));
    return reports.every((r) => r.valid) && !summary?.failed ? EXIT.ok : EXIT.failed;
  }

  async function computeAndExport(): Promise<number> {
    if (flags.delete) {
      // Deleting needs only each SLO's name and steps: no backend is queried.
      const results = identityResults(slos, shared);
      const { succeeded } = await exportResults(results, shared, context, { ...exportOptions, delete: true });
      const reports = results.flatMap((r) => r.reports);
      process.stdout.write(renderDeletions(reports, succeeded, format));
      return reports.every((r) => r.errors.length === 0) ? EXIT.ok : EXIT.failed;
    }
    return computeReports((results) => exportResults(results, shared, context, exportOptions));
  }
}

export function registerCompute(program: Command, exec: Exec): void {
  program
    .command('compute')
    .description(
      'Compute SLO reports (slo-generator v2 compatible) for every SLO and error budget policy step',
    )
    .requiredOption('-f, --slo-config <path...>', 'SLO file or directory of SLO files (.yaml, .yml, .json)')
    .option(
      '-c, --config <path>',
      'shared config (backends, exporters, error_budget_policies)',
      'config.yaml',
    )
    .addOption(
      new Option('-t, --timestamp <seconds>', 'evaluation timestamp, Unix seconds (default: now)').argParser(
        numberParser('number'),
      ),
    )
    .addOption(
      new Option('-o, --output <format>', 'output format (default: table on a terminal, else json)').choices(
        OUTPUT_FORMATS,
      ),
    )
    .addOption(
      new Option('--concurrency <n>', 'maximum backend requests in flight')
        .argParser(numberParser('positive integer'))
        .default(8),
    )
    .option('--no-dedup', 'send every request even when identical ones were already made in this run')
    .addOption(
      new Option('--min-valid-events <n>', 'minimum good+bad events for a valid ratio report').argParser(
        minValidEventsParser,
      ),
    )
    .addOption(callTimeoutOption())
    .addOption(
      new Option('--log-level <level>', 'structured logs on stderr').choices(LOG_LEVELS).default('warn'),
    )
    .option('-e, --export', "hand valid reports to the SLO's exporters and default_exporters", false)
    .option(
      '-d, --delete',
      'remove what the exporters exported for these SLOs (e.g. Pushgateway groups)',
      false,
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 all reports valid, 1 an invalid report, failed export or plugin fault, 2 usage or config error.',
    )
    .action((flags: ComputeFlags) => exec((context) => run(flags, context)));
}
