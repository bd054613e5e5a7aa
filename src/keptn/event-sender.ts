/**
 * Sending started/finished events to Keptn (reference/keptn.md §2.2, §2.3): to the distributor sidecar's
 * `POST <url>/event` as a structured CloudEvent (`application/cloudevents+json`), or to the Keptn API's
 * `POST <url>/v1/event` as Keptn's event JSON (`KeptnContextExtendedCE`: the CloudEvent with `contenttype`
 * for `datacontenttype`) with the `x-token` header. Each event is tried up to `attempts` times with
 * exponential backoff on transport errors, 5xx, 408 and 429 (another 4xx will not change on retry); the
 * same event (same id) is sent on every attempt, so a receiver can drop duplicates. The token never appears
 * in an error.
 */
import type { CloudEvent } from 'cloudevents';
import { HttpClient } from '../http/client.js';
import { type DeliveryError, deliver } from '../http/delivery.js';

/** Where and how events are sent. */
export interface EventSenderOptions {
  /** `distributor`: `<url>/event`; `api`: `<url>/v1/event` with x-token. */
  kind: 'distributor' | 'api';
  url: string;
  /** x-token (required for `api`). */
  token?: string;
  attempts: number;
  /** Delay before the first retry, ms; doubled for each further retry. */
  backoffMs: number;
  timeoutSeconds: number;
}

/** Counts of a sender's life. */
export interface SenderStats {
  /** Events delivered. */
  sent: number;
  /** Attempts beyond the first. */
  retries: number;
  /** Events given up on after every attempt. */
  failed: number;
}

/** An event could not be delivered; `message` names the event type, the URL (no token) and the last answer. */
export class EventSendError extends Error {
  override name = 'EventSendError';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retrying is useless for a receiver's 4xx verdict on the event itself (bad event, bad token). */
const retryable = (error: unknown) => {
  const status = (error as DeliveryError).status;
  return status === undefined || status >= 500 || status === 408 || status === 429;
};

/** Sends Keptn events to one destination (see the module comment). */
export class EventSender {
  readonly #client: HttpClient;
  readonly #options: EventSenderOptions;
  readonly stats: SenderStats = { sent: 0, retries: 0, failed: 0 };

  constructor(options: EventSenderOptions) {
    this.#options = options;
    this.#client = new HttpClient({
      baseUrl: options.url,
      headers:
        options.kind === 'api' && options.token !== undefined ? { 'x-token': options.token } : undefined,
      timeoutSeconds: options.timeoutSeconds,
      maxBodyBytes: 64 * 1024,
    });
  }

  /** Delivers `event`, retrying as the module comment says; throws EventSendError after the last attempt. */
  async send(event: CloudEvent<object>): Promise<void> {
    const { kind } = this.#options;
    const json = event.toJSON() as Record<string, unknown>;
    let body: string;
    let contentType: string;
    if (kind === 'api') {
      const { datacontenttype, ...rest } = json;
      body = JSON.stringify({ ...rest, contenttype: datacontenttype ?? 'application/json' });
      contentType = 'application/json';
    } else {
      body = JSON.stringify(json);
      contentType = 'application/cloudevents+json';
    }
    const path = kind === 'api' ? '/v1/event' : '/event';
    for (let attempt = 1; ; attempt++) {
      try {
        await deliver(this.#client, { method: 'POST', path, headers: { 'content-type': contentType }, body });
        this.stats.sent++;
        return;
      } catch (error) {
        if (attempt >= this.#options.attempts || !retryable(error)) {
          this.stats.failed++;
          throw new EventSendError(
            `${event.type} (id ${event.id}) not delivered after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${(error as Error).message}`,
          );
        }
        this.stats.retries++;
        await sleep(this.#options.backoffMs * 2 ** (attempt - 1));
      }
    }
  }
}
