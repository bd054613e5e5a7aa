/** `slokit compute`: compute SLO reports (and export them) for the SLOs given. */
import type { Command } from 'commander';
import { ConfigError } from '../config/errors.js';
import { compute, identityResults } from '../engine/compute.js';
import { exportResults } from '../engine/export.js';
import { validateConfig } from '../engine/validate.js';
import { EXIT, loadInputs, UsageError } from './context.js';
import { createLogger, LOG_LEVELS } from './logger.js';
import { OUTPUT_FORMATS, type OutputFormat, render, renderDeletions } from './output.js';
import { progressReporter } from './progress.js';

interface ComputeFlags {
  sloConfig: string[];
  config: string;
  timestamp?: string;
  output?: string;
  concurrency: string;
  dedup: boolean;
  minValidEvents?: string;
  export: boolean;
  delete: boolean;
  logLevel: string;
}

/** Parses a numeric flag; `integer` restricts it to positive or non-negative integers. */
function parseNumber(name: string, value: string, integer?: 'positive' | 'non-negative'): number {
  const n = Number(value);
  const ok =
    value.trim() !== '' &&
    Number.isFinite(n) &&
    (!integer || (Number.isInteger(n) && (integer === 'positive' ? n >= 1 : n >= 0)));
  if (!ok)
    throw new UsageError(`${name} must be ${integer ? `a ${integer} integer` : 'a number'}, got "${value}"`);
  return n;
}

/** Output format: explicit flag, else a table on a terminal and JSON otherwise. */
export function outputFormat(flag: string | undefined, isTTY: boolean): OutputFormat {
  if (flag === undefined) return isTTY ? 'table' : 'json';
  if (!OUTPUT_FORMATS.includes(flag as OutputFormat)) {
    throw new UsageError(`--output must be one of ${OUTPUT_FORMATS.join(', ')}, got "${flag}"`);
  }
  return flag as OutputFormat;
}

async function run(flags: ComputeFlags): Promise<number> {
  const format = outputFormat(flags.output, Boolean(process.stdout.isTTY));
  const timestamp = flags.timestamp === undefined ? undefined : parseNumber('--timestamp', flags.timestamp);
  const concurrency = parseNumber('--concurrency', flags.concurrency, 'positive');
  const minValidEvents =
    flags.minValidEvents === undefined
      ? undefined
      : parseNumber('--min-valid-events', flags.minValidEvents, 'non-negative');
  if (flags.export && flags.delete) throw new UsageError('--export and --delete cannot be combined');
  const logger = createLogger(flags.logLevel);
  const inputs = await loadInputs(flags.sloConfig, flags.config);
  const issues = await validateConfig(inputs.slos, inputs.shared, {
    pluginDirs: inputs.pluginDirs,
    loadPlugins: false,
    unsupportedInUse: 'invalid-report',
    onWarning: ({ message, ...where }) => logger.warn(where, message),
  });
  if (issues.length) throw new ConfigError(issues);
  const slos = inputs.slos.map((s) => s.config);
  const shared = inputs.shared.config;
  const retry = shared.exporter_retry;
  const exportOptions = { attempts: retry?.attempts, backoffMs: retry?.backoff_ms, logger };
  const context = { pluginDirs: inputs.pluginDirs };

  if (flags.delete) {
    // Deleting needs only each SLO's name and steps: no backend is queried.
    const results = identityResults(slos, shared);
    const { succeeded } = await exportResults(results, shared, context, { ...exportOptions, delete: true });
    const reports = results.flatMap((r) => r.reports);
    process.stdout.write(renderDeletions(reports, succeeded, format));
    return reports.every((r) => r.errors.length === 0) ? EXIT.ok : EXIT.failed;
  }

  const progress = progressReporter('computing');
  const result = await compute(slos, shared, {
    timestamp,
    concurrency,
    dedup: flags.dedup,
    minValidEvents,
    pluginDirs: inputs.pluginDirs,
    logger,
    onProgress: progress.update,
  });
  progress.done();
  const summary = flags.export
    ? await exportResults(result.results, shared, context, exportOptions)
    : undefined;
  const reports = result.results.flatMap((r) => r.reports);
  process.stdout.write(render(reports, format, Boolean(process.stdout.isTTY)));
  return reports.every((r) => r.valid) && !summary?.failed ? EXIT.ok : EXIT.failed;
}

export function registerCompute(
  program: Command,
  exec: (action: () => Promise<number>) => Promise<void>,
): void {
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
    .option('-t, --timestamp <seconds>', 'evaluation timestamp, Unix seconds (default: now)')
    .option(
      '-o, --output <format>',
      `output format: ${OUTPUT_FORMATS.join('|')} (default: table on a terminal, else json)`,
    )
    .option('--concurrency <n>', 'maximum backend requests in flight', '8')
    .option('--no-dedup', 'send every request even when identical ones were already made in this run')
    .option('--min-valid-events <n>', 'minimum good+bad events for a valid ratio report')
    .option('--log-level <level>', `structured logs on stderr: ${LOG_LEVELS.join('|')}`, 'warn')
    .option('-e, --export', "hand valid reports to the SLO's exporters and default_exporters", false)
    .option(
      '-d, --delete',
      'remove what the exporters exported for these SLOs (e.g. Pushgateway groups)',
      false,
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 all reports valid, 1 an invalid report or failed export, 2 usage or config error.',
    )
    .action((flags: ComputeFlags) => exec(() => run(flags)));
}
