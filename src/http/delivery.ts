/**
 * One HTTP delivery as the HTTP exporters (Pushgateway, CloudEvents) need it: redirects are not followed,
 * any non-2xx answer is an error quoting the status and the start of the body, timeouts and unreachable
 * receivers get one-line reasons, and configured secrets never appear in the message.
 */

import { redact } from '../config/secrets.js';
import { describeFetchError, displayUrl } from './auth.js';

/** A delivery that failed; `status` is set when the receiver answered. */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** What one delivery sends. */
export interface Delivery {
  method: 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutSeconds: number;
  /** Strings removed from error messages (passwords, tokens, credentials). */
  secrets: readonly string[];
  /** Error class to throw, so callers keep their own error names. */
  errorClass?: new (
    message: string,
    status?: number,
  ) => Error;
}

const MAX_BODY_IN_ERROR = 500;

/** Sends one request; resolves on 2xx, throws a scrubbed, one-line error otherwise. */
export async function deliver(d: Delivery): Promise<void> {
  const ErrorClass = d.errorClass ?? DeliveryError;
  const what = `${d.method} ${displayUrl(d.url)}`;
  const fail = (message: string, status?: number): never => {
    throw new ErrorClass(redact(message, d.secrets), status);
  };
  let response: Response;
  try {
    response = await fetch(d.url, {
      method: d.method,
      headers: d.headers,
      body: d.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(d.timeoutSeconds * 1000),
    });
  } catch (error) {
    return fail(`${what} ${describeFetchError(error, d.timeoutSeconds)}`);
  }
  if (response.status >= 200 && response.status < 300) {
    await response.body?.cancel().catch(() => {});
    return;
  }
  const text = (await response.text().catch(() => '')).replace(/\s+/g, ' ').trim();
  const excerpt = text.length > MAX_BODY_IN_ERROR ? `${text.slice(0, MAX_BODY_IN_ERROR)}…` : text;
  const location = response.headers.get('location');
  const redirect = location ? ` (redirect to ${displayUrl(location, d.url)}, not followed)` : '';
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  return fail(`${what} failed: ${status}${redirect}${excerpt ? `: ${excerpt}` : ''}`, response.status);
}
