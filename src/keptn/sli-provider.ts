/**
 * slokit as a Keptn SLI provider: takes CloudEvents as Keptn's distributor forwards them, answers each
 * `get-sli.triggered` addressed to one of its provider names with `get-sli.started` then `get-sli.finished`
 * (get-sli.ts), and acknowledges every other event without acting. No HTTP server here: `receive` takes a
 * message and says what to answer (src/server/keptn-routes.ts mounts it on fastify).
 *
 * - A malformed message (not a CloudEvent, invalid, or a get-sli.triggered of ours with unusable data) is
 *   refused with the reason (400) and counted; nothing is sent.
 * - An accepted event is answered in the background (Keptn wants a quick 2xx; its services all process
 *   asynchronously); `settled()` waits for the work in flight (shutdown, tests).
 * - A duplicate delivery (same source and id as an event seen among the last `rememberedEvents`) is
 *   acknowledged and not answered again.
 * - A failed send is logged and counted (`stats`), and never stops the other answer or other events.
 */
import { readFile } from 'node:fs/promises';
import { PrometheusBackend } from '../backends/prometheus.js';
import { type Logger, silentLogger } from '../engine/logger.js';
import { EventSender, type SenderStats } from './event-sender.js';
import { type GetSliSources, getSli } from './get-sli.js';
import { MetricProviders } from './indicator-sources.js';
import type { KeptnSettings } from './keptn-config.js';
import {
  addressedProvider,
  finishedEvent,
  GET_SLI_TRIGGERED,
  type GetSliTriggered,
  type HttpMessage,
  MalformedEventError,
  readCloudEvent,
  readGetSliTriggered,
  startedEvent,
  triggerContext,
} from './keptn-events.js';
import { ResourceServiceClient } from './resource-service.js';
import { mergeSliFiles, type SliQueries } from './sli-file.js';

/** What `receive` tells the HTTP layer to answer. */
export type ReceiveOutcome =
  | { status: 202; outcome: 'accepted'; id: string }
  | { status: 200; outcome: 'ignored' | 'duplicate'; id: string; reason: string }
  | { status: 400; outcome: 'malformed'; reason: string };

/** Counts since start. */
export interface SliProviderStats {
  received: number;
  accepted: number;
  ignored: number;
  duplicates: number;
  malformed: number;
  /** finished events built (sent or not). */
  answered: number;
  sender: SenderStats;
}

/** Sends one answer event; `EventSender` in production. */
export interface AnswerSender {
  send(event: ReturnType<typeof startedEvent>): Promise<void>;
  readonly stats: SenderStats;
}

/** How a provider is put together (see `createKeptnSliProvider` for building it from the config). */
export interface SliProviderOptions {
  /** data.get-sli.sliProvider values answered. */
  providers: readonly string[];
  /** CloudEvent `source` of the answers. */
  source: string;
  sender: AnswerSender;
  /** SLI queries and data sources; `sliQueries` gets the triggered data (its sliProvider names the file). */
  sources: GetSliSources;
  /** Event ids remembered to drop duplicates. */
  rememberedEvents: number;
  logger?: Logger;
}

/** A bounded set of recently seen keys: past `capacity`, the oldest is forgotten. */
class RecentKeys {
  readonly #keys = new Set<string>();
  constructor(readonly capacity: number) {}
  /** True when `key` was seen; remembers it otherwise. */
  seen(key: string): boolean {
    if (this.#keys.has(key)) return true;
    this.#keys.add(key);
    if (this.#keys.size > this.capacity) this.#keys.delete(this.#keys.values().next().value as string);
    return false;
  }
}

/** The SLI provider (see the module comment). */
export class KeptnSliProvider {
  readonly #options: SliProviderOptions;
  readonly #logger: Logger;
  readonly #recent: RecentKeys;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #stats = { received: 0, accepted: 0, ignored: 0, duplicates: 0, malformed: 0, answered: 0 };

  constructor(options: SliProviderOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#recent = new RecentKeys(options.rememberedEvents);
  }

  /** A copy of the counts. */
  get stats(): SliProviderStats {
    return { ...this.#stats, sender: { ...this.#options.sender.stats } };
  }

  /** Classifies one HTTP message and starts answering it when it is ours (see the module comment). Never throws. */
  receive(message: HttpMessage): ReceiveOutcome {
    this.#stats.received++;
    let event: ReturnType<typeof readCloudEvent>;
    let triggered: GetSliTriggered;
    try {
      event = readCloudEvent(message);
      if (event.type !== GET_SLI_TRIGGERED)
        return this.#ignored(event.id, `event type ${event.type} is not handled`);
      const provider = addressedProvider(event);
      if (provider === undefined || !this.#options.providers.includes(provider)) {
        return this.#ignored(
          event.id,
          `sliProvider ${JSON.stringify(provider ?? null)} is not one of ${this.#options.providers.join(', ')}`,
        );
      }
      triggered = readGetSliTriggered(event);
    } catch (error) {
      const reason =
        error instanceof MalformedEventError
          ? error.message
          : `cannot read the event: ${(error as Error).message}`;
      this.#stats.malformed++;
      this.#logger.warn({ reason }, 'keptn: malformed event refused');
      return { status: 400, outcome: 'malformed', reason };
    }
    if (this.#recent.seen(`${event.source}\n${event.id}`)) {
      this.#stats.duplicates++;
      this.#logger.info({ id: event.id }, 'keptn: duplicate delivery ignored');
      return { status: 200, outcome: 'duplicate', id: event.id, reason: 'already received: answered once' };
    }
    this.#stats.accepted++;
    const work = this.#answer(triggered, triggerContext(event)).finally(() => this.#inFlight.delete(work));
    this.#inFlight.add(work);
    return { status: 202, outcome: 'accepted', id: event.id };
  }

  /** Resolves when every accepted event has been answered (or its answers given up on). */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
  }

  #ignored(id: string, reason: string): ReceiveOutcome {
    this.#stats.ignored++;
    return { status: 200, outcome: 'ignored', id, reason };
  }

