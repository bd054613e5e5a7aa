/**
 * The `keptn` section of slokit.yaml: slokit as a Keptn SLI provider (README "Keptn SLI-provider"). The
 * serve command validates the section with `keptnSectionSchema` (positioned errors through
 * config/validate.ts) and turns it into settings with `resolveKeptnSection` (token read, Prometheus found).
 *
 * ```yaml
 * keptn:
 *   sli_providers: [prometheus]            # data.get-sli.sliProvider values answered
 *   events: { distributor_url: http://127.0.0.1:8081 }     # POST <url>/event
 *   # or  { api_url: https://keptn.example.com/api }        # POST <url>/v1/event with x-token
 *   api_token: { env: KEPTN_API_TOKEN }    # or { file: /run/secrets/keptn-token }
 *   sli: { resource_service_url: http://resource-service:8080 }   # or { file: sli.yaml }
 *   prometheus: { url: http://prometheus:9090 }                   # or backend: prometheus/prod
 *   metric_providers: { newrelic: { provider: providers/newrelic.yaml, values: {...} } }
 * ```
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as z from 'zod';
import { prometheusBackend } from '../backends/prometheus.js';
import { notDefinedMessage } from '../config/did-you-mean.js';
import { secondsSchema } from '../config/fields.js';
import { lookup } from '../config/lookup.js';
import { MiB } from '../http/client.js';
import { httpUrl, timeoutSeconds } from '../http/schema.js';

/** Largest `max_body_bytes` a section may set: 64 MiB. */
export const KEPTN_MAX_BODY_BYTES = 64 * MiB;

/** Default `source` of the events slokit sends. */
export const DEFAULT_KEPTN_SOURCE = 'slokit';

