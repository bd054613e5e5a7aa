/**
 * Schemas of the slokit.yaml sections `slokit serve` reads beside the shared config (contract:
 * `server`, `slos`, `schedule`, `keptn` (src/keptn/keptn-config.ts), `providers`, `history`; `events` has its
 * own schema). Each section is
 * optional, so one file serves `compute -c`, `events run -c` and `serve -c` alike. Pure zod: no file access,
 * so `slokit validate` and `slokit schema` use it as is.
 */
import * as z from 'zod';
import { parseListenAddress } from '../events/pipeline-config/listen-address.js';
import { keptnSectionSchema } from '../keptn/keptn-config.js';
import { durationSchema } from './fields.js';

/** Default listen address of `slokit serve`. */
export const DEFAULT_SERVE_LISTEN = '127.0.0.1:8080';
/** Default largest request body of `slokit serve`: 10 MiB. */
export const DEFAULT_SERVE_BODY_LIMIT = 10 * 1024 * 1024;
/** Default compute interval of the scheduler, seconds. */
export const DEFAULT_SCHEDULE_INTERVAL = 60;

const BYTE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};
const BYTES_EXPECTED =
  'expected a positive whole number of bytes or a size such as "512KiB", "10MiB", "1GB" (units B, KB, MB, GB, KiB, MiB, GiB)';

/** A size in bytes: `1048576` or `10MiB`; output bytes (a whole number). */
export const byteSizeSchema = z
  .union([z.number(), z.string()], { error: BYTES_EXPECTED })
  .transform((value, ctx) => {
    const match = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value) : undefined;
    const unit = match ? (match[2] || 'b').toLowerCase() : 'b';
    const factor = Object.hasOwn(BYTE_UNITS, unit) ? BYTE_UNITS[unit] : undefined;
    const bytes =
      typeof value === 'number' ? value : match && factor ? Number(match[1]) * factor : Number.NaN;
    if (!Number.isSafeInteger(bytes) || bytes <= 0) {
      ctx.addIssue({ code: 'custom', message: `${BYTES_EXPECTED}, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return bytes;
  });

/** `host:port`, normalised (an empty host becomes 0.0.0.0). */
const listenSchema = z.string().transform((value, ctx) => {
  const parsed = parseListenAddress(value);
  if ('address' in parsed) return parsed.address;
  ctx.addIssue({ code: 'custom', message: parsed.error });
  return z.NEVER;
});

export const serverSectionSchema = z
  .strictObject({
    listen: listenSchema
      .optional()
      .describe(`host:port to listen on (default ${DEFAULT_SERVE_LISTEN}; --listen overrides it).`),
    auth_token: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Bearer token every POST endpoint requires (read it from the environment, e.g. $SLOKIT_TOKEN); none: writes are open.',
      ),
    body_limit: byteSizeSchema
      .optional()
      .describe('Largest request body, bytes or a size such as "10MiB" (default 10MiB).'),
  })
  .describe('The HTTP server of `slokit serve`.');

export const slosSectionSchema = z
  .array(z.string().min(1))
  .min(1)
  .describe(
    'SLO files, directories, or file-name globs (`slos/*.yaml`), relative to this file; read by `slokit serve` and `slokit validate -c`.',
  );

const intervalSchema = (description: string) => durationSchema({ integer: false, description });

export const scheduleSectionSchema = z
  .strictObject({
    interval: intervalSchema('How often every SLO is computed (default 1m).').optional(),
    overrides: z
      .record(z.string(), intervalSchema('Interval of this SLO.'))
      .default({})
      .describe('Per-SLO interval, by SLO name (metadata.name).'),
  })
  .describe('When `slokit serve` computes the SLOs.');

export const historySectionSchema = z
  .strictObject({
    retention: durationSchema({ integer: false, description: 'Delete stored reports older than this.' })
      .optional()
      .describe('Delete stored reports older than this (e.g. 90d); default: keep everything.'),
    backfill: z
      .strictObject({
        lookback: durationSchema({ integer: false, description: 'How far back to backfill.' }),
        every: durationSchema({ integer: false, description: 'Spacing of backfilled reports.' }).default(
          3600,
        ),
      })
      .optional()
      .describe('Backfill on start when the history is empty.'),
  })
  .describe('The report history of `slokit serve` (<data-dir>/history.db).');

/** The serve sections, to spread into the shared config schema. */
export const serveSections = {
  server: serverSectionSchema.optional(),
  slos: slosSectionSchema.optional(),
  schedule: scheduleSectionSchema.optional(),
  keptn: keptnSectionSchema
    .optional()
    .describe(
      'slokit as a Keptn SLI provider: `slokit serve` answers get-sli.triggered CloudEvents POSTed to /keptn/event.',
    ),
  providers: z
    .record(z.string(), z.string().min(1))
    .optional()
    .describe('Iter8-style metric provider files or URLs, by key.'),
  history: historySectionSchema.optional(),
};
