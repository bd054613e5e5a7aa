/**
 * Sloth `prometheus/v1` SLO specs (https://github.com/slok/sloth, `pkg/prometheus/api/v1`; facts in
 * shared/reference/prometheus.md §4.1), checked as Sloth checks them: names match
 * `^[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]$`, objective in (0, 100], exactly one of `sli.events` / `sli.raw`,
 * every query holds `{{.window}}` and parses as PromQL once rendered, error and total queries differ, label
 * names are Prometheus label names (not `__name__`), label and annotation values are not empty, and
 * `alerting.name` is set unless both alerts are disabled. Unknown fields are errors (with did-you-mean).
 * Sloth plugins (`slo_plugins`, `sli.plugin`, `plugins`) are refused: slokit does not run them.
 */
import * as z from 'zod';
import { promqlSyntaxError } from '../backends/prometheus-query.js';

/** Sloth's `{{ .window }}` placeholder (any spaces inside the braces). */
export const WINDOW_PLACEHOLDER = /\{\{ *\.window *\}\}/g;

/** A Sloth query with its placeholder replaced by `range`. */
export const renderWindow = (query: string, range: string) => query.replace(WINDOW_PLACEHOLDER, range);

const NAME = /^[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]$/;
const name = z.string().regex(NAME, `expected a name matching ${NAME.source}`);

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const labels = z.record(
  z
    .string()
    .regex(LABEL_NAME, 'label names must match [a-zA-Z_][a-zA-Z0-9_]*')
    .refine((k) => k !== '__name__', 'label name __name__ is reserved'),
  z.string().min(1, 'label values must not be empty'),
);
const annotations = z.record(z.string(), z.string().min(1, 'annotation values must not be empty'));

/** A query with `{{.window}}` that parses as PromQL with a 1m window. */
const windowQuery = z.string().superRefine((query, ctx) => {
  if (!new RegExp(WINDOW_PLACEHOLDER.source).test(query)) {
    ctx.addIssue({ code: 'custom', message: 'the query must contain the {{.window}} placeholder' });
    return;
  }
  const error = promqlSyntaxError(renderWindow(query, '1m'));
  if (error) ctx.addIssue({ code: 'custom', message: `${error} (with {{.window}} = 1m)` });
});

const unsupportedPlugins = z.unknown().superRefine((value, ctx) => {
  if (value !== undefined && value !== null)
    ctx.addIssue({ code: 'custom', message: 'Sloth plugins are not supported by slokit; remove them' });
});

const alert = z.strictObject({
  disable: z.boolean().default(false),
  labels: labels.default({}),
  annotations: annotations.default({}),
});

const sloSpec = z.strictObject({
  name,
  objective: z.number().gt(0, 'objective must be above 0').lte(100, 'objective must be at most 100'),
  description: z.string().optional(),
  labels: labels.default({}),
  plugins: unsupportedPlugins.optional(),
  sli: z
    .strictObject({
      events: z
        .strictObject({ error_query: windowQuery, total_query: windowQuery })
        .refine((e) => e.error_query.trim() !== e.total_query.trim(), {
          message: 'error_query and total_query must differ',
          path: ['total_query'],
        })
        .optional(),
      raw: z.strictObject({ error_ratio_query: windowQuery }).optional(),
      plugin: unsupportedPlugins.optional(),
    })
    .refine((s) => (s.events === undefined) !== (s.raw === undefined) || s.plugin !== undefined, {
      message: 'exactly one of sli.events and sli.raw is required',
    }),
  alerting: z
    .strictObject({
      name: name.optional(),
      labels: labels.default({}),
      annotations: annotations.default({}),
      page_alert: alert.default({ disable: false, labels: {}, annotations: {} }),
      ticket_alert: alert.default({ disable: false, labels: {}, annotations: {} }),
    })
    .refine((a) => a.name !== undefined || (a.page_alert.disable && a.ticket_alert.disable), {
      message: 'alerting.name is required unless both page_alert and ticket_alert are disabled',
      path: ['name'],
    }),
});

/** Schema of one Sloth `prometheus/v1` spec document. */
export const slothSpecSchema = z
  .strictObject({
    version: z.literal('prometheus/v1', { error: 'expected version "prometheus/v1"' }),
    service: name,
    labels: labels.default({}),
    slo_plugins: unsupportedPlugins.optional(),
    slos: z.array(sloSpec).min(1, 'at least one SLO is required'),
  })
  .superRefine((spec, ctx) => {
    const seen = new Set<string>();
    spec.slos.forEach((slo, i) => {
      if (seen.has(slo.name))
        ctx.addIssue({
          code: 'custom',
          path: ['slos', i, 'name'],
          message: `duplicate SLO name ${slo.name}`,
        });
      seen.add(slo.name);
    });
  });

export type SlothSpec = z.output<typeof slothSpecSchema>;
export type SlothSlo = SlothSpec['slos'][number];
