/**
 * The event pipeline's routes, mounted by both `events run` and `serve`:
 * - `POST /api/events`: JSON lines or one JSON array of events → 200 `{"accepted": n, "malformed": m}`, sent
 *   after the events went through the pipeline (back-pressure); 400 `{"error"}` for a body that is not JSON
 *   lines / a JSON array, and 400 `{"error", "accepted": 0, "malformed": m}` when no line or element of it
 *   is an event (the malformed ones are counted, as always); 503 `{"error"}` while not ready (events accepted after the final flush would be
 *   lost). Bodies are read whatever their content type (http-app.ts), up to the app's body limit (413).
 * - `GET /<moduleName>/<path>`: the routes processors declare (dynamicClassifier's CSV dumps).
 * The metrics families are rendered by the app's `/metrics`, not here.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ModuleRoute } from '../events/pipeline-event.js';
import { EventBodyError, type IngestResult } from '../events/pipeline-runner.js';
import type { MetricFamily } from '../lang/prometheus-text.js';

/** What the routes serve: the pipeline's metrics, event ingest and module routes. */
export interface EventsServerPipeline {
  families(): MetricFamily[];
  /** Runs a body's events; throws `EventBodyError` for a body that is neither JSON lines nor a JSON array. */
  ingestText(text: string, source: 'http'): IngestResult;
  /** GET routes by module name. */
  routes: ReadonlyMap<string, readonly ModuleRoute[]>;
}

/** The 400 reason of a body none of whose `malformed` lines or elements is an event. */
function noValidEvent(malformed: number): string {
  return `no valid event in the body (${malformed} malformed): expected JSON lines or a JSON array, each event a JSON object whose quantity field, if any, is a non-negative number`;
}

/** The routes of `pipeline`; `notReady()` gives the reason ingest is refused (undefined: ready). */
export function eventsRoutes(
  pipeline: EventsServerPipeline,
  notReady: () => string | undefined,
): FastifyPluginAsync {
  return async (app) => {
    for (const [moduleName, routes] of pipeline.routes) {
      for (const route of routes) {
        app.get(`/${moduleName}/${route.path}`, (_request, reply) => {
          void reply.type(route.contentType).send(route.body());
        });
      }
    }
    app.post('/api/events', (request, reply) => {
      const reason = notReady();
      if (reason !== undefined) {
        void reply.status(503).send({ error: `not accepting events: ${reason}` });
        return;
      }
      const body = typeof request.body === 'string' ? request.body : '';
      try {
        const result = pipeline.ingestText(body, 'http');
        if (result.accepted === 0 && result.malformed > 0) {
          // Nothing usable: the client is misconfigured, and a 200 would hide it.
          void reply.status(400).send({ error: noValidEvent(result.malformed), ...result });
          return;
        }
        void reply.send(result);
      } catch (error) {
        if (!(error instanceof EventBodyError)) throw error;
        void reply.status(400).send({ error: error.message });
      }
    });
  };
}
