/**
 * What `slokit events run` does (its options are defined in events.ts, which imports this module only when
 * it runs): load the pipeline, serve HTTP, run the sources until they end or a signal comes, shut down in
 * slo-exporter's order (shared/reference/slo-exporter.md §1.2), persisting the store and positions.
 *
 * Shutdown (end of every finite source, SIGTERM/SIGINT, or a failed source): readiness turns 503, the
 * sources stop, the pipeline drains (at most `maximumGracefulShutdownMs`), the store and positions are
 * written, `--print-metrics` prints the final exposition, `afterPipelineShutdownDelayMs` passes, the server
 * closes. A second signal exits at once (130 for SIGINT, 143 for SIGTERM).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_EVENTS_DATABASE } from '../backends/events.js';
import { ConfigError, formatIssue } from '../config/errors.js';
import type { Logger } from '../engine/logger.js';
import { silentLogger } from '../engine/logger.js';
import { OVERFLOW_EVENT_KEY } from '../events/event-store.js';
import { defaultStoreSpec, loadEventsSection } from '../events/pipeline-config/events-section.js';
import { loadSloExporterConfig } from '../events/pipeline-config/slo-exporter-config.js';
import type { ModuleRoute } from '../events/pipeline-event.js';
import { PipelineRunner } from '../events/pipeline-runner.js';
import type { PipelineSpec } from '../events/pipeline-spec.js';
import { PipelineStore } from '../events/pipeline-store.js';
import { PositionsFileError } from '../events/positions.js';
import { renderFamilies } from '../lang/prometheus-text.js';
import type { EventsServerPipeline } from '../server/events-routes.js';
import { parseListenAddress, startEventsServer } from '../server/events-server.js';
import { type CommandContext, EXIT, UsageError } from './context.js';
import { createLogger } from './logger.js';

/** The flags of `events run`, as commander parsed them (see events.ts). */
export interface EventsRunFlags {
  sloExporterConfig?: string;
  config?: string;
  listen?: string;
  stdin: boolean;
  printMetrics: boolean;
  historyDb?: string;
  /** False with `--no-store`. */
  store: boolean;
  /** File holding the bearer token `POST /api/events` needs (else `SLOKIT_EVENTS_AUTH_TOKEN`). */
  authTokenFile?: string;
}

/** Environment variable holding the ingest bearer token when `--auth-token-file` is not given. */
export const AUTH_TOKEN_ENV = 'SLOKIT_EVENTS_AUTH_TOKEN';

/**
 * The bearer token of `POST /api/events`: the first line of `--auth-token-file` (surrounding whitespace
 * removed), else `SLOKIT_EVENTS_AUTH_TOKEN`, else undefined (ingest open). Throws `UsageError` naming the
 * file or variable, never the token, when the file cannot be read or the token is empty.
 */
