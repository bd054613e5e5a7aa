/**
 * Schema of slokit.yaml's `events:` section: slokit's own way to configure the event pipeline, for users
 * without an slo-exporter config (events-section.ts compiles it to a PipelineSpec). snake_case, as the rest
 * of slokit's config; objects are strict. Only structure and syntax are checked here (types, regexps,
 * relabel steps, the listen address), so `slokit validate` and `slokit schema` use it without touching files.
 */
import * as z from 'zod';
import { durationSchema } from '../../config/fields.js';
import { compileGoRegexp, GoRegexpSyntaxError } from '../../lang/re2.js';
import { RelabelConfigError, relabelConfig } from '../relabel.js';
import { parseListenAddress } from './listen-address.js';
import { TIMESTAMP_FORMATS } from './timestamp-formats.js';

/** Log line formats of a file source; `combined` and `common` are presets (see log-formats.ts). */
export const LOG_FORMATS = ['json', 'regexp', 'combined', 'common'] as const;

/** A non-empty name (a metadata key, a label name). */
const name = z.string().min(1);

/** A scalar read as text: YAML makes `404` a number, Prometheus' relabel fields take it as text. */
const text = z.union([z.string(), z.number()]).transform(String);

/** Adds an issue at `path` when `pattern` is not valid Go (RE2) syntax. */
function checkRegexp(pattern: string | undefined, path: PropertyKey[], ctx: z.RefinementCtx): void {
  if (pattern === undefined) return;
  try {
    compileGoRegexp(pattern);
  } catch (error) {
    if (!(error instanceof GoRegexpSyntaxError)) throw error;
    ctx.addIssue({ code: 'custom', path, message: `invalid regexp: ${error.message}` });
  }
}

const seconds = (description: string) => durationSchema({ integer: false, description });

/** One followed file of `sources`. */
export const sourceSchema = z
  .strictObject({
    file: name.describe('The log file to follow (relative to the config file).'),
    format: z
      .enum(LOG_FORMATS, { error: `expected one of: ${LOG_FORMATS.join(', ')}` })
      .describe(
        'json: one JSON object per line; regexp: `regexp` with named groups; combined / common: the nginx and Apache access log formats.',
      ),
    regexp: z
      .string()
      .min(1)
      .optional()
      .describe(
        'With format regexp: Go (RE2) syntax; each named group `(?P<name>...)` becomes a metadata key.',
      ),
    empty_value: z
      .string()
      .optional()
      .describe(
        'Groups whose value matches this regexp are left out (slo-exporter emptyGroupRE); default "^$", "^-?$" for the presets.',
      ),
    follow: z
      .boolean()
      .default(true)
      .describe('Keep following after the end (tail -F); false stops at the end.'),
    position_file: name
      .optional()
      .describe('Where the read position is kept across restarts; default <file>.pos.'),
    position_interval: seconds('How often the position is saved; default 2s.').optional(),
    timestamp: z
      .strictObject({
        field: name.describe('The metadata key holding the event time (time_local for combined / common).'),
        format: z
          .enum(TIMESTAMP_FORMATS, { error: `expected one of: ${TIMESTAMP_FORMATS.join(', ')}` })
          .describe(
            'clf: 10/Oct/2000:13:55:36 -0700; rfc3339: 2000-10-10T13:55:36Z; unix: seconds (fractional allowed); unix_ms: milliseconds.',
          ),
      })
      .optional()
      .describe(
        'Count events in the buckets of the time they carry (replaying a past log); default: the time they are read. An event whose field is missing or does not parse is counted at the time it is read (slokit_events_timestamp_unparsed_total).',
      ),
  })
  .superRefine((source, ctx) => {
    if (source.format === 'regexp' && source.regexp === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['regexp'],
        message: 'format regexp needs a "regexp" with named groups',
      });
    if (source.format !== 'regexp' && source.regexp !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['regexp'],
        message: `"regexp" is only read with format regexp (format is ${source.format})`,
      });
    checkRegexp(source.regexp, ['regexp'], ctx);
    checkRegexp(source.empty_value, ['empty_value'], ctx);
  });

