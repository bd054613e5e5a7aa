/**
 * What `slokit serve` does (options in serve.ts): load and check slokit.yaml, open the history
 * (`<data-dir>/history.db`), open the event pipeline of the `events:` section, start the HTTP server, start
 * the scheduler, then serve until SIGTERM/SIGINT. SIGHUP reloads the config (serve-runtime.ts).
 *
 * Shutdown: readiness turns 503, the scheduler stops (runs in progress end), the event pipeline drains and
 * its store and positions are written, the exporter context (history databases it opened) and the history
 * close, then the server. A second signal exits at once (130 for SIGINT, 143 for SIGTERM).
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, formatIssue } from '../config/errors.js';
import { secretsOf } from '../config/secrets.js';
import { loadSlokitConfig, type SlokitConfig } from '../config/slokit-config.js';
import type { Logger } from '../engine/logger.js';
import { validateConfig } from '../engine/validate.js';
import { loadEventsSection } from '../events/pipeline-config/events-section.js';
import { closeExporterContext, createExporterContext } from '../exporters/context.js';
import { HistoryStore } from '../history/store.js';
import { parseListenAddress } from '../server/events-server.js';
import { ServeMetrics } from '../server/metrics-route.js';
import { ServeRuntime } from '../server/serve-runtime.js';
import { startServeServer } from '../server/serve-server.js';
import { type CommandContext, EXIT, UsageError } from './context.js';
import { type OpenPipeline, openPipeline } from './events-pipeline.js';
import { createLogger } from './logger.js';
import type { ServeFlags } from './serve.js';

/** Where `serve` keeps its history by default: `.slokit` beside the config file. */
export const DEFAULT_DATA_DIR = '.slokit';

/**
 * Loads slokit.yaml and checks it as `slokit compute --export` would (backends, exporters, policies of
 * every SLO). Throws `ConfigError` with every issue; warnings go to `logger`.
 */
export async function loadServeConfig(file: string, logger: Logger): Promise<SlokitConfig> {
  const config = await loadSlokitConfig(file);
  const issues = await validateConfig(config.slos, config.shared, {
    pluginDirs: config.pluginDirs,
    loadPlugins: false,
    unsupportedInUse: 'invalid-report',
    exporting: true,
    onWarning: (issue) => logger.warn({ warning: formatIssue(issue) }, 'config warning'),
  });
  if (issues.length) throw new ConfigError(issues);
  return config;
}

/** How `serve` runs (the flags, resolved). */
export interface ServeOptions {
  /** slokit.yaml. */
  config: string;
  /** `host:port`, overriding `server.listen`. */
  listen?: string;
  /** Directory of history.db; default `.slokit` beside the config file. */
  dataDir?: string;
  logger: Logger;
  /** Aborted to shut down. */
  stop: AbortSignal;
  /** SIGHUP's counterpart: each event reloads the config. */
  reload?: EventTarget;
  /** Where the dashboard URL line goes; default stdout. */
  stdout?: NodeJS.WritableStream;
  /** Secrets to redact from what the process prints (the process guard's). */
  addSecrets?: (secrets: string[]) => void;
}

/**
 * Serves until `stop` aborts or the event pipeline fails, then shuts down (module comment). Returns
 * `EXIT.ok`; throws `ConfigError`/`UsageError` for a bad config or `--listen`, and the error that ended it
 * (cannot listen, a failed source) after shutting down.
 */
export async function serve(options: ServeOptions): Promise<number> {
  const { logger } = options;
  const config = await loadServeConfig(options.config, logger);
  const listen = options.listen ?? config.listen;
  let address: { host: string; port: number };
  try {
    address = parseListenAddress(listen);
  } catch (error) {
    throw new UsageError(
      `${options.listen === undefined ? config.file : '--listen'}: ${(error as Error).message}`,
    );
  }
  const shared = config.shared.config;
  options.addSecrets?.([
    ...secretsOf(shared.backends),
    ...secretsOf(shared.exporters),
    ...(config.authToken ? [config.authToken] : []),
  ]);
  let pipeline: OpenPipeline | undefined;
  if (shared.events) {
    const events = await loadEventsSection(config.file);
    for (const warning of events.warnings) logger.warn({ warning: formatIssue(warning) }, 'config warning');
    if (events.issues.length || !events.spec) throw new ConfigError(events.issues);
    pipeline = openPipeline(events.spec, { logger });
  }
  const dataDir = resolve(options.dataDir ?? join(dirname(config.file), DEFAULT_DATA_DIR));
  let history: HistoryStore;
  try {
    mkdirSync(dataDir, { recursive: true });
    history = new HistoryStore(join(dataDir, 'history.db'), { retention: config.historyRetention });
  } catch (error) {
    await pipeline?.shutdown();
    throw error;
  }
  const context = createExporterContext({ pluginDirs: config.pluginDirs });
  const runner = pipeline?.runner;
  const metrics = new ServeMetrics(context.reportMetrics, runner ? () => runner.families() : undefined);
  const runtime = new ServeRuntime(config, {
    load: () => loadServeConfig(options.config, logger),
    history,
    context,
    observer: metrics,
    events: runner,
    logger,
  });
  const onReload = () => {
    void runtime.reload().then(
      (answer) => 'issues' in answer || logger.info({ slos: answer.slos }, 'reloaded'),
      (error: unknown) => logger.error({ err: String(error) }, 'reload failed'),
    );
  };
  options.reload?.addEventListener('reload', onReload);
  let server: Awaited<ReturnType<typeof startServeServer>> | undefined;
  let failure: unknown;
  try {
    server = await startServeServer({
      ...address,
      bodyLimit: config.bodyLimit,
      api: runtime,
      metrics,
      authToken: () => runtime.config.authToken,
      events: pipeline?.served,
      logger,
    });
    logger.info({ url: server.url }, 'slokit serving');
    (options.stdout ?? process.stdout).write(`Dashboard: ${server.url}/\n`);
    await pipeline?.start();
    runtime.start();
    server.setNotReady(undefined);
    failure = await untilStopped(options.stop, runner?.ended());
  } catch (error) {
    failure = error;
  }
  options.reload?.removeEventListener('reload', onReload);
  server?.setNotReady('shutting down');
  await runtime.stop();
  await pipeline?.shutdown();
  closeExporterContext(context);
  history.close();
  await server?.close();
  if (failure !== undefined) throw failure;
  return EXIT.ok;
}

/** Resolves when `stop` aborts (undefined) or `sources` rejects (its error); a source ending is no reason. */
function untilStopped(stop: AbortSignal, sources: Promise<void> | undefined): Promise<unknown> {
  return new Promise((resolve) => {
    if (stop.aborted) resolve(undefined);
    stop.addEventListener('abort', () => resolve(undefined), { once: true });
    sources?.catch((error: unknown) => resolve(error));
  });
}

/** Runs `serve` with the process's signals; returns the exit code. */
export async function run(flags: ServeFlags, context: CommandContext): Promise<number> {
  const logger = createLogger(flags.logLevel);
  const stop = new AbortController();
  const reload = new EventTarget();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) context.guard.exit(signal === 'SIGINT' ? 130 : 143);
    logger.info({ signal }, 'shutting down');
    stop.abort();
  };
  const onHangup = () => {
    logger.info({ signal: 'SIGHUP' }, 'reloading');
    reload.dispatchEvent(new Event('reload'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onHangup);
  try {
    return await serve({
      config: flags.config,
      listen: flags.listen,
      dataDir: flags.dataDir,
      logger,
      stop: stop.signal,
      reload,
      addSecrets: (secrets) => context.guard.addSecrets(secrets),
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onHangup);
  }
}
