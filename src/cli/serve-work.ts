/**
 * What `slokit serve` does (options in serve.ts): load and check slokit.yaml, open the history
 * (`<data-dir>/history.db`), open the event pipeline of the `events:` section, start the HTTP server, start
 * the scheduler, then serve until SIGTERM/SIGINT. SIGHUP reloads the config (serve-runtime.ts).
 *
 * Backfill on start (`history.backfill`): when the history holds no report, the reports of the lookback are
 * computed and stored (src/engine/backfill.ts, the same grid as `slokit backfill`, so either can run first)
 * while the scheduler already runs. `/healthz` answers at once; `/readyz` answers 503 `backfilling history`
 * until it is done, and the `Dashboard:` line is printed only then, so whoever opens it sees the charts full.
 * The event pipeline's `follow: false` files must have been read before (`slokit events run`, as `npm start`
 * does): the backfill reads the event buckets stored when it runs.
 *
 * Shutdown: readiness turns 503, the scheduler stops (runs in progress end), the event pipeline drains and
 * its store and positions are written, the Keptn answers in flight are sent, the exporter context (history databases it opened) and the history
 * close, then the server. A second signal exits at once (130 for SIGINT, 143 for SIGTERM).
 */
import { mkdirSync } from 'node:fs';
import { ConfigError, type ConfigIssue, formatIssue } from '../config/errors.js';
import { secretsOf } from '../config/secrets.js';
import { loadSlokitConfig, type SlokitConfig } from '../config/slokit-config.js';
import { backfill, logBackfillProgress } from '../engine/backfill.js';
import type { Logger } from '../engine/logger.js';
import { validateConfig } from '../engine/validate.js';
import { loadEventsSection } from '../events/pipeline-config/events-section.js';
import type { PipelineRunner } from '../events/pipeline-runner.js';
import type { PipelineSpec } from '../events/pipeline-spec.js';
import { closeExporterContext, createExporterContext } from '../exporters/context.js';
import { HistoryStore } from '../history/store.js';
import type { KeptnSettings } from '../keptn/keptn-config.js';
import type { EventsServerPipeline } from '../server/events-routes.js';
import { parseListenAddress } from '../server/events-server.js';
import { keptnSettingsOf, ServedKeptn } from '../server/keptn-endpoint.js';
import { ServeMetrics } from '../server/metrics-route.js';
import { ServeRuntime } from '../server/serve-runtime.js';
import { startServeServer } from '../server/serve-server.js';
import { type CommandContext, EXIT, UsageError } from './context.js';
import { type OpenPipeline, openPipeline } from './events-pipeline.js';
import { createLogger } from './logger.js';
import type { ServeFlags } from './serve.js';
import { dataDirOf, historyPathOf } from './serve-data-dir.js';

/**
 * slokit.yaml loaded and checked, with its event pipeline compiled (undefined without `events:`) and its
 * Keptn section resolved (undefined without `keptn:`).
 */
export interface ServeSetup {
  config: SlokitConfig;
  events: PipelineSpec | undefined;
  keptn: KeptnSettings | undefined;
}

/**
 * Loads slokit.yaml and checks it as `slokit compute --export` would (backends, exporters, policies of
 * every SLO), compiles its `events:` section (rule files read) and resolves its `keptn:` section (token
 * read, backend found). Throws `ConfigError` with every issue;
 * warnings go to `logger`.
 */
export async function loadServeSetup(file: string, logger: Logger): Promise<ServeSetup> {
  const config = await loadSlokitConfig(file);
  const warn = (issue: ConfigIssue) => logger.warn({ warning: formatIssue(issue) }, 'config warning');
  const issues = await validateConfig(config.slos, config.shared, {
    pluginDirs: config.pluginDirs,
    loadPlugins: false,
    unsupportedInUse: 'invalid-report',
    exporting: true,
    onWarning: warn,
  });
  let events: PipelineSpec | undefined;
  if (config.shared.config.events) {
    const loaded = await loadEventsSection(config.file);
    loaded.warnings.forEach(warn);
    issues.push(...loaded.issues);
    events = loaded.spec;
  }
  const keptn = keptnSettingsOf(config);
  issues.push(...keptn.issues);
  if (issues.length) throw new ConfigError(issues);
  return { config, events, keptn: keptn.settings };
}

/**
 * The event pipeline behind serve's routes and /metrics, replaced as a whole when a reload brings a new
 * `events:` section: the old one drains and persists its store and positions, then the new one starts
 * (resuming the stored positions; its counters start from zero, which Prometheus reads as a reset).
 */
