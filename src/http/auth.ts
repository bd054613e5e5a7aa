/**
 * HTTP client settings shared by every component that calls out (the Prometheus backend, the Pushgateway and
 * CloudEvents exporters): headers from auth fields, credentials moved out of URLs, URLs and network failures
 * described without secrets. The secrets collected here are what `redact` removes from error messages.
 */
import { isSecretKey } from '../config/secrets.js';

/** Authentication fields accepted in backend and exporter blocks. */
export interface HttpAuth {
  username?: string;
  password?: string;
  bearer_token?: string;
}

/** Request headers from extra headers and auth fields, plus the secrets that must stay out of errors. */
export function requestHeaders(
  extra: Readonly<Record<string, string>> | undefined,
  auth: HttpAuth,
): { headers: Record<string, string>; secrets: string[] } {
  const headers: Record<string, string> = {};
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(extra ?? {})) {
    headers[name.toLowerCase()] = value;
    if (isSecretKey(name)) secrets.push(value);
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
 * Splits `user:password@` out of a URL (fetch refuses URLs with credentials); explicit auth fields win.
 * Returns the URL without credentials, otherwise as given.
 */
export function splitUrlCredentials(url: string, auth: HttpAuth = {}): { url: string; auth: HttpAuth } {
  const parsed = new URL(url);
  const merged = { ...auth };
  if (parsed.username || parsed.password) {
    merged.username ??= decodeURIComponent(parsed.username);
    merged.password ??= decodeURIComponent(parsed.password);
    parsed.username = '';
    parsed.password = '';
  }
  return { url: parsed.href, auth: merged };
}

/** The URL as error messages show it: no credentials, no query string, no fragment. */
export function displayUrl(url: string, base?: string): string {
  try {
    const u = new URL(url, base);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '<invalid url>';
  }
}

/** One line saying why a request got no answer (timeout, refused connection, DNS...). */
export function describeFetchError(error: unknown, timeoutSeconds: number): string {
  const e = error as Error & { cause?: Error };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `timed out after ${timeoutSeconds}s`;
  return `could not be sent: ${e?.cause?.message ?? e?.message ?? String(error)}`;
}
