/**
 * The HTTP server of `slokit events run` (fastify), with slo-exporter's paths (shared/reference/slo-exporter.md
 * §1.2) and slokit's event ingest:
 *
 * - `GET /metrics`: the pipeline's families as text format 0.0.4, or OpenMetrics 1.0.0 when the Accept header
 *   asks for `application/openmetrics-text` (as Prometheus does).
 * - `GET /liveness` → 200 `OK`; `GET /readiness` → 200 `OK`, or 503 with the reason (starting, shutting down).
 * - `POST /api/events` and the processors' `GET /<moduleName>/<path>` routes: events-routes.ts. With an
 *   `authToken`, POST needs `Authorization: Bearer <token>` (auth.ts), else 401.
 *
 * Untrusted input: the body limit bounds what is held, JSON parsing is V8's (no recursion limit to hit),
 * and every error is answered as JSON without closing the process (http-app.ts).
 */

import type { Logger } from '../engine/logger.js';
import { silentLogger } from '../engine/logger.js';
import { parseListenAddress as parseAddress } from '../events/pipeline-config/listen-address.js';
import {
  OPENMETRICS_CONTENT_TYPE,
  PROMETHEUS_TEXT_CONTENT_TYPE,
  renderFamilies,
  renderOpenMetrics,
} from '../lang/prometheus-text.js';
import { bearerAuth } from './auth.js';
import { acceptsOpenMetrics } from './content-negotiation.js';
import { type EventsServerPipeline, eventsRoutes } from './events-routes.js';
import { boundUrl, createHttpApp } from './http-app.js';
import { addProbes } from './probes.js';

export { acceptsOpenMetrics } from './content-negotiation.js';
export type { EventsServerPipeline } from './events-routes.js';

/** Default largest `POST /api/events` body: 10 MiB. */
export const DEFAULT_EVENTS_BODY_LIMIT = 10 * 1024 * 1024;

export interface EventsServerOptions {
  /** `host:port` as slo-exporter's `webServerListenAddress` (an empty host listens on every interface). */
  listenAddress: string;
  pipeline: EventsServerPipeline;
  /** Largest request body in bytes; default 10 MiB. */
  bodyLimit?: number;
  logger?: Logger;
  /** Bearer token `POST /api/events` needs (auth.ts); undefined leaves ingest open. */
  authToken?: string | undefined;
}

/** A listening events server. */
export interface EventsServer {
  /** `http://<host>:<port>` with the port really bound. */
  readonly url: string;
  /** Readiness: undefined = ready, else the reason it is not (answered by `/readiness` with 503). */
  setNotReady(reason: string | undefined): void;
  /** Stops accepting connections and waits for the requests in progress. */
  close(): Promise<void>;
}

/** An invalid listen address. */
export class ListenAddressError extends Error {
  override name = 'ListenAddressError';
}

/**
 * `host:port` → its parts (see src/events/pipeline-config/listen-address.ts for the accepted forms). Throws
 * `ListenAddressError` naming what was expected.
 */
export function parseListenAddress(address: string): { host: string; port: number } {
  const parsed = parseAddress(address);
  if ('error' in parsed) throw new ListenAddressError(`invalid listen address: ${parsed.error}`);
  return { host: parsed.host, port: parsed.port };
}

/**
 * Starts the server on `options.listenAddress`. Throws `ListenAddressError` for a bad address and the
 * system's error when it cannot listen (EADDRINUSE, EACCES).
 */
export async function startEventsServer(options: EventsServerOptions): Promise<EventsServer> {
  const { host, port } = parseListenAddress(options.listenAddress);
  const logger = options.logger ?? silentLogger;
  const { pipeline } = options;
  const app = await createHttpApp({ bodyLimit: options.bodyLimit ?? DEFAULT_EVENTS_BODY_LIMIT, logger });
  let notReady: string | undefined = 'starting';
  const { authToken } = options;
  await app.register(bearerAuth(() => authToken, '--auth-token-file or SLOKIT_EVENTS_AUTH_TOKEN'));

  app.get('/metrics', (request, reply) => {
    const open = acceptsOpenMetrics(request.headers.accept);
    const families = pipeline.families();
    const body = open ? renderOpenMetrics(families) : renderFamilies(families);
    void reply
      .header('content-type', open ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_TEXT_CONTENT_TYPE)
      .send(body);
  });
  addProbes(app, { live: '/liveness', ready: '/readiness', ok: 'OK', notReady: () => notReady });
  await app.register(eventsRoutes(pipeline, () => notReady));

  await app.listen({ host, port });
  return {
    url: boundUrl(app, host, port),
    setNotReady(reason) {
      notReady = reason;
    },
    close: () => app.close(),
  };
}