class ServedEvents {
  #current: OpenPipeline | undefined;
  #reason: string | undefined = 'slokit.yaml has no "events:" section';
  #fail!: (error: unknown) => void;
  /** Resolves with the error of a source of the pipeline in force that failed. */
  readonly failed = new Promise<unknown>((resolve) => {
    this.#fail = resolve;
  });
  /** What the events routes serve (the pipeline in force, whichever it is). */
  readonly served: EventsServerPipeline = {
    families: () => this.#current?.runner.families() ?? [],
    ingestText: (text) => {
      if (!this.#current) throw new Error('no event pipeline'); // notReady() refuses first
      return this.#current.runner.ingestText(text, 'http');
    },
    routes: new Map(),
  };

  constructor(private readonly logger: Logger) {}

  get runner(): PipelineRunner | undefined {
    return this.#current?.runner;
  }

  /** Why events are refused now (undefined: accepted). */
  notReady(): string | undefined {
    return this.#reason;
  }

  /** Stops the pipeline in force (drained, persisted), then opens and starts `spec`'s, if any. */
  async replace(spec: PipelineSpec | undefined): Promise<void> {
    const previous = this.#current;
    this.#current = undefined;
    this.#reason = 'the event pipeline is restarting';
    await previous?.shutdown();
    this.#reason = 'slokit.yaml has no "events:" section';
    if (!spec) return;
    let next: OpenPipeline;
    try {
      next = openPipeline(spec, { logger: this.logger });
      await next.start();
    } catch (error) {
      this.#reason = `the event pipeline could not start: ${String(error)}`;
      throw error;
    }
    this.#current = next;
    this.#reason = undefined;
    next.runner.ended().catch((error: unknown) => {
      if (this.#current === next) this.#fail(error);
    });
  }
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
  const setup = await loadServeSetup(options.config, logger);
  const { config } = setup;
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
    ...(setup.keptn?.apiToken ? [setup.keptn.apiToken] : []),
  ]);
  const dataDir = dataDirOf(config.file, options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const history = new HistoryStore(historyPathOf(dataDir), { retention: config.historyRetention });
  const events = new ServedEvents(logger);
  const context = createExporterContext({ pluginDirs: config.pluginDirs });
  const keptn = new ServedKeptn(logger);
  keptn.replace(setup.keptn);
  const metrics = new ServeMetrics(context.reportMetrics, () => [
    ...events.served.families(),
    ...keptn.families(),
  ]);
  // The event pipeline and Keptn settings of each loaded config, until the runtime puts that config in force.
  const setups = new WeakMap<SlokitConfig, ServeSetup>();
  const runtime = new ServeRuntime(config, {
    load: async () => {
      const next = await loadServeSetup(options.config, logger);
      setups.set(next.config, next);
      return next.config;
    },
    reloaded: async (next) => {
      const setup = setups.get(next);
      if (setup?.keptn?.apiToken) options.addSecrets?.([setup.keptn.apiToken]);
      keptn.replace(setup?.keptn);
      await events.replace(setup?.events);
    },
    history,
    context,
    observer: metrics,
    events: () => events.runner,
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
  let backfilling: Promise<unknown> | undefined;
  // Aborted at shutdown, whatever its cause (a signal or a failed source).
  const stopBackfill = new AbortController();
  try {
    server = await startServeServer({
      ...address,
      bodyLimit: config.bodyLimit,
      api: runtime,
      metrics,
      authToken: () => runtime.config.authToken,
      events: { pipeline: events.served, notReady: () => events.notReady() },
      keptn,
      logger,
    });
    logger.info({ url: server.url }, 'slokit serving');
    await events.replace(setup.events);
    // Checked before the scheduler's first run can store a report.
    const backfillNeeded = config.backfill !== undefined && history.count() === 0;
    runtime.start();
    const ready = server;
    const announce = () => {
      ready.setNotReady(undefined);
      (options.stdout ?? process.stdout).write(`Dashboard: ${ready.url}/\n`);
    };
    if (backfillNeeded) {
      ready.setNotReady('backfilling history');
      backfilling = backfillOnStart(config, history, logger, stopBackfill.signal)
        .catch((error: unknown) =>
          logger.error({ err: String(error) }, 'backfill on start failed; serving without it'),
        )
        // Stopped meanwhile: shutting down, neither ready nor announced.
        .then(() => stopBackfill.signal.aborted || announce());
    } else announce();
    failure = await untilStopped(options.stop, events.failed);
  } catch (error) {
    failure = error;
  }
  options.reload?.removeEventListener('reload', onReload);
  server?.setNotReady('shutting down');
  stopBackfill.abort();
  await backfilling;
  await runtime.stop();
  await events.replace(undefined);
  keptn.replace(undefined);
  await keptn.settled();
  closeExporterContext(context);
  history.close();
  await server?.close();
  if (failure !== undefined) throw failure;
  return EXIT.ok;
}

/**
 * Computes and stores the reports of `history.backfill`'s lookback ending now (instants on its `every`
 * grid), logging progress every tenth; `stop` leaves the instants not yet started to `slokit backfill` (the
 * next start finds a history that is not empty). Throws only the history store's errors.
 */
async function backfillOnStart(
  config: SlokitConfig,
  history: HistoryStore,
  logger: Logger,
  stop: AbortSignal,
): Promise<void> {
  const { lookback, every } = config.backfill!;
  const to = Date.now() / 1000;
  logger.info({ lookback, every }, 'backfill on start: the history is empty');
  await backfill(
    config.slos.map((slo) => slo.config),
    config.shared.config,
    history,
    {
      from: to - lookback,
      to,
      every,
      compute: { pluginDirs: config.pluginDirs },
      logger,
      onProgress: logBackfillProgress(logger),
      signal: stop,
    },
  );
}

/** Resolves when `stop` aborts (undefined) or a source of the event pipeline fails (its error). */
function untilStopped(stop: AbortSignal, failed: Promise<unknown>): Promise<unknown> {
  return new Promise((resolve) => {
    if (stop.aborted) resolve(undefined);
    stop.addEventListener('abort', () => resolve(undefined), { once: true });
    void failed.then(resolve);
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
