/**
 * Placeholder of the dashboard's routes (`GET /`, `/slos/<name>`, `/events`, `/assets/*`): the dashboard is
 * built in its own branch and replaces this file. Until then `/` says so.
 */
import type { FastifyPluginAsync } from 'fastify';

/** The dashboard routes, mounted by the serve server. */
export const dashboardRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', (_request, reply) => {
    void reply
      .type('text/html; charset=utf-8')
      .send(
        '<!doctype html><title>slokit</title><p>dashboard not built: see <a href="/api/slos">/api/slos</a></p>',
      );
  });
};