export async function readAuthToken(
  flags: Pick<EventsRunFlags, 'authTokenFile'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  if (flags.authTokenFile === undefined) {
    const value = env[AUTH_TOKEN_ENV];
    if (value === undefined) return undefined;
    if (!value.trim()) throw new UsageError(`${AUTH_TOKEN_ENV} is set but empty`);
    return value.trim();
  }
  let text: string;
  try {
    text = await readFile(flags.authTokenFile, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--auth-token-file: cannot read ${flags.authTokenFile} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const token = text.split('\n')[0]!.trim();
  if (!token)
    throw new UsageError(`--auth-token-file: ${flags.authTokenFile} holds no token on its first line`);
  return token;
}

/**
 * The pipeline the flags name: an slo-exporter root config (`--slo-exporter-config`) or the `events:`
 * section of slokit.yaml (`-c`). Throws `ConfigError` listing every problem, `UsageError` for bad flags.
 */
export async function loadPipelineSpec(flags: EventsRunFlags, logger: Logger): Promise<PipelineSpec> {
  const result =
    flags.sloExporterConfig !== undefined
      ? await loadSloExporterConfig(flags.sloExporterConfig, {
          cwd: process.cwd(),
          store: defaultStoreSpec(resolve(flags.historyDb ?? DEFAULT_EVENTS_DATABASE)),
        })
      : await loadEventsSection(flags.config!);
  for (const warning of result.warnings) logger.warn({ warning: formatIssue(warning) }, 'config warning');
  if (result.issues.length || !result.spec) throw new ConfigError(result.issues);
  return result.spec;
}

/**
 * `--listen`, `--no-store` and `--history-db` applied to a loaded spec. Throws `UsageError` when the listen
 * address is not `host:port`.
 */
export function applyRunFlags(spec: PipelineSpec, flags: EventsRunFlags): PipelineSpec {
  const store = !flags.store
    ? undefined
    : spec.store && flags.historyDb !== undefined
      ? { ...spec.store, database: flags.historyDb }
      : spec.store;
  const listenAddress = flags.listen ?? spec.listenAddress;
  try {
    parseListenAddress(listenAddress);
  } catch (error) {
    throw new UsageError(
      `${flags.listen === undefined ? spec.file : '--listen'}: ${(error as Error).message}`,
    );
  }
  return { ...spec, listenAddress, store };
}

/** Runs `events run`; returns the exit code. Throws UsageError / ConfigError for bad flags or config. */
export async function run(flags: EventsRunFlags, context: CommandContext): Promise<number> {
  if ((flags.sloExporterConfig === undefined) === (flags.config === undefined))
    throw new UsageError('give exactly one of --slo-exporter-config <file> or -c, --config <slokit.yaml>');
  const logger = createLogger('info');
  const authToken = await readAuthToken(flags);
  const spec = applyRunFlags(await loadPipelineSpec(flags, logger), flags);
  if (authToken !== undefined) context.guard.addSecrets([authToken]);
  try {
    return await runUntilSignalled(
      spec,
      {
        logger,
        stdin: flags.stdin ? process.stdin : undefined,
        printMetrics: flags.printMetrics ? process.stdout : undefined,
        listenSetting: flags.listen !== undefined ? '--listen' : `${spec.file}: ${listenField(flags)}`,
      },
      context.guard.exit,
    );
  } catch (error) {
    // A positions file is configuration the user wrote or kept: exit 2 with its one-line reason.
    if (error instanceof PositionsFileError) throw new UsageError(error.message);
    if (error instanceof ListenError) {
      process.stderr.write(`slokit: ${error.message}\n`);
      return EXIT.failed;
    }
    throw error;
  }
}

/** The config field holding the listen address, as the user wrote it. */
function listenField(flags: EventsRunFlags): string {
  return flags.sloExporterConfig !== undefined ? 'webServerListenAddress' : 'events.listen';
}

/** The HTTP server cannot listen; the message names the setting, the address and the system's reason. */
export class ListenError extends Error {
  override name = 'ListenError';
}

const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'the address is already in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'the address is not one of this host',
};

/**
 * `runPipeline` with SIGTERM/SIGINT handling: the first signal starts the shutdown, a second one calls
 * `exit` at once with 130 (SIGINT) or 143 (SIGTERM). The handlers are removed when the run ends.
 */
export async function runUntilSignalled(
  spec: PipelineSpec,
  options: Omit<RunPipelineOptions, 'stop'>,
  exit: (code: number) => never,
): Promise<number> {
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) exit(signal === 'SIGINT' ? 130 : 143);
    options.logger?.info({ signal }, 'shutting down');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await runPipeline(spec, { ...options, stop: stop.signal });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** How `runPipeline` runs. */
export interface RunPipelineOptions {
  /** Structured logs; the `events server listening` line carries `url`. */
  logger?: Logger;
  /** JSON events read to EOF (`--stdin`). */
  stdin?: Readable | undefined;
  /** Where the final exposition goes (`--print-metrics`). */
  printMetrics?: NodeJS.WritableStream | undefined;
  /** Aborted on SIGTERM/SIGINT: starts the shutdown. */
  stop?: AbortSignal;
  /** Clock in Unix seconds; default `Date.now() / 1000`. */
  now?: () => number;
  /** Where the listen address was set (`--listen`, or the config file and field), for `ListenError`. */
  listenSetting?: string;
  /** Bearer token `POST /api/events` needs; undefined leaves ingest open. */
  authToken?: string | undefined;
}

/** A pipeline whose store is open and runner built, not yet reading: what a server mounts. */
export interface OpenPipeline {
  runner: PipelineRunner;
  /** What the events routes serve (families, ingest, module routes). */
  served: EventsServerPipeline;
  /** Starts the sources (and `stdin`) and the periodic store flush. Throws as `PipelineRunner.start`. */
  start(stdin?: Readable): Promise<void>;
  /**
   * Stops the sources, waits for the pipeline to drain (at most `maximumGracefulShutdownMs`), writes the
   * store and positions and closes the store. Never throws (a failed write is logged).
   */
  shutdown(): Promise<void>;
}

/**
 * Opens the store of `spec` (if any) and builds the runner, resuming the stored positions. Throws when the
 * store cannot be opened or the runner built (the store is closed again).
 */
export function openPipeline(
  spec: PipelineSpec,
  options: { logger?: Logger; now?: () => number } = {},
): OpenPipeline {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? (() => Date.now() / 1000);
  const store = spec.store ? PipelineStore.open(spec.store, now()) : undefined;
  let runner: PipelineRunner;
  try {
    runner = new PipelineRunner(spec, {
      now,
      store: store?.events,
      resumePositions: store?.positions(),
      logger,
    });
  } catch (error) {
    store?.close();
    throw error;
  }
  let flushTimer: NodeJS.Timeout | undefined;
  let overflowWarned = false;
  const flush = () => {
    if (!store) return;
    try {
      store.flush(runner.snapshotPositions(), now());
    } catch (error) {
      logger.error({ err: String(error) }, 'cannot write the event store; retrying at the next flush');
    }
    const { overflowEvents } = store.events.stats;
    if (overflowEvents > 0 && !overflowWarned) {
      overflowWarned = true;
      logger.warn(
        { maxSeries: spec.store!.maxSeries, eventKey: OVERFLOW_EVENT_KEY },
        'event store series cap reached: events of new series are stored under the overflow event key (totals by domain, class, app stay exact; events-backend SLOs selecting event_key become invalid while it has events); raise the store series cap',
      );
    }
  };
  const routes = new Map<string, readonly ModuleRoute[]>();
  for (const processor of spec.processors) {
    const own = processor.routes?.();
    if (own?.length) routes.set(processor.moduleName, own);
  }
  return {
    runner,
    served: {
      families: () => runner.families(),
      ingestText: (text) => runner.ingestText(text, 'http'),
      routes,
    },
    async start(stdin) {
      await runner.start(stdin);
      if (store) flushTimer = setInterval(flush, spec.store!.flushIntervalMs);
    },
    async shutdown() {
      runner.stop();
      const drained = await Promise.race([
        runner.ended().then(
          () => true,
          () => true,
        ),
        sleep(spec.maximumGracefulShutdownMs, false, { ref: false }),
      ]);
      if (!drained)
        logger.warn({ afterMs: spec.maximumGracefulShutdownMs }, 'pipeline did not drain in time');
      clearInterval(flushTimer);
      flush();
      store?.close();
    },
  };
}

/**
 * Runs a pipeline until its finite sources end (there is a file with `follow: false`, or stdin) or `stop`
 * is aborted, then shuts down (module comment). Returns `EXIT.ok`. Throws when the store cannot be opened,
 * the server cannot listen (`ListenError` for EADDRINUSE, EACCES, EADDRNOTAVAIL), or a source fails (after shutting down: store and positions are persisted).
 */
export async function runPipeline(spec: PipelineSpec, options: RunPipelineOptions = {}): Promise<number> {
  const logger = options.logger ?? silentLogger;
  const pipeline = openPipeline(spec, { logger, now: options.now });
  let server: Awaited<ReturnType<typeof startEventsServer>> | undefined;
  let failure: unknown;
  try {
    server = await startEventsServer({
      listenAddress: spec.listenAddress,
      pipeline: pipeline.served,
      logger,
      authToken: options.authToken,
    }).catch((error: NodeJS.ErrnoException) => {
      const reason = error.code !== undefined ? LISTEN_ERRORS[error.code] : undefined;
      if (!reason) throw error;
      throw new ListenError(
        `${options.listenSetting ?? 'listen address'}: cannot listen on ${spec.listenAddress}: ${reason} (${error.code})`,
      );
    });
    logger.info({ url: server.url }, 'events server listening');
    await pipeline.start(options.stdin);
    server.setNotReady(undefined);
    failure = await untilShutdown(
      pipeline.runner,
      pipeline.runner.hasFiniteSource(options.stdin !== undefined),
      options.stop,
    );
  } catch (error) {
    failure = error;
  }
  // Shutdown, whatever happened.
  server?.setNotReady('shutting down');
  await pipeline.shutdown();
  if (options.printMetrics) options.printMetrics.write(renderFamilies(pipeline.runner.families()));
  await sleep(spec.afterPipelineShutdownDelayMs);
  await server?.close();
  if (failure !== undefined) throw failure;
  return EXIT.ok;
}

/**
 * Waits for the reason to shut down: every source ended (when one is finite) or `stop` aborted. Returns
 * the error of a failed source, else undefined.
 */
export async function untilShutdown(
  runner: PipelineRunner,
  finite: boolean,
  stop: AbortSignal | undefined,
): Promise<unknown> {
  const stopped = new Promise<void>((resolve) => {
    if (stop?.aborted) resolve();
    stop?.addEventListener('abort', () => resolve(), { once: true });
  });
  const sources = runner.ended().then(
    () => (finite ? undefined : new Promise<never>(() => {})),
    (error: unknown) => ({ error }),
  );
  const outcome = await Promise.race([stopped, sources]);
  return outcome && typeof outcome === 'object' && 'error' in outcome ? outcome.error : undefined;
}
