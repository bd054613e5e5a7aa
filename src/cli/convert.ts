/**
 * `slokit convert --from openslo`: OpenSLO v1 files → slokit SLO files and the shared config they need. The
 * command's work (convert-work.ts) is imported when it runs, so `slokit --help` loads none of it.
 */
import { type Command, Option } from 'commander';
import type { Exec } from './context.js';

/** Input formats `convert` reads. */
export const CONVERT_FORMATS = ['openslo'] as const;

/** Flags of `slokit convert`. */
export interface ConvertFlags {
  from: (typeof CONVERT_FORMATS)[number];
  output?: string;
  force: boolean;
}

export function registerConvert(program: Command, exec: Exec): void {
  program
    .command('convert')
    .description('Convert OpenSLO v1 SLOs to slokit SLO files and a shared config (Prometheus sources)')
    .addOption(new Option('--from <format>', 'input format').choices(CONVERT_FORMATS).makeOptionMandatory())
    .argument('<paths...>', 'OpenSLO files or directories (.yaml, .yml, .json; several documents per file)')
    .option('-o, --output <dir>', 'write slos/<name>.yaml files and config.yaml there (default: print them)')
    .option('--force', 'overwrite files that already exist in the output directory', false)
    .addHelpText(
      'after',
      '\nWhat is not converted is printed on stderr as file:line:column: field: "not converted: ..." (that SLO or objective is skipped) or "ignored: ..." (converted without it).\nExit codes: 0 everything converted, 1 converted with notes, 2 nothing converted, unreadable input or usage error.',
    )
    .action((paths: string[], flags: ConvertFlags) =>
      exec(async () => (await import('./convert-work.js')).runConvert(paths, flags)),
    );
}
