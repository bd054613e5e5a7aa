/**
 * The `cloudevent` exporter (slo-generator's `CloudeventExporter`): each v2 report is the `data` of a
 * CloudEvent POSTed to `service_url`, in structured mode (`application/cloudevents+json`, slo-generator's
 * mode) or binary mode (`ce-*` headers, the report as the JSON body). Events are built and serialised by the
 * CloudEvents SDK.
 *
 * Beyond slo-generator:
 * - `id` is deterministic (a hash of SLO name, policy step and report timestamp), so a receiver can drop the
 *   duplicates that retries produce; `time` is the report's timestamp and `subject` the SLO name;
 * - Basic auth (`auth.username`/`auth.password`) besides Bearer (`auth.token`), extra `headers`, `source`,
 *   `type`, `mode` and `timeout` are configurable; `url` is accepted as an alias of `service_url`;
 * - redirects are not followed: a 3xx answer is an error, like any other non-2xx answer, and the error names
 *   the status and the start of the response body. Error messages never contain the configured secrets nor
 *   the URL's query string or credentials.
 *
 * `auth.google_service_account_auth: true` (fetching a Google ID token) is not supported; put an ID token in
 * `auth.token` instead. The schema rejects it so that a config relying on it fails loudly.
 */
import { createHash } from 'node:crypto';
import { CloudEvent, HTTP } from 'cloudevents';
import * as z from 'zod';
import { HttpClient } from '../http/client.js';
import { DeliveryError, deliver } from '../http/delivery.js';
import { checkFlatAuth, httpHeaders, httpUrl, timeoutSeconds } from '../http/schema.js';
import { reportIdentity } from './report-identity.js';
import type { BuiltinExporter, ExportedReport, Exporter } from './types.js';

/** slo-generator's event type. */
export const DEFAULT_EVENT_TYPE = 'com.google.slo_generator.slo_report';
/** Default `source` attribute. */
export const DEFAULT_EVENT_SOURCE = 'slokit';

/** Largest receiver answer read, bytes (only quoted in errors). */
const MAX_ANSWER_BYTES = 64 * 1024;

const authSchema = z
  .strictObject({
    token: z.string().min(1).optional().describe('Sent as `Authorization: Bearer <token>`.'),
    username: z.string().optional().describe('Basic auth user name (with `password`).'),
    password: z.string().optional().describe('Basic auth password (with `username`).'),
    google_service_account_auth: z
      .boolean()
      .optional()
      .describe('slo-generator option; only `false` is accepted (put an ID token in `token`).'),
  })
  .superRefine((auth, ctx) => {
    if (auth.google_service_account_auth === true) {
      ctx.addIssue({
        code: 'custom',
        path: ['google_service_account_auth'],
        message:
          'Google service account auth is not supported; set `token` to an ID token (e.g. from `gcloud auth print-identity-token`)',
      });
    }
    checkFlatAuth(auth, ctx, 'token');
  });

const configSchema = z
  .strictObject({
    service_url: httpUrl.optional().describe('Where events are POSTed (slo-generator name).'),
    url: httpUrl.optional().describe('Alias of `service_url`.'),
    mode: z
      .enum(['structured', 'binary'])
      .default('structured')
      .describe('CloudEvents HTTP content mode; slo-generator uses structured.'),
    type: z.string().min(1).default(DEFAULT_EVENT_TYPE).describe('CloudEvent `type` attribute.'),
    source: z.string().min(1).default(DEFAULT_EVENT_SOURCE).describe('CloudEvent `source` attribute.'),
    auth: authSchema.optional(),
    timeout: timeoutSeconds(10),
    headers: httpHeaders.optional(),
  })
  .superRefine((config, ctx) => {
    if (config.service_url === undefined && config.url === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['service_url'],
        message: '`service_url` (or `url`) is required',
      });
    } else if (
      config.service_url !== undefined &&
      config.url !== undefined &&
      config.service_url !== config.url
    ) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'give `service_url` or `url`, not both' });
    }
  });

export type CloudeventExporterConfig = z.output<typeof configSchema>;

/** A delivery that failed: unreachable receiver, timeout, or a non-2xx answer (`status` is then set). */
export class CloudEventDeliveryError extends DeliveryError {
  override name = 'CloudEventDeliveryError';
}

/**
 * The event id of a report: a hash of SLO name, policy step and timestamp, so every delivery attempt of one
 * report (and a re-run of the same computation) carries the same id.
 */
export function eventId(name: string, step: string, timestamp: number): string {
  return createHash('sha256').update(`${name}\u0000${step}\u0000${timestamp}`).digest('hex').slice(0, 32);
}

/** The report fields an event needs; throws when the report is not a v2 report. */
function eventFields(report: ExportedReport): { name: string; step: string; timestamp: number } {
  const { slo, step } = reportIdentity(report);
  const timestamp = report.valid ? report.timestamp : undefined;
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) {
    throw new TypeError('the cloudevent exporter needs a report with a numeric timestamp');
  }
  return { name: slo, step, timestamp };
}

/** Builds the CloudEvent of a v2 report (validated by the SDK). */
export function reportEvent(
  report: ExportedReport,
  attributes: { type?: string; source?: string } = {},
): CloudEvent<ExportedReport> {
  const { name, step, timestamp } = eventFields(report);
  return new CloudEvent<ExportedReport>({
    specversion: '1.0',
    id: eventId(name, step, timestamp),
    type: attributes.type ?? DEFAULT_EVENT_TYPE,
    source: attributes.source ?? DEFAULT_EVENT_SOURCE,
    subject: name,
    time: new Date(timestamp * 1000).toISOString(),
    datacontenttype: 'application/json',
    data: report,
  });
}

class CloudeventExporter implements Exporter {
  readonly #config: CloudeventExporterConfig;
  readonly #client: HttpClient;

  constructor(config: Record<string, unknown>) {
    this.#config = configSchema.parse(config);
    const auth = this.#config.auth;
    this.#client = new HttpClient({
      baseUrl: (this.#config.service_url ?? this.#config.url)!,
      headers: this.#config.headers,
      auth: { username: auth?.username, password: auth?.password, bearer_token: auth?.token },
      timeoutSeconds: this.#config.timeout,
      maxBodyBytes: MAX_ANSWER_BYTES,
    });
  }

  async export(report: ExportedReport): Promise<void> {
    const event = reportEvent(report, { type: this.#config.type, source: this.#config.source });
    const message = this.#config.mode === 'binary' ? HTTP.binary(event) : HTTP.structured(event);
    const headers: Record<string, string> = {};
    for (const [header, value] of Object.entries(message.headers)) {
      if (typeof value === 'string') headers[header.toLowerCase()] = value;
    }
    await deliver(this.#client, {
      method: 'POST',
      path: '',
      headers,
      body: message.body as string,
      errorClass: CloudEventDeliveryError,
    });
  }
}

export const cloudeventExporter: BuiltinExporter = {
  create: (config) => new CloudeventExporter(config),
  configSchema,
  reportVersion: 2,
};
