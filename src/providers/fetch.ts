/**
 * Fetching metric values: send each rendered request through the pooled HTTP client, then extract the value
 * with the metric's jq expression (src/lang/jq.ts: first output, a number or a Go-ParseFloat-able string;
 * null, NaN and anything else unavailable). Every failure is a reason, never a throw: a network error, the
 * per-request timeout (default 10 s; Iter8 had none), a non-2xx status (with a body excerpt; Iter8 ran jq on
 * error pages), a body that is not JSON, a jq error or a non-numeric result. Reasons name the method and the
 * URL without its query (the encoded PromQL would drown the reason) and never a secret.
 *
 * Within one fetcher (one run), identical requests (method, URL, headers, body) are sent once and their
 * answer shared by every metric that renders to them (their jq expressions may differ), the same jq
 * expression on the same answer runs once (a jq run costs a round trip to jq's worker thread: 400 runs of
 * one compute took 7 s on a loaded machine), and requests run concurrently up to a bound.
 */
import { KeyedOnce } from '../async/keyed-once.js';
import { createLimiter } from '../async/limiter.js';
import { stableKey } from '../async/stable-key.js';
import { redact } from '../config/secrets.js';
import { HttpClient, type HttpRequest, HttpTransportError } from '../http/client.js';
import { bodyExcerpt, statusLine } from '../http/delivery.js';
import { type JqEngine, MAX_JQ_INPUT_BYTES, sharedJqEngine } from '../lang/jq.js';
import type { MetricRequest } from './request.js';
import type { RenderedMetric } from './types.js';

/** Default deadline of one metric request, seconds. */
export const DEFAULT_METRIC_TIMEOUT_SECONDS = 10;

/** Default number of metric requests in flight. */
export const DEFAULT_METRIC_CONCURRENCY = 8;

/** A metric's value, or why it is unavailable. */
export type MetricValue = { value: number } | { error: string };

type Answer = { status: number; body: Buffer } | { error: string };

/** How a fetcher sends. */
export interface MetricFetcherOptions {
  /** Deadline of one request, seconds (default DEFAULT_METRIC_TIMEOUT_SECONDS). */
  timeoutSeconds?: number;
  /** Requests in flight at most (default DEFAULT_METRIC_CONCURRENCY). */
  concurrency?: number;
  /** jq engine (default the process-wide one). */
  jq?: JqEngine;
}

/** Fetches metric values for one run (see the module comment). */
export class MetricFetcher {
  readonly #answers = new KeyedOnce<Answer>('remember');
  readonly #values = new KeyedOnce<MetricValue>('remember');
  readonly #limit: <R>(fn: () => Promise<R>) => Promise<R>;
  readonly #clients = new Map<string, HttpClient>();
  readonly #timeoutSeconds: number;
  readonly #jq: JqEngine;
  #sent = 0;

  constructor(options: MetricFetcherOptions = {}) {
    this.#timeoutSeconds = options.timeoutSeconds ?? DEFAULT_METRIC_TIMEOUT_SECONDS;
    this.#limit = createLimiter(options.concurrency ?? DEFAULT_METRIC_CONCURRENCY);
    this.#jq = options.jq ?? sharedJqEngine();
  }

  /** Requests actually sent so far (identical requests count once). */
  get sent(): number {
    return this.#sent;
  }

  /** The value of a rendered metric, or the reason it is unavailable. Never throws. */
  value(metric: RenderedMetric): Promise<MetricValue> {
    if ('problem' in metric) return Promise.resolve({ error: metric.problem });
    const key = requestKey(metric.request);
    // The same program on the same answer gives the same value: metrics sharing both are extracted once.
    return this.#values.get(`${key}\n${metric.jqExpression}`, () => this.#extract(metric, key));
  }

  async #extract(metric: RenderedMetric & { request: MetricRequest }, key: string): Promise<MetricValue> {
    const { request } = metric;
    const answer = await this.#answers.get(key, () => this.#limit(() => this.#send(request)));
    const what = `${request.method} ${where(request)}`;
    const scrub = (text: string) => redact(text, request.secrets);
    if ('error' in answer) return { error: scrub(`${what} ${answer.error}`) };
    if (answer.status < 200 || answer.status >= 300) {
      const excerpt = bodyExcerpt(answer.body);
      return {
        error: scrub(`${what}: ${statusLine(answer.status)}${excerpt ? `: ${excerpt}` : ' (empty body)'}`),
      };
    }
    const extracted = await this.#jq.extractValue(metric.jqExpression, {
      text: answer.body.toString('utf8'),
    });
    if ('error' in extracted) return { error: scrub(`${what}: ${extracted.error}`) };
    return extracted;
  }

  async #send(request: MetricRequest): Promise<Answer> {
    this.#sent++;
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    for (const [name, value] of request.headers) headers[name.toLowerCase()] = value;
    try {
      const response = await this.#client(url).request({
        // Any HTTP token is sent as written (Go did); Node accepts every token, the client's type lists the
        // methods slokit itself uses.
        method: request.method as HttpRequest['method'],
        url,
        headers,
        body: request.body,
      });
      return { status: response.status, body: response.body };
    } catch (error) {
      if (error instanceof HttpTransportError) return { error: error.reason };
      return { error: `could not be sent: ${(error as Error).message}` };
    }
  }

  #client(url: URL): HttpClient {
    let client = this.#clients.get(url.origin);
    if (!client) {
      client = new HttpClient({
        baseUrl: url.origin,
        timeoutSeconds: this.#timeoutSeconds,
        maxBodyBytes: MAX_JQ_INPUT_BYTES,
      });
      this.#clients.set(url.origin, client);
    }
    return client;
  }
}

/** The request's URL without credentials and query, for reasons. */
function where(request: MetricRequest): string {
  const url = new URL(request.url);
  url.username = '';
  url.password = '';
  url.search = '';
  return url.href;
}

/** Identity of a request: everything that is sent. */
function requestKey(request: MetricRequest): string {
  return stableKey([request.method, request.url, request.headers, request.body ?? null])!;
}
