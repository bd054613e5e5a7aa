/**
 * The liveness and readiness probes of a slokit server. `events run` keeps slo-exporter's paths and body
 * (`/liveness`, `/readiness`, `OK`) so its Kubernetes probes work unchanged; `serve` uses the usual
 * `/healthz`, `/readyz`, `ok`.
 */
import type { FastifyInstance } from 'fastify';

/** Paths and body of the probes, and the readiness source. */
export interface ProbeOptions {
  live: string;
  ready: string;
  /** The body of a 200 answer. */
  ok: string;
  /** Undefined when ready, else the reason, answered with 503. */
  notReady: () => string | undefined;
}

/** Adds the two probe routes to `app`: liveness always 200; readiness 200 or 503 with the reason. */
export function addProbes(app: FastifyInstance, options: ProbeOptions): void {
  app.get(options.live, (_request, reply) => {
    void reply.type('text/plain; charset=utf-8').send(options.ok);
  });
  app.get(options.ready, (_request, reply) => {
    const reason = options.notReady();
    void reply
      .status(reason === undefined ? 200 : 503)
      .type('text/plain; charset=utf-8')
      .send(reason ?? options.ok);
  });
}
