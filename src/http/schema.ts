/**
 * Config field schemas of everything that calls out over HTTP (the Prometheus backend, the Pushgateway and
 * CloudEvents exporters), written once so every component accepts the same URLs, timeouts, headers and auth.
 */
import * as z from 'zod';
import { TIMEOUT_RANGE } from '../async/deadline.js';
import { secondsSchema } from '../config/fields.js';

/**
 * An absolute http:// or https:// URL (ftp:, file:, javascript:... are refused). The message never quotes
 * the value: it may carry credentials or a token.
 */
export const httpUrl = z.string().superRefine((value, ctx) => {
  let protocol: string;
  try {
    protocol = new URL(value).protocol;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'expected an absolute http:// or https:// URL' });
    return;
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    ctx.addIssue({
      code: 'custom',
      message: `expected an http:// or https:// URL, not ${protocol.slice(0, 20)}`,
    });
  }
});

/** A request timeout in seconds (see `secondsSchema`), with a default. */
export function timeoutSeconds(defaultSeconds: number) {
  return secondsSchema('timeout')
    .default(defaultSeconds)
    .describe(`Request timeout in seconds, ${TIMEOUT_RANGE} (default ${defaultSeconds}).`);
}

/** Extra request headers: valid HTTP header names, values without line breaks or NUL. */
export const httpHeaders = z
  .record(
    z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid HTTP header name'),
    z.string().regex(/^[^\r\n\0]*$/, 'HTTP header values cannot contain line breaks or NUL'),
  )
  .describe('Extra HTTP headers sent with every request.');

/** `bearer_token` field: sent as `Authorization: Bearer <token>`. */
export const bearerToken = z.string().min(1).describe('Sent as `Authorization: Bearer <token>`.');

/** `{ username, password }` block of Basic auth. */
export const basicAuth = z.strictObject({
  username: z.string().describe('Basic auth user name.'),
  password: z.string().describe('Basic auth password.'),
});

/**
 * Checks that flat `username`/`password` fields come together and are not mixed with a bearer token; adds
 * the issues to `ctx`. For schemas that keep slo-generator's flat field names (the Pushgateway exporter, the
 * cloudevent exporter's `auth` block).
 */
export function checkFlatAuth(
  auth: { username?: string; password?: string; token?: string },
  ctx: z.RefinementCtx,
  tokenField: string,
): void {
  const basic = auth.username !== undefined || auth.password !== undefined;
  if (basic && (auth.username === undefined || auth.password === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [auth.username === undefined ? 'username' : 'password'],
      message: '`username` and `password` go together (Basic auth)',
    });
  }
  if (basic && auth.token !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: [tokenField],
      message: `use either \`${tokenField}\` (Bearer) or \`username\`/\`password\` (Basic), not both`,
    });
  }
}
