/**
 * The whole shared config: the core of schema.ts plus the optional sections of slokit.yaml (`events`, and
 * `server`, `slos`, `schedule`, `keptn`, `providers`, `history` of serve-sections.ts). Kept apart from the
 * core so that loading a config without these sections never imports their schemas (the events section's
 * regexps, Keptn's, serve's: about 30 ms of start-up).
 */
import * as z from 'zod';
import { eventsSectionSchema } from '../events/pipeline-config/events-schema.js';
import { sharedConfigCoreSchema, sloSchema } from './schema.js';
import { serveSections } from './serve-sections.js';

export const sharedConfigSchema = sharedConfigCoreSchema.extend({
  events: eventsSectionSchema
    .optional()
    .describe('The event pipeline of `slokit events run -c` (log files → rules → SLO event counters).'),
  // slokit serve's sections (src/config/serve-sections.ts), all optional.
  ...serveSections,
});

/** The shared config as loaded: defaults applied, durations in seconds. */
export type SharedConfig = z.output<typeof sharedConfigSchema>;

/** JSON Schema of the config files (draft 2020-12), for editors and CI checks. */
export function jsonSchemas(): { slo: unknown; config: unknown } {
  const options = { io: 'input', unrepresentable: 'any' } as const;
  return {
    slo: { title: 'slokit SLO (slo-generator v2)', ...z.toJSONSchema(sloSchema, options) },
    config: { title: 'slokit shared config', ...z.toJSONSchema(sharedConfigSchema, options) },
  };
}