/** A Prometheus `relabel_config` (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#relabel_config). */
const relabelStepSchema = z
  .strictObject({
    source_labels: z.array(name).optional(),
    separator: text.optional(),
    regex: text.optional(),
    target_label: z.string().optional(),
    replacement: text.optional(),
    modulus: z.number().int().positive().optional(),
    action: z.string().optional(),
  })
  .transform((fields, ctx) => {
    try {
      return relabelConfig(fields);
    } catch (error) {
      if (!(error instanceof RelabelConfigError)) throw error;
      // A missing field is reported at the step, a wrong one at the field.
      const at = error.field && fields[error.field] !== undefined ? [error.field] : [];
      ctx.addIssue({ code: 'custom', path: at, message: error.message });
      return z.NEVER;
    }
  });

const classificationFields = {
  domain: name.optional(),
  class: name.optional(),
  app: name.optional(),
};

/** The `events:` section of slokit.yaml. */
export const eventsSectionSchema = z.strictObject({
  listen: z
    .string()
    .default('127.0.0.1:8080')
    .transform((value, ctx) => {
      const parsed = parseListenAddress(value);
      if ('address' in parsed) return parsed.address;
      ctx.addIssue({ code: 'custom', message: parsed.error });
      return z.NEVER;
    })
    .describe('host:port of the HTTP server (/metrics, POST /api/events); --listen overrides it.'),
  shutdown_timeout: seconds('Longest wait for the pipeline to drain on shutdown; default 20s.').optional(),
  shutdown_delay: seconds(
    'Wait after the pipeline drained before the server closes; default none.',
  ).optional(),
  sources: z
    .array(sourceSchema)
    .default([])
    .describe('Followed log files; events also come from POST /api/events and --stdin.'),
  fields: z
    .strictObject({
      ...classificationFields,
      event_key: name.optional(),
      quantity: name.optional(),
      result: name.optional(),
    })
    .optional()
    .describe(
      'Metadata keys holding the classification, event key, quantity and result (defaults slo_domain, slo_class, slo_app, event_key, quantity, slo_result).',
    ),
  relabel: z
    .array(relabelStepSchema)
    .optional()
    .describe('Prometheus relabel_config steps over event metadata, applied first (filter, normalise).'),
  event_key: z
    .strictObject({
      metadata_keys: z.array(name).min(1),
      separator: z.string().default(':'),
      override: z
        .boolean()
        .default(true)
        .describe('Replace an event key the event already has (false: only fill a missing one).'),
    })
    .optional()
    .describe('Build the event key from metadata values, joined (missing keys skipped).'),
  classification: z
    .strictObject(classificationFields)
    .optional()
    .describe('Static classification for the parts an event does not carry.'),
  rules_files: z
    .array(name)
    .min(1, 'at least one rule file is needed: without rules no event becomes an SLO event')
    .describe('slo-exporter rule files (sloEventProducer format), relative to the config file.'),
  expose_rules_as_metrics: z
    .boolean()
    .default(false)
    .describe('Expose rule thresholds as slo_exporter_slo_event_producer_slo_rules_threshold.'),
  counters: z
    .strictObject({
      metric_name: name.optional().describe('Default slo_events_total.'),
      max_event_keys: z
        .number()
        .int()
        .nonnegative()
        .default(1000)
        .describe('Distinct event keys counted; later keys are counted under the placeholder. 0: no limit.'),
      exceeded_key_placeholder: name.optional().describe('Default cardinalityLimitExceeded.'),
      label_names: z
        .strictObject({
          result: name.optional(),
          ...classificationFields,
          event_key: name.optional(),
        })
        .optional(),
    })
    .default({ max_event_keys: 1000 })
    .describe('The SLO event counters on /metrics (slo-exporter prometheusExporter).'),
  store: z
    .strictObject({
      enabled: z.boolean().default(true),
      path: name.default('.slokit/history.db').describe('History database (relative to the config file).'),
      retention: seconds('How long per-minute buckets are kept; default 35d.').optional(),
      flush_interval: seconds('How often buckets and positions are written; default 10s.').optional(),
      max_series: z.number().int().positive().default(10_000).describe('Most distinct series counted.'),
    })
    .default({ enabled: true, path: '.slokit/history.db', max_series: 10_000 })
    .describe('The windowed event store read by the `events` backend.'),
});

/** The validated `events:` section. */
export type EventsSection = z.output<typeof eventsSectionSchema>;
