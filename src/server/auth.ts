/**
 * Bearer authentication of write endpoints: with a token configured, every request that is not GET, HEAD or
 * OPTIONS needs `Authorization: Bearer <token>`, else 401 `{"error"}` with `WWW-Authenticate: Bearer`.
 * Compared in constant time; the token never appears in answers or logs.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { global } from './http-app.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Equal digests ⇔ equal texts; digests have one length, so the comparison leaks no length either. */
const digest = (text: string) => createHash('sha256').update(text).digest();

/** True when `header` is `Bearer <token>` (scheme case-insensitive, as RFC 6750 allows). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = header === undefined ? null : /^Bearer +(\S+) *$/i.exec(header);
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
}

/**
 * The hook; `token()` is read per request (a reload may change it); undefined leaves writes open. `source`
 * names where the token is configured, for the 401 answer (default `server.auth_token`, slokit.yaml's).
 */
export function bearerAuth(
  token: () => string | undefined,
  source = 'server.auth_token',
): FastifyPluginAsync {
  return global(async (app) => {
    app.addHook('onRequest', async (request, reply) => {
      const expected = token();
      if (expected === undefined || READS.has(request.method)) return;
      if (bearerMatches(request.headers.authorization, expected)) return;
      return reply
        .status(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: `this endpoint needs Authorization: Bearer <token> (${source})` });
    });
  });
}
