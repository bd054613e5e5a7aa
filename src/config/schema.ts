/**
 * Schemas of the config files slokit reads: slo-generator v2 SLO documents and the core of the shared config
 * (`backends`, `exporters`, `error_budget_policies`, `default_exporters`; its optional sections are in
 * shared-config-schema.ts). Objects are strict: an unknown field is a typo until proven otherwise. Backend-
 * and exporter-specific fields are checked by the schemas their registries publish, because only they know
 * what a `prometheus` or a plugin block may contain.
 */
import * as z from 'zod';
import { durationSchema, minValidEventsSchema, secondsSchema } from './fields.js';

export type { SharedConfig } from './shared-config-schema.js';

/** Free-form constructor fields of a backend or exporter entry (`prometheus: {url: ...}`); `{}` when empty. */
const pluginBlock = z
  .record(z.string(), z.unknown())
  .nullable()
  .transform((v) => v ?? {});

const labelValue = z.union([z.string(), z.number(), z.boolean()]);

/** A number, or a string holding one: slo-generator casts these fields with Python's `float()`. */
const pythonFloat = (bounds: z.ZodNumber) =>
  z
    .union([
      bounds,
      z
        .string()
        .trim()
        .regex(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/, 'expected a number'),
    ])
    .transform(Number)
    .pipe(bounds);

export const sloSchema = z.strictObject({
  apiVersion: z.string().describe('sre.google.com/v2'),
  kind: z.literal('ServiceLevelObjective'),
  metadata: z.looseObject({
    name: z.string().min(1).describe('Unique SLO name; becomes the report name.'),
    labels: z
      .record(z.string(), labelValue)
      .optional()
      .describe('Free-form labels; service_name, feature_name and slo_name by convention.'),
  }),
  spec: z.strictObject({
    description: z.string(),
    backend: z
      .string()
      .min(1)
      .describe('Key in the shared config `backends` (`prometheus`, `prometheus/prod`, `a.b.Class`).'),
    method: z
      .string()
      .min(1)
      .describe('Backend method: good_bad_ratio, query_sli, distribution_cut, or a plugin method.'),
    exporters: z
      .array(z.string())
      .nullable()
      .optional()
      .transform((v) => v ?? undefined)
      .describe('Keys in the shared config `exporters`.'),
    error_budget_policy: z
      .string()
      .optional()
      .describe('Key in `error_budget_policies`; defaults to "default".'),
    service_level_indicator: z
      .record(z.string(), z.unknown())
      .nullable()
      .transform((v) => v ?? {})
      .describe('Backend- and method-specific SLI fields.'),
    goal: pythonFloat(z.number().min(0).max(1)).describe('SLO target between 0 and 1, e.g. 0.999.'),
  }),
});

export const policyStepSchema = z
  .strictObject({
    name: z.string().min(1),
    window: durationSchema({
      integer: true,
      description: 'Measurement window: seconds (slo-generator) or a duration such as 1h, 7d, 28d.',
    }),
    burn_rate_threshold: pythonFloat(z.number().nonnegative()),
    alert: z
      .boolean()
      .optional()
      .describe('Accepted for compatibility; the computed burn rate decides alerting.'),
    message_alert: z.string().default(''),
    message_ok: z.string().default(''),
    short_window: durationSchema({
      integer: true,
      description:
        'slokit: short window of a multiwindow alert (SRE workbook), shorter than `window`, e.g. 5m for 1h; the step alerts only when both windows burn above the threshold.',
    }).optional(),
  })
  .superRefine((step, ctx) => {
    if (step.short_window !== undefined && step.short_window >= step.window) {
      ctx.addIssue({
        code: 'custom',
        path: ['short_window'],
        message: `expected a short_window shorter than window (${step.window} s), got ${step.short_window} s`,
      });
    }
  });

/**
 * The shared config without its optional sections (`events` and serve's, see SHARED_CONFIG_SECTIONS): what
 * slo-generator's shared config holds. A valid config without those sections gives the same value under this
 * schema as under the whole one (`sharedConfigSchema` in shared-config-schema.ts), whose section schemas are
 * only loaded for a config that has one or has a problem (loadSharedConfig): `compute` on a slo-generator
 * config does not pay for them.
 */
export const sharedConfigCoreSchema = z.strictObject({
  backends: z.record(z.string(), pluginBlock).default({}),
  exporters: z.record(z.string(), pluginBlock).default({}),
  error_budget_policies: z.record(z.string(), z.strictObject({ steps: z.array(policyStepSchema).min(1) })),
  default_exporters: z.array(z.string()).default([]),
  min_valid_events: minValidEventsSchema.optional(),
  call_timeout: secondsSchema('call_timeout')
    .optional()
    .describe('Seconds a backend call, exporter call or plugin module load may take (default 60).'),
  exporter_retry: z
    .strictObject({
      attempts: z
        .number()
        .int()
        .positive()
        .default(3)
        .describe('Attempts per report and exporter, first included.'),
      backoff_ms: z
        .number()
        .nonnegative()
        .default(200)
        .describe('Delay before the first retry; doubled each retry.'),
    })
    .optional()
    .describe('Retry policy of exports.'),
  pubsub_batch_handler: z
    .looseObject({})
    .optional()
    .describe('Accepted for slo-generator compatibility; unused.'),
});

/** Top-level keys of the shared config whose schemas live in shared-config-schema.ts (all optional). */
export const SHARED_CONFIG_SECTIONS: readonly string[] = [
  'events',
  'server',
  'slos',
  'schedule',
  'keptn',
  'providers',
  'history',
];
