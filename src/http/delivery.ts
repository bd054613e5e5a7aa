/**
 * One delivery as the HTTP exporters (Pushgateway, CloudEvents) need it, over their `HttpClient`: any
 * non-2xx answer (3xx included: redirects are not followed) is an error quoting the status and the start of
 * the body; unreachable receivers and timeouts get one-line reasons; secrets never appear in the message.
 */
import { STATUS_CODES } from 'node:http';
import type { HttpClient, HttpResponse } from './client.js';
import { HttpTransportError } from './client.js';

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

/** What one delivery sends; `path` is appended to the client's base URL path. */
export interface Delivery {
  method: 'POST' | 'PUT' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Error class to throw, so callers keep their own error names. */
  errorClass?: new (
    message: string,
    status?: number,
  ) => Error;
}

/** Longest part of an answer's body quoted in an error, characters. */
export const MAX_BODY_IN_ERROR = 500;

/** One line of at most MAX_BODY_IN_ERROR characters from a response body, whitespace collapsed. */
export function bodyExcerpt(body: Buffer): string {
  const text = body.toString('utf8').replace(/\s+/g, ' ').trim();
  return text.length > MAX_BODY_IN_ERROR ? `${text.slice(0, MAX_BODY_IN_ERROR)}…` : text;
}

/** `HTTP 503 Service Unavailable` (the reason phrase is Node's for the code; servers' own are not kept). */
export function statusLine(status: number): string {
  const phrase = STATUS_CODES[status];
  return `HTTP ${status}${phrase ? ` ${phrase}` : ''}`;
}

/** ` (redirect to <location>, not followed)` for a 3xx answer with a location, else ''. */
export function redirectNote(client: HttpClient, response: HttpResponse, base: URL): string {
  const location = response.headers.location;
  if (typeof location !== 'string') return '';
  let target: string;
  try {
    target = client.display(new URL(location, base));
  } catch {
    target = '<invalid location>';
  }
  return ` (redirect to ${target}, not followed)`;
}

/** Sends one request; resolves on 2xx, throws a scrubbed, one-line error otherwise. */
export async function deliver(client: HttpClient, d: Delivery): Promise<void> {
  const ErrorClass = d.errorClass ?? DeliveryError;
  const url = client.url(d.path);
  const what = `${d.method} ${client.display(url)}`;
  let response: Awaited<ReturnType<HttpClient['request']>>;
  try {
    response = await client.request({ method: d.method, url, headers: d.headers, body: d.body });
  } catch (error) {
    const reason = error instanceof HttpTransportError ? error.reason : String(error);
    throw new ErrorClass(client.redact(`${what} ${reason}`));
  }
  const { status } = response;
  if (status >= 200 && status < 300) return;
  const redirect = redirectNote(client, response, url);
  const excerpt = bodyExcerpt(response.body);
  throw new ErrorClass(
    client.redact(`${what} failed: ${statusLine(status)}${redirect}${excerpt ? `: ${excerpt}` : ''}`),
    status,
  );
}