  async #answer(triggered: GetSliTriggered, trigger: ReturnType<typeof triggerContext>): Promise<void> {
    const { source, sender } = this.#options;
    const log = { triggeredid: trigger.id, shkeptncontext: trigger.shkeptncontext };
    const send = async (event: ReturnType<typeof startedEvent>) => {
      try {
        await sender.send(event);
      } catch (error) {
        this.#logger.error(
          { ...log, type: event.type, error: (error as Error).message },
          'keptn: answer not delivered',
        );
      }
    };
    try {
      await send(startedEvent(triggered, trigger, source));
      const data = await getSli(triggered, this.#options.sources);
      this.#stats.answered++;
      this.#logger.info({ ...log, status: data.status, result: data.result }, 'keptn: get-sli answered');
      await send(finishedEvent(data, trigger, source));
    } catch (error) {
      // getSli never throws and sends are caught: this is a bug, logged rather than crashing the server.
      this.#logger.error({ ...log, error: (error as Error).message }, 'keptn: get-sli failed');
    }
  }
}

/** The SLI queries source of the settings: the local file, or the resource service. */
export function sliQueriesSource(
  settings: KeptnSettings,
): (triggered: GetSliTriggered) => Promise<SliQueries> {
  const { sli } = settings.section;
  if (settings.sliFile !== undefined) {
    const file = settings.sliFile;
    // Read per event, so an edited file applies without a restart.
    return async () => mergeSliFiles([{ file, text: await readFile(file, 'utf8') }]);
  }
  const client = new ResourceServiceClient(sli.resource_service_url!, {
    token: settings.apiToken,
    timeoutSeconds: sli.timeout,
  });
  return async (t) => mergeSliFiles(await client.levels(`${t.sliProvider}/sli.yaml`, t));
}

/** The data sources of the settings (Prometheus, metric providers, deadlines) for `getSli`. */
export function getSliSources(settings: KeptnSettings): GetSliSources {
  const { section, prometheus } = settings;
  return {
    sliQueries: sliQueriesSource(settings),
    // One backend per request: its answers are cached for its lifetime, which must not outlive the request.
    prometheus: prometheus ? () => new PrometheusBackend(prometheus.config, prometheus.key) : undefined,
    metricProviders: new MetricProviders(settings.metricProviders, section.query_timeout),
    queryTimeout: section.query_timeout,
    concurrency: section.concurrency,
  };
}

/** The SLI provider of resolved `keptn` settings (keptn-config.ts). */
export function createKeptnSliProvider(
  settings: KeptnSettings,
  options: { logger?: Logger } = {},
): KeptnSliProvider {
  const { section } = settings;
  const events = section.events;
  const sender = new EventSender({
    kind: events.api_url !== undefined ? 'api' : 'distributor',
    url: (events.api_url ?? events.distributor_url)!,
    token: settings.apiToken,
    attempts: events.attempts,
    backoffMs: events.backoff_ms,
    timeoutSeconds: events.timeout,
  });
  return new KeptnSliProvider({
    providers: section.sli_providers,
    source: section.source,
    sender,
    sources: getSliSources(settings),
    rememberedEvents: section.remembered_events,
    logger: options.logger,
  });
}
