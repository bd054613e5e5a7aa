/**
 * The Keptn CloudEvents endpoint as a fastify plugin: `POST <path>` (default `/keptn/event`) takes one
 * CloudEvent in structured or binary mode, as Keptn's distributor forwards it, and hands it to a
 * `KeptnSliProvider` (src/keptn/sli-provider.ts). Answers, JSON:
 * - 202 `{"status": "accepted", "id"}`: a get-sli.triggered of ours, answered in the background;
 * - 200 `{"status": "ignored" | "duplicate", "id", "reason"}`: another type or provider, or a repeated id;
 * - 400 `{"error"}`: not a (valid) CloudEvent, or unusable get-sli data (the reason);
 * - 413 `{"error"}` for a body over `bodyLimit` bytes (fastify's limit, checked while reading).
 * The plugin is encapsulated: its body parser (every content type read as text, since the SDK decides the
 * mode from the headers) does not reach other routes. Closing the server waits for answers in flight.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { KeptnSliProvider } from '../keptn/sli-provider.js';

/** Options of `keptnRoutes`. */
export interface KeptnRoutesOptions {
  provider: KeptnSliProvider;
  /** Route path; default `/keptn/event`. */
  path?: string;
  /** Largest request body, bytes (the `keptn.max_body_bytes` setting). */
  bodyLimit: number;
}

/** Registers the endpoint (see the module comment): `app.register(keptnRoutes, { provider, bodyLimit })`. */
export const keptnRoutes: FastifyPluginAsync<KeptnRoutesOptions> = async (app: FastifyInstance, options) => {
  const { provider } = options;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: options.bodyLimit }, (_request, body, done) =>
    done(null, body),
  );
  app.post(options.path ?? '/keptn/event', { bodyLimit: options.bodyLimit }, async (request, reply) => {
    const body = typeof request.body === 'string' ? request.body : undefined;
    const outcome = provider.receive({ headers: request.headers, body });
    if (outcome.status === 400) return reply.code(400).send({ error: outcome.reason });
    const { status, outcome: kind, ...rest } = outcome;
    return reply.code(status).send({ status: kind, ...rest });
  });
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode ?? 500;
    const message =
      status === 413 ? `request body larger than the limit of ${options.bodyLimit} bytes` : error.message;
    return reply.code(status).send({ error: message });
  });
  app.addHook('onClose', async () => provider.settled());
};
