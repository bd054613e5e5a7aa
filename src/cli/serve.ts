/**
 * `slokit serve`: the long-running server (scheduler, API, /metrics, event pipeline, dashboard). This module
 * only defines the options; the work (serve-work.ts) is imported when the command runs.
 */
import { type Command, Option } from 'commander';
import type { Exec } from './context.js';
import { LOG_LEVELS, type LogLevel } from './options.js';

/** The flags of `serve`, as commander parsed them. */
export interface ServeFlags {
  config: string;
  listen?: string;
  dataDir?: string;
  logLevel: LogLevel;
}

export function registerServe(program: Command, exec: Exec): void {
  program
    .command('serve')
    .description(
      'Serve: compute every SLO on a schedule, store the history, expose the API, /metrics and the dashboard',
    )
    .requiredOption(
      '-c, --config <file>',
      'slokit.yaml: the shared config plus server, slos, schedule, events, history',
    )
    .option('--listen <host:port>', 'address to listen on (default: server.listen, else 127.0.0.1:8080)')
    .option('--data-dir <dir>', 'where the history database lives (default: .slokit beside the config file)')
    .addOption(
      new Option('--log-level <level>', 'structured logs on stderr').choices(LOG_LEVELS).default('info'),
    )
    .addHelpText(
      'after',
      '\nWith history.backfill and an empty history, the lookback is backfilled on start: /healthz answers at once,\n/readyz and the Dashboard line wait for it.\nSignals: SIGHUP reloads slokit.yaml (a bad config is refused, the running one kept); SIGTERM/SIGINT shut down\ngracefully (a second one exits at once).\nExit codes: 0 after a graceful shutdown, 1 the server failed (cannot listen, a source failed), 2 usage or config error.',
    )
    .action((flags: ServeFlags) =>
      exec(async (context) => {
        const { run } = await import('./serve-work.js');
        return run(flags, context);
      }),
    );
}
