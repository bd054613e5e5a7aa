/**
 * The Keptn CloudEvents endpoint as a fastify plugin: `POST <path>` (default `/keptn/event`) takes one
 * CloudEvent in structured or binary mode, as Keptn's distributor forwards it, and hands it to a
 * `KeptnEndpoint` (a `KeptnSliProvider` of src/keptn/sli-provider.ts, or serve's swappable one). Answers, JSON:
 * - 202 `{"status": "accepted", "id"}`: a get-sli.triggered of ours, answered in the background;
 * - 200 `{"status": "ignored" | "duplicate", "id", "reason"}`: another type or provider, or a repeated id;
 * - 400 `{"error"}`: not a (valid) CloudEvent, or unusable get-sli data (the reason);
 * - 413 `{"error"}` for a body over the body limit;
 * - 503 `{"error"}` when the endpoint has no provider now (serve without a `keptn:` section).
 * The plugin is encapsulated: its body parser (every content type read as text, since the SDK decides the
 * mode from the headers) does not reach other routes. Closing the server waits for answers in flight.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { KEPTN_MAX_BODY_BYTES } from '../keptn/keptn-config.js';
import type { HttpMessage } from '../keptn/keptn-events.js';
import type { ReceiveOutcome } from '../keptn/sli-provider.js';

/** What an endpoint says about one message: a provider's outcome, or that no provider serves now. */
export type EndpointOutcome = ReceiveOutcome | { status: 503; outcome: 'unavailable'; reason: string };

/** What the route hands messages to. */
export interface KeptnEndpoint {
  /** Classifies one message and starts answering it when it is ours; never throws. */
  receive(message: HttpMessage): EndpointOutcome;
  /** Resolves when the answers in flight are sent (or given up on). */
  settled(): Promise<void>;
}

/** Options of `keptnRoutes`. */
export interface KeptnRoutesOptions {
  provider: KeptnEndpoint;
  /** Route path; default `/keptn/event`. */
  path?: string;
  /**
   * Largest request body, bytes (the `keptn.max_body_bytes` setting). A function is read per request (a
   * reload may change it; at most KEPTN_MAX_BODY_BYTES): a declared content-length over it is refused before
   * the body is read, a chunked body once read.
   */
  bodyLimit: number | (() => number);
}

/** Registers the endpoint (see the module comment): `app.register(keptnRoutes, { provider, bodyLimit })`. */
export const keptnRoutes: FastifyPluginAsync<KeptnRoutesOptions> = async (app: FastifyInstance, options) => {
  const { provider, bodyLimit } = options;
  const limit = typeof bodyLimit === 'number' ? () => bodyLimit : bodyLimit;
  const readLimit = typeof bodyLimit === 'number' ? bodyLimit : KEPTN_MAX_BODY_BYTES;
  const tooLarge = () => ({ error: `request body larger than the limit of ${limit()} bytes` });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: readLimit }, (_request, body, done) =>
    done(null, body),
  );
  if (typeof bodyLimit === 'function') {
    app.addHook('onRequest', async (request, reply) => {
      const declared = Number(request.headers['content-length']);
      if (declared > limit()) return reply.code(413).send(tooLarge());
    });
  }
  app.post(options.path ?? '/keptn/event', { bodyLimit: readLimit }, async (request, reply) => {
    const body = typeof request.body === 'string' ? request.body : undefined;
    if (body !== undefined && Buffer.byteLength(body) > limit()) return reply.code(413).send(tooLarge());
    const outcome = provider.receive({ headers: request.headers, body });
    if (outcome.status === 400 || outcome.status === 503)
      return reply.code(outcome.status).send({ error: outcome.reason });
    const { status, outcome: kind, ...rest } = outcome;
    return reply.code(status).send({ status: kind, ...rest });
  });
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode ?? 500;
    return reply.code(status).send(status === 413 ? tooLarge() : { error: error.message });
  });
  app.addHook('onClose', async () => provider.settled());
};