const exactlyOne = (fields: readonly string[], what: string) => (value: object, ctx: z.RefinementCtx) => {
  const given = fields.filter((f) => (value as Record<string, unknown>)[f] !== undefined);
  if (given.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      path: given.length > 1 ? [given[1]!] : [],
      message: `give exactly one of ${fields.map((f) => `\`${f}\``).join(', ')} (${what})`,
    });
  }
};

const eventsSchema = z
  .strictObject({
    distributor_url: httpUrl
      .optional()
      .describe('Keptn distributor sidecar; events are POSTed to <url>/event (e.g. http://127.0.0.1:8081).'),
    api_url: httpUrl
      .optional()
      .describe('Keptn API base URL; events are POSTed to <url>/v1/event with the `x-token` header.'),
    attempts: z.number().int().min(1).max(10).default(3).describe('Attempts per event, first included.'),
    backoff_ms: z
      .number()
      .int()
      .min(0)
      .max(60_000)
      .default(200)
      .describe('Delay before the first retry, ms; doubled for each further retry.'),
    timeout: timeoutSeconds(10),
  })
  .superRefine(exactlyOne(['distributor_url', 'api_url'], 'where started/finished events are sent'));

const tokenSchema = z
  .strictObject({
    env: z.string().min(1).optional().describe('Environment variable holding the Keptn API token.'),
    file: z
      .string()
      .min(1)
      .optional()
      .describe('File holding the Keptn API token (trailing newline ignored).'),
  })
  .superRefine(exactlyOne(['env', 'file'], 'where the token is read from'))
  .describe('Keptn API token, sent as `x-token` to the API and the resource service.');

const sliSchema = z
  .strictObject({
    resource_service_url: httpUrl
      .optional()
      .describe(
        'Keptn resource service (e.g. http://resource-service:8080, or https://<keptn>/api/resource-service with api_token); <provider>/sli.yaml is read at project, stage and service level.',
      ),
    file: z.string().min(1).optional().describe('A local sli.yaml used for every event instead.'),
    timeout: timeoutSeconds(10),
  })
  .superRefine(exactlyOne(['resource_service_url', 'file'], 'where sli.yaml is read'));

const metricProviderSchema = z.strictObject({
  provider: z.string().min(1).describe('Iter8-style provider file: a path or an http(s) URL.'),
  values: z
    .record(z.string(), z.unknown())
    .nullable()
    .optional()
    .transform((v) => v ?? {})
    .describe('Values the provider file is rendered with (the event context is merged over them).'),
});

/** Schema of the `keptn` section. */
export const keptnSectionSchema = z
  .strictObject({
    sli_providers: z
      .array(z.string().min(1))
      .min(1)
      .describe('Values of data.get-sli.sliProvider this instance answers (e.g. [prometheus]).'),
    source: z
      .string()
      .min(1)
      .default(DEFAULT_KEPTN_SOURCE)
      .describe('CloudEvent `source` of the started/finished events.'),
    events: eventsSchema,
    api_token: tokenSchema.optional(),
    sli: sliSchema,
    prometheus: z
      .looseObject({})
      .optional()
      .describe('Prometheus for PromQL indicators: the fields of a prometheus backend block (url, auth...).'),
    backend: z
      .string()
      .min(1)
      .optional()
      .describe('Or: the key of a prometheus backend of the shared config (e.g. prometheus/prod).'),
    metric_providers: z
      .record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'), metricProviderSchema)
      .default({})
      .describe('HTTP metric providers that sli.yaml names as provider:<key>/<metric>.'),
    query_timeout: secondsSchema('query_timeout')
      .default(30)
      .describe('Deadline of one indicator, seconds (an indicator past it fails, the others are kept).'),
    concurrency: z.number().int().min(1).max(256).default(8).describe('Indicators queried at once.'),
    max_body_bytes: z
      .number()
      .int()
      .min(1024)
      .max(KEPTN_MAX_BODY_BYTES)
      .default(MiB)
      .describe('Largest accepted CloudEvent request body, bytes (larger: 413).'),
    remembered_events: z
      .number()
      .int()
      .min(1)
      .default(10_000)
      .describe('Event ids remembered to answer duplicate deliveries once.'),
  })
  .superRefine((section, ctx) => {
    if (section.prometheus !== undefined && section.backend !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['backend'],
        message: 'give `prometheus` or `backend`, not both',
      });
    }
    if (section.prometheus !== undefined) {
      const checked = prometheusBackend.configSchema.safeParse(section.prometheus);
      for (const issue of checked.success ? [] : checked.error.issues) {
        ctx.addIssue({ code: 'custom', path: ['prometheus', ...issue.path], message: issue.message });
      }
    }
  });

export type KeptnSection = z.output<typeof keptnSectionSchema>;

/** What the SLI provider runs with: the section plus what it refers to, read. */
export interface KeptnSettings {
  section: KeptnSection;
  /** The x-token value, when `api_token` is set. */
  apiToken: string | undefined;
  /** The Prometheus backend block and its key (for errors), when PromQL indicators can be answered. */
  prometheus: { config: Record<string, unknown>; key: string } | undefined;
  /** `metric_providers` with provider paths resolved against the config's directory. */
  metricProviders: Record<string, { provider: string; values: Record<string, unknown> }>;
  /** `sli.file` resolved against the config's directory. */
  sliFile: string | undefined;
}

/**
 * A reference of the `keptn` section that cannot be resolved (token variable unset, unknown backend).
 * `path`: the field inside the section (`['api_token', 'env']`); `reason`: what is wrong; the message is
 * `keptn.<path>: <reason>`.
 */
export class KeptnConfigError extends Error {
  override name = 'KeptnConfigError';
  constructor(
    readonly path: readonly string[],
    readonly reason: string,
  ) {
    super(`keptn.${path.join('.')}: ${reason}`);
  }
}

/**
 * Resolves a validated section: reads the API token (from `env` or the file), finds `backend` among the
 * shared config's `backends` (must be a `prometheus` one), resolves relative paths against `baseDir`.
 * Throws KeptnConfigError naming the field; the token never appears in a message.
 */
export function resolveKeptnSection(
  section: KeptnSection,
  options: {
    backends?: Readonly<Record<string, Record<string, unknown>>>;
    env?: Readonly<Record<string, string | undefined>>;
    baseDir?: string;
  } = {},
): KeptnSettings {
  const env = options.env ?? process.env;
  const baseDir = options.baseDir ?? process.cwd();
  let apiToken: string | undefined;
  if (section.api_token?.env !== undefined) {
    apiToken = env[section.api_token.env];
    if (!apiToken) {
      throw new KeptnConfigError(
        ['api_token', 'env'],
        `environment variable ${section.api_token.env} is not set`,
      );
    }
  } else if (section.api_token?.file !== undefined) {
    const file = resolve(baseDir, section.api_token.file);
    try {
      apiToken = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new KeptnConfigError(
        ['api_token', 'file'],
        `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
    if (!apiToken) throw new KeptnConfigError(['api_token', 'file'], `${file} is empty`);
  }
  if (section.events.api_url !== undefined && apiToken === undefined) {
    throw new KeptnConfigError(['api_token'], 'required with keptn.events.api_url (the API wants x-token)');
  }
  let prometheus: KeptnSettings['prometheus'];
  if (section.prometheus !== undefined) {
    prometheus = { config: section.prometheus, key: 'keptn.prometheus' };
  } else if (section.backend !== undefined) {
    const backends = options.backends ?? {};
    const config = lookup(backends, section.backend);
    if (!config)
      throw new KeptnConfigError(
        ['backend'],
        notDefinedMessage('backend', section.backend, Object.keys(backends)),
      );
    if (!/^prometheus(\/|$)/.test(section.backend)) {
      throw new KeptnConfigError(
        ['backend'],
        `${section.backend} is not a prometheus backend (expected prometheus or prometheus/<name>)`,
      );
    }
    prometheus = { config, key: section.backend };
  }
  const metricProviders = Object.fromEntries(
    Object.entries(section.metric_providers).map(([key, p]) => [
      key,
      {
        provider: /^https?:\/\//i.test(p.provider) ? p.provider : resolve(baseDir, p.provider),
        values: p.values,
      },
    ]),
  );
  const sliFile = section.sli.file === undefined ? undefined : resolve(baseDir, section.sli.file);
  return { section, apiToken, prometheus, metricProviders, sliFile };
}
