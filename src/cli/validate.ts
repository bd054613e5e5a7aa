/** `slokit validate`: checks SLO files and the shared config without querying anything. */
import type { Command } from 'commander';
import { ConfigError, formatIssue } from '../config/errors.js';
import { validateConfig } from '../engine/validate.js';
import { EXIT, loadInputs } from './context.js';

async function run(flags: { sloConfig: string[]; config: string }): Promise<number> {
  const inputs = await loadInputs(flags.sloConfig, flags.config);
  const issues = await validateConfig(inputs.slos, inputs.shared, {
    pluginDirs: inputs.pluginDirs,
    loadPlugins: true,
    onWarning: (issue) => process.stderr.write(`slokit: warning: ${formatIssue(issue)}\n`),
  });
  if (issues.length) throw new ConfigError(issues);
  process.stdout.write(`ok: ${inputs.slos.length} SLO(s) and ${flags.config} are valid\n`);
  return EXIT.ok;
}

export function registerValidate(
  program: Command,
  exec: (action: () => Promise<number>) => Promise<void>,
): void {
  program
    .command('validate')
    .description(
      'Check SLO files and the shared config (references, backend fields, plugins) without querying',
    )
    .requiredOption('-f, --slo-config <path...>', 'SLO file or directory')
    .option('-c, --config <path>', 'shared config', 'config.yaml')
    .addHelpText(
      'after',
      '\nExit codes: 0 valid (warnings, such as entries no SLO uses, go to stderr), 2 config errors (each printed as file:line:column: field: problem).',
    )
    .action((flags: { sloConfig: string[]; config: string }) => exec(() => run(flags)));
}
