/**
 * The one HTTP client of slokit: the Prometheus backend and the Pushgateway and CloudEvents exporters each
 * own one `HttpClient` (their URL, auth, deadline, size limit and redaction), sending through a keep-alive
 * connection pool (a `node:http`/`node:https` Agent) per server origin.
 *
 * - Pools are per origin, shared by every client of the process that talks to that server, like Node's
 *   global agent. A pool per client instance was tried first and fails as soon as instances are many: with
 *   `compute --no-dedup` the engine builds a backend per call, 800 instances for 200 SLOs, whose idle
 *   connections pile up past Prometheus' 512-connection limit (`--web.max-connections`) until new queries
 *   stall. A pool holds at most MAX_CONNECTIONS_PER_ORIGIN connections; idle ones never keep the process
 *   alive (Node unrefs them).
 *
 * - Transport: `node:http` with a keep-alive Agent, chosen over `undici`'s `Pool.request` by measurement
 *   (`node bench/http-client.mjs`: 1000 distinct instant queries to a real local Prometheus, 8 in flight, each
 *   variant a whole `node` process, 5 interleaved rounds on a 2-core machine; min / median ms):
 *                        node:http    undici
 *       loopback         377 / 433    466 / 492
 *       +10 ms hop      1506 / 1560  1572 / 1694
 *   node:http wins both and costs no import; `fetch`, which slokit used before, cost about twice node:http
 *   (issue 11's profile). Idle pooled sockets are unref'd by Node, so a finished run exits without closing
 *   its clients.
 * - Deadline: one timer per request bounds the whole exchange (connecting, waiting for the answer, a body
 *   that trickles forever) and destroys the request when it fires: no AbortSignal per request.
 * - Body size: answers larger than `maxBodyBytes` (declared or received, and after decompression) are refused.
 * - Redirects are never followed; the caller sees the 3xx with its `location`.
 * - Compression: requests say `accept-encoding: identity`; gzip did not pay in the same runs: on loopback it
 *   is far slower (node:http 628 / 756 ms, undici 697 / 772), across the 10 ms hop slower too (node:http
 *   1597 / 1668, undici 1713 / 1774): answers are a few hundred bytes. A server that compresses anyway is
 *   decoded (gzip, deflate) within the same size limit.
 * - URLs: `url(path)` appends to the base URL's *path* and keeps its query string (`http://h/prom?x=1` +
 *   `/api/v1/query` → `http://h/prom/api/v1/query?x=1`); credentials in the base URL become Basic auth.
 *   `display(url)` is the URL as errors show it: no credentials, values of secret-looking query parameters
 *   replaced by `***`.
 */

