/**
 * The HTTP server of `slokit serve`: one fastify app (http-app.ts) with the route plugins mounted on it —
 * `/metrics` and request instrumentation (metrics-route.ts), bearer auth of writes (auth.ts), `/api/*`
 * (api-routes.ts), the event pipeline's routes (events-routes.ts), the Keptn CloudEvents endpoint
 * `POST /keptn/event` (keptn-routes.ts), the dashboard (dashboard-routes.ts) —
 * and the probes: `GET /healthz` → 200 `ok` while the process serves; `GET /readyz` → 200 `ok`, or 503 with
 * the reason (starting, shutting down).
 */
import type { Logger } from '../engine/logger.js';
import { apiRoutes, type ServeApi } from './api-routes.js';
import { bearerAuth } from './auth.js';
import { dashboardRoutes } from './dashboard-routes.js';
import { type EventsServerPipeline, eventsRoutes } from './events-routes.js';
import { boundUrl, createHttpApp } from './http-app.js';
import { type KeptnEndpoint, keptnRoutes } from './keptn-routes.js';
import { metricsRoute, type ServeMetrics } from './metrics-route.js';
import { addProbes } from './probes.js';

/** What the server serves. */
export interface ServeServerOptions {
  /** Host to listen on (IPv6 without brackets) and port (0: a free one). */
  host: string;
  port: number;
  /** Largest request body, bytes. */
  bodyLimit: number;
  api: ServeApi;
  metrics: ServeMetrics;
  /** The bearer token writes need, read per request (a reload may change it); undefined: writes open. */
  authToken: () => string | undefined;
  /** The event pipeline's routes; `notReady()` says why events are refused now (no pipeline, restarting). */
  events: { pipeline: EventsServerPipeline; notReady(): string | undefined };
  /** The Keptn endpoint and its body limit, bytes, read per request (a reload may change both). */
  keptn: KeptnEndpoint & { bodyLimit(): number };
  logger: Logger;
}

/** A listening serve server. */
export interface ServeServer {
  /** `http://<host>:<port>` with the port really bound. */
  readonly url: string;
  /** Readiness: undefined = ready, else the reason it is not (`/readyz` answers 503 with it). */
  setNotReady(reason: string | undefined): void;
  /** Stops accepting connections and waits for the requests in progress. */
  close(): Promise<void>;
}

/** Starts the server; throws the system's error when it cannot listen (EADDRINUSE, EACCES). */
export async function startServeServer(options: ServeServerOptions): Promise<ServeServer> {
  const { host, port, logger } = options;
  const app = await createHttpApp({ bodyLimit: options.bodyLimit, logger });
  let notReady: string | undefined = 'starting';
  // Hooks first: they apply to every route registered after them.
  await app.register(metricsRoute(options.metrics));
  await app.register(bearerAuth(options.authToken));
  addProbes(app, { live: '/healthz', ready: '/readyz', ok: 'ok', notReady: () => notReady });
  await app.register(apiRoutes(options.api));
  const { events } = options;
  await app.register(eventsRoutes(events.pipeline, () => notReady ?? events.notReady()));
  const { keptn } = options;
  await app.register(keptnRoutes, { provider: keptn, bodyLimit: () => keptn.bodyLimit() });
  await app.register(dashboardRoutes);
  await app.listen({ host, port });
  return {
    url: boundUrl(app, host, port),
    setNotReady(reason) {
      notReady = reason;
    },
    close: () => app.close(),
  };
}
