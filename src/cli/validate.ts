/**
 * `slokit validate`: checks SLO files and the shared config without querying anything. The command's work is
 * imported when it runs, so `slokit --help` loads none of it.
 */
import type { Command } from 'commander';
import { type CommandContext, EXIT, type Exec, UsageError } from './context.js';
import { callTimeoutOption } from './options.js';

interface ValidateFlags {
  /** SLO files; none: the `slos:` section of the config (slokit.yaml). */
  sloConfig?: string[];
  config: string;
  callTimeout?: number;
}

async function run(flags: ValidateFlags, { guard }: CommandContext): Promise<number> {
  const [
    { ConfigError, formatIssue },
    { secretsOf },
    { validateConfig },
    { loadInputs },
    { loadSlokitConfig },
  ] = await Promise.all([
    import('../config/errors.js'),
    import('../config/secrets.js'),
    import('../engine/validate.js'),
    import('./inputs.js'),
    import('../config/slokit-config.js'),
  ]);
  const inputs = flags.sloConfig
    ? await loadInputs(flags.sloConfig, flags.config)
    : await loadSlokitConfig(flags.config);
  if (!inputs.slos.length)
    throw new UsageError(`give SLO files with -f, or list them in the "slos:" section of ${flags.config}`);
  const { backends, exporters } = inputs.shared.config;
  guard.addSecrets([...secretsOf(backends), ...secretsOf(exporters)]);
  const warn = (issue: Parameters<typeof formatIssue>[0]) =>
    process.stderr.write(`slokit: warning: ${formatIssue(issue)}\n`);
  const issues = await validateConfig(inputs.slos, inputs.shared, {
    pluginDirs: inputs.pluginDirs,
    loadPlugins: true,
    callTimeout: flags.callTimeout,
    onWarning: warn,
  });
  if (inputs.shared.config.events) {
    // slokit.yaml's event pipeline: rule files and log sources are checked too.
    const { loadEventsSection } = await import('../events/pipeline-config/events-section.js');
    const events = await loadEventsSection(flags.config);
    issues.push(...events.issues);
    events.warnings.forEach(warn);
  }
  if (issues.length) throw new ConfigError(issues);
  process.stdout.write(`ok: ${inputs.slos.length} SLO(s) and ${flags.config} are valid\n`);
  return EXIT.ok;
}

export function registerValidate(program: Command, exec: Exec): void {
  program
    .command('validate')
    .description(
      'Check SLO files and the shared config (references, backend fields, plugins) without querying',
    )
    .option('-f, --slo-config <path...>', 'SLO file or directory (default: the slos: section of the config)')
    .option('-c, --config <path>', 'shared config', 'config.yaml')
    .addOption(callTimeoutOption())
    .addHelpText(
      'after',
      '\nExit codes: 0 valid (warnings, such as entries no SLO uses, go to stderr), 2 config errors (each printed as file:line:column: field: problem).',
    )
    .action((flags: ValidateFlags) => exec((context) => run(flags, context)));
}