import {
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { createRequire } from 'node:module';
import { isSecretKey, redact } from '../config/secrets.js';
import { type HttpAuth, requestHeaders } from './auth.js';

// node:https (TLS) and node:zlib are loaded by the first https URL and the first compressed answer: most runs
// talk plain HTTP on loopback or a cluster network and ask for identity encoding (a few ms of start-up saved).
const requireBuiltin = createRequire(import.meta.url);
const https = () => requireBuiltin('node:https') as typeof import('node:https');
const zlib = () => requireBuiltin('node:zlib') as typeof import('node:zlib');

/** How an `HttpClient` reaches its server. */
export interface HttpClientOptions {
  /** http:// or https:// base URL; may carry credentials, a path prefix and a query string. */
  baseUrl: string;
  /** Extra request headers (secret-looking ones are redacted from errors). */
  headers?: Readonly<Record<string, string>>;
  /** Basic or Bearer auth; explicit fields win over credentials in `baseUrl`. */
  auth?: HttpAuth;
  /** Deadline of one request, seconds (see the module comment for what it bounds). */
  timeoutSeconds: number;
  /** Largest accepted response body, bytes. */
  maxBodyBytes: number;
}

/** One request. `url` comes from `HttpClient.url`. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: URL;
  headers?: Readonly<Record<string, string>>;
  body?: string;
}

/** An answer (any status; redirects are answers too). */
export interface HttpResponse {
  status: number;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Buffer;
}

/**
 * A request that got no complete answer: not sent, timed out, reset, or too large. `reason` is one line
 * without the URL (callers add their own context), secrets already removed.
 */
export class HttpTransportError extends Error {
  override name = 'HttpTransportError';
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** 1 MiB, for limits written as MiB in messages. */
export const MiB = 1024 * 1024;

/** A keep-alive connection pool to one server, with deadlines, size limits and redaction. */
export class HttpClient {
  readonly #base: URL;
  readonly #agent: HttpAgent;
  readonly #send: (
    url: URL,
    options: RequestOptions,
    onResponse: (r: IncomingMessage) => void,
  ) => ClientRequest;
  readonly #headers: Record<string, string>;
  readonly #secrets: readonly string[];
  readonly #timeoutMs: number;
  readonly #timeoutSeconds: number;
  readonly #maxBodyBytes: number;

  constructor(options: HttpClientOptions) {
    const base = new URL(options.baseUrl);
    const auth: HttpAuth = { ...options.auth };
    // `https://TOKEN@host`: a user name without a password is a token (GitHub-style URLs), so a secret too.
    const urlToken = base.username && !base.password ? [decodeURIComponent(base.username)] : [];
    if (base.username || base.password) {
      if (auth.username === undefined && auth.bearer_token === undefined) {
        auth.username = decodeURIComponent(base.username);
        auth.password = decodeURIComponent(base.password);
      }
      base.username = '';
      base.password = '';
    }
    base.hash = '';
    this.#base = base;
    const { headers, secrets } = requestHeaders(options.headers, auth);
    this.#headers = { 'accept-encoding': 'identity', ...headers };
    this.#secrets = [...secrets, ...urlToken, ...secretQueryValues(base)];
    this.#timeoutSeconds = options.timeoutSeconds;
    this.#timeoutMs = Math.max(1, Math.round(options.timeoutSeconds * 1000));
    this.#maxBodyBytes = options.maxBodyBytes;
    this.#agent = poolFor(base);
    this.#send = base.protocol === 'https:' ? https().request : httpRequest;
  }

  /** The URL of `path` under the base URL: appended to the base path, base query kept; '' is the base URL. */
  url(path: string): URL {
    const url = new URL(this.#base.href);
    if (path === '') return url;
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
    return url;
  }

  /** A URL as errors show it: no credentials, secret-looking query values as `***`. */
  display(url: URL = this.#base): string {
    return this.redact(url.href.replace(/\/$/, ''));
  }

  /** Removes this client's secrets (auth, secret headers, secret query values) from a message. */
  redact(message: string): string {
    return redact(message, this.#secrets);
  }

  /** Sends one request; resolves with any answer, rejects with `HttpTransportError` when there is none. */
  request(req: HttpRequest): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      let failed: HttpTransportError | undefined;
      const fail = (error: HttpTransportError) => {
        if (failed) return;
        failed = error;
        clearTimeout(timer);
        request.destroy();
        reject(error);
      };
      const headers = req.headers ? { ...this.#headers, ...req.headers } : { ...this.#headers };
      if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
      const request = this.#send(req.url, { method: req.method, agent: this.#agent, headers }, (response) => {
        const declared = Number(response.headers['content-length']);
        if (declared > this.#maxBodyBytes) return fail(this.#tooLarge());
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.#maxBodyBytes) fail(this.#tooLarge());
          else chunks.push(chunk);
        });
        response.on('error', (error) => fail(this.#transportError(error)));
        response.on('end', () => {
          if (failed) return;
          clearTimeout(timer);
          try {
            const body = this.#decode(Buffer.concat(chunks), response.headers);
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
          } catch (error) {
            reject(error);
          }
        });
      });
      // One timer bounds the whole exchange: connecting, waiting and a body that trickles forever.
      const timer = setTimeout(() => fail(this.#timedOut()), this.#timeoutMs);
      request.on('error', (error) => fail(this.#transportError(error)));
      request.end(req.body);
    });
  }

  #decode(raw: Buffer, headers: HttpResponse['headers']): Buffer {
    const encoding = String(headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding === 'identity' || raw.length === 0) return raw;
    const inflate =
      encoding === 'gzip' || encoding === 'x-gzip'
        ? zlib().gunzipSync
        : encoding === 'deflate'
          ? zlib().inflateSync
          : undefined;
    if (!inflate)
      throw new HttpTransportError(
        `got an answer with an unsupported content-encoding "${encoding.slice(0, 40)}"`,
      );
    try {
      return inflate(raw, { maxOutputLength: this.#maxBodyBytes });
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw this.#tooLarge();
      throw new HttpTransportError(
        `got an answer that could not be decoded (${encoding}): ${(error as Error).message}`,
      );
    }
  }

  #tooLarge(): HttpTransportError {
    return new HttpTransportError(`got an answer larger than the ${formatBytes(this.#maxBodyBytes)} limit`);
  }

  #timedOut(): HttpTransportError {
    return new HttpTransportError(`timed out after ${this.#timeoutSeconds} s`);
  }

  #transportError(error: unknown): HttpTransportError {
    const e = error as { code?: string; message?: string };
    if (e?.code === 'ECONNRESET' || e?.message === 'socket hang up') {
      // Also how Node reports a body cut off midway (an "aborted" ECONNRESET on the response).
      return new HttpTransportError(
        `was cut off: the server closed the connection before a complete answer (${e.code ?? 'socket hang up'})`,
      );
    }
    return new HttpTransportError(this.redact(`could not be sent: ${e?.message ?? String(error)}`));
  }
}

/** Most connections one pool keeps to one server (requests beyond wait for a free one). */
export const MAX_CONNECTIONS_PER_ORIGIN = 16;

const pools = new Map<string, HttpAgent>();

/** The keep-alive pool of a URL's origin (see the module comment for why pools are per origin). */
function poolFor(url: URL): HttpAgent {
  let pool = pools.get(url.origin);
  if (!pool) {
    const options = { keepAlive: true, maxSockets: MAX_CONNECTIONS_PER_ORIGIN };
    pool = url.protocol === 'https:' ? new (https().Agent)(options) : new HttpAgent(options);
    pools.set(url.origin, pool);
  }
  return pool;
}

/** Values of the base URL's secret-looking query parameters, to be redacted wherever they appear. */
function secretQueryValues(url: URL): string[] {
  const values: string[] = [];
  for (const [name, value] of url.searchParams) {
    if (value.length >= 3 && isSecretKey(name)) values.push(value, encodeURIComponent(value));
  }
  return values;
}

/** `16 MiB`, `64 KiB`, `100 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
