/**
 * The HTTP server of `slokit events run` (fastify), with slo-exporter's paths (shared/reference/slo-exporter.md
 * §1.2) and slokit's event ingest:
 *
 * - `GET /metrics`: the pipeline's families as text format 0.0.4, or OpenMetrics 1.0.0 when the Accept header
 *   asks for `application/openmetrics-text` (as Prometheus does).
 * - `GET /liveness` → 200 `OK`; `GET /readiness` → 200 `OK`, or 503 with the reason (starting, shutting down).
 * - `GET /<moduleName>/<path>`: the routes processors declare (dynamicClassifier's CSV dumps).
 * - `POST /api/events`: JSON lines or one JSON array of events → 200 `{"accepted": n, "malformed": m}`, sent
 *   after the events went through the pipeline (back-pressure); 400 `{"error"}` for a body that is not JSON
 *   lines / a JSON array; 413 `{"error"}` above the body limit; 503 `{"error"}` while not ready (events
 *   accepted after the final flush would be lost). Bodies are read whatever their content type.
 *
 * Untrusted input: the body limit bounds what is held, JSON parsing is V8's (no recursion limit to hit),
 * and every error is answered as JSON without closing the process. fastify is imported only when a server
 * starts, so the CLI does not load it for other commands.
 */

import type { FastifyInstance } from 'fastify';
import type { Logger } from '../engine/logger.js';
import { silentLogger } from '../engine/logger.js';
import { parseListenAddress as parseAddress } from '../events/pipeline-config/listen-address.js';
import type { ModuleRoute } from '../events/pipeline-event.js';
import { EventBodyError, type IngestResult } from '../events/pipeline-runner.js';
import {
  type MetricFamily,
  OPENMETRICS_CONTENT_TYPE,
  PROMETHEUS_TEXT_CONTENT_TYPE,
  renderFamilies,
  renderOpenMetrics,
} from '../lang/prometheus-text.js';

/** Default largest `POST /api/events` body: 10 MiB. */
export const DEFAULT_EVENTS_BODY_LIMIT = 10 * 1024 * 1024;

/** Longest time to receive a whole request, milliseconds. */
const REQUEST_TIMEOUT_MS = 60_000;

/** What the server serves: the pipeline's metrics, event ingest and module routes. */
export interface EventsServerPipeline {
  families(): MetricFamily[];
  /** Runs a body's events; throws `EventBodyError` for a body that is neither JSON lines nor a JSON array. */
  ingestText(text: string, source: 'http'): IngestResult;
  /** GET routes by module name. */
  routes: ReadonlyMap<string, readonly ModuleRoute[]>;
}

export interface EventsServerOptions {
  /** `host:port` as slo-exporter's `webServerListenAddress` (an empty host listens on every interface). */
  listenAddress: string;
  pipeline: EventsServerPipeline;
  /** Largest request body in bytes; default 10 MiB. */
  bodyLimit?: number;
  logger?: Logger;
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

/** True when an Accept header asks for OpenMetrics text (with a non-zero quality). */
export function acceptsOpenMetrics(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((entry) => {
    const [type, ...parameters] = entry.split(';').map((part) => part.trim());
    if (type?.toLowerCase() !== 'application/openmetrics-text') return false;
    const quality = parameters.find((p) => p.toLowerCase().startsWith('q='));
    return quality === undefined || Number(quality.slice(2)) > 0;
  });
}

/**
 * Starts the server on `options.listenAddress`. Throws `ListenAddressError` for a bad address and the
 * system's error when it cannot listen (EADDRINUSE, EACCES).
 */
export async function startEventsServer(options: EventsServerOptions): Promise<EventsServer> {
  const { host, port } = parseListenAddress(options.listenAddress);
  const logger = options.logger ?? silentLogger;
  const bodyLimit = options.bodyLimit ?? DEFAULT_EVENTS_BODY_LIMIT;
  const { pipeline } = options;
  const { default: fastify } = await import('fastify');
  // requestTimeout: a client trickling a body cannot hold a connection for ever.
  const app: FastifyInstance = fastify({
    bodyLimit,
    logger: false,
    return503OnClosing: true,
    requestTimeout: REQUEST_TIMEOUT_MS,
  });
  let notReady: string | undefined = 'starting';

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (_request, body, done) => done(null, body));
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) logger.error({ err: error.message }, 'events server request failed');
    const message =
      status === 413 ? `request body larger than the limit of ${bodyLimit} bytes` : error.message;
    void reply.status(status).send({ error: message });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: `no route ${request.method} ${request.url}` });
  });

  app.get('/metrics', (request, reply) => {
    const open = acceptsOpenMetrics(request.headers.accept);
    const families = pipeline.families();
    const body = open ? renderOpenMetrics(families) : renderFamilies(families);
    void reply
      .header('content-type', open ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_TEXT_CONTENT_TYPE)
      .send(body);
  });
  app.get('/liveness', (_request, reply) => {
    void reply.type('text/plain; charset=utf-8').send('OK');
  });
  app.get('/readiness', (_request, reply) => {
    void reply
      .status(notReady === undefined ? 200 : 503)
      .type('text/plain; charset=utf-8')
      .send(notReady ?? 'OK');
  });
  for (const [moduleName, routes] of pipeline.routes) {
    for (const route of routes) {
      app.get(`/${moduleName}/${route.path}`, (_request, reply) => {
        void reply.type(route.contentType).send(route.body());
      });
    }
  }
  app.post('/api/events', (request, reply) => {
    if (notReady !== undefined) {
      void reply.status(503).send({ error: `not accepting events: ${notReady}` });
      return;
    }
    const body = typeof request.body === 'string' ? request.body : '';
    try {
      void reply.send(pipeline.ingestText(body, 'http'));
    } catch (error) {
      if (!(error instanceof EventBodyError)) throw error;
      void reply.status(400).send({ error: error.message });
    }
  });

  await app.listen({ host, port });
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${bound}`,
    setNotReady(reason) {
      notReady = reason;
    },
    close: () => app.close(),
  };
}
