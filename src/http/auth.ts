/**
 * Request headers from the auth fields that backends and exporters accept, with the secrets that must stay
 * out of errors (see `HttpClient`, which also turns credentials in a URL into Basic auth).
 */
import { isSecretKey } from '../config/secrets.js';

/** Authentication fields accepted in backend and exporter blocks. */
export interface HttpAuth {
  username?: string;
  password?: string;
  bearer_token?: string;
}

/**
 * Request headers (lower-case names) from extra headers and auth fields, plus the secrets that must stay out
 * of errors: the password, the Basic token, the bearer token and values of secret-looking headers (with the
 * credential after an auth scheme on its own: a server may echo the bare token).
 */
export function requestHeaders(
  extra: Readonly<Record<string, string>> | undefined,
  auth: HttpAuth,
): { headers: Record<string, string>; secrets: string[] } {
  const headers: Record<string, string> = {};
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(extra ?? {})) {
    headers[name.toLowerCase()] = value;
    if (isSecretKey(name)) secrets.push(value, ...credentialsOf(value));
  }
  if (auth.username !== undefined && auth.password !== undefined) {
    const token = Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
    headers.authorization = `Basic ${token}`;
    secrets.push(auth.password, token);
  } else if (auth.bearer_token !== undefined) {
    headers.authorization = `Bearer ${auth.bearer_token}`;
    secrets.push(auth.bearer_token);
  }
  return { headers, secrets };
}

/**
 * The credential of an `Authorization`-style value (`Bearer abc` → `abc`), and the user and password a Basic
 * credential encodes; nothing for a value without a scheme.
 */
function credentialsOf(value: string): string[] {
  const match = /^\s*([A-Za-z][\w.-]*)\s+(\S+)\s*$/.exec(value);
  if (!match) return [];
  const [, scheme, credential] = match as unknown as [string, string, string];
  if (scheme.toLowerCase() !== 'basic') return [credential];
  const decoded = Buffer.from(credential, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? [credential, decoded.slice(colon + 1)] : [credential];
}
