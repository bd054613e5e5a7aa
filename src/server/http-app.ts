/**
 * The fastify app both servers (`events run`, `serve`) mount their route plugins on: request bodies read as
 * text whatever their content type (each route parses its own: JSON lines, YAML), a body limit, a deadline
 * to receive a request, and every error answered as JSON `{"error": "<reason>"}` without closing the process.
 * fastify is imported only when a server starts, so the CLI does not load it for other commands.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Logger } from '../engine/logger.js';

/** Longest time to receive a whole request, milliseconds. */
const REQUEST_TIMEOUT_MS = 60_000;

/** A fastify app with the shared parsing and error handling; `bodyLimit` in bytes. */
export async function createHttpApp(options: {
  bodyLimit: number;
  logger: Logger;
}): Promise<FastifyInstance> {
  const { bodyLimit, logger } = options;
  const { default: fastify } = await import('fastify');
  // requestTimeout: a client trickling a body cannot hold a connection for ever.
  const app: FastifyInstance = fastify({
    bodyLimit,
    logger: false,
    return503OnClosing: true,
    requestTimeout: REQUEST_TIMEOUT_MS,
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (_request, body, done) => done(null, body));
  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500)
      logger.error({ err: error.message, route: request.routeOptions.url }, 'request failed');
    const message =
      status === 413 ? `request body larger than the limit of ${bodyLimit} bytes` : error.message;
    void reply.status(status).send({ error: message });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: `no route ${request.method} ${request.url}` });
  });
  return app;
}

/** `http://<host>:<port>` of a listening app, with the port really bound (IPv6 hosts in brackets). */
export function boundUrl(app: FastifyInstance, host: string, port: number): string {
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return `http://${shownHost}:${bound}`;
}

/**
 * Marks a plugin as not encapsulated (what the `fastify-plugin` package does), so its hooks apply to the
 * routes of the whole app.
 */
export function global<P extends FastifyPluginAsync<never>>(plugin: P): P {
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}
