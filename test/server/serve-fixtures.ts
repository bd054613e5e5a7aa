/**
 * A slokit.yaml in a temp directory for serve tests: a plugin backend answering fixed counts per SLO (no
 * external service), SLO files under slos/, and `serve()` started in this process on 127.0.0.1:0.
 */
import { vi } from 'vitest';
import { serve } from '../../src/cli/serve-work.js';
import type { Logger } from '../../src/engine/logger.js';
import { tempDir } from '../helpers/tmp.js';

/** good/bad counts the fixture backend answers, by SLO name (others: 999/1; "failing" throws). */
const BACKEND = `export class FixedBackend {
  constructor(config = {}) { this.config = config; }
  good_bad_ratio(_timestamp, _window, slo) {
    if (slo.metadata.name === 'failing') throw new Error('backend down');
    const counts = { burning: [9985, 15], alerting: [500, 500] };
    return counts[slo.metadata.name] ?? [999, 1];
  }
}
`;

export const POLICY = `error_budget_policies:
  default:
    steps:
      - { name: 1h, window: 3600, burn_rate_threshold: 9 }
      - { name: 1d, window: 86400, burn_rate_threshold: 2 }
`;

/** An SLO file of the fixture backend. */
export function sloFile(name: string, goal = 0.999): string {
  return `apiVersion: sre.google.com/v2
kind: ServiceLevelObjective
metadata: { name: ${name}, labels: { service_name: shop, feature_name: ${name}, slo_name: availability } }
spec:
  description: ${name} availability
  backend: fixed.FixedBackend
  method: good_bad_ratio
  service_level_indicator: {}
  goal: ${goal}
`;
}

/** A logger keeping its lines; `url` resolves at "slokit serving". */
export function recordingLogger() {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  let resolveUrl!: (url: string) => void;
  const url = new Promise<string>((resolve) => {
    resolveUrl = resolve;
  });
  const log = (level: string) => (fields: object, message: string) => {
    lines.push({ level, fields: fields as Record<string, unknown>, message });
    if (message === 'slokit serving') resolveUrl((fields as { url: string }).url);
  };
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  return { logger, lines, url };
}

/**
 * Writes the fixture (`extra`: more slokit.yaml text; `files` written last, so they may replace fixed.js) and
 * starts serve, waiting until it is ready unless `waitReady` is false; `stop()` shuts it down.
 */
export async function startServe(
  options: { slos?: string[]; extra?: string; files?: Record<string, string>; waitReady?: boolean } = {},
) {
  const dir = tempDir('slokit-serve-');
  dir.write('fixed.js', BACKEND);
  for (const name of options.slos ?? ['checkout', 'burning', 'alerting'])
    dir.write(`slos/${name}.yaml`, sloFile(name));
  for (const [path, text] of Object.entries(options.files ?? {})) dir.write(path, text);
  const config = dir.write(
    'slokit.yaml',
    `backends:\n  fixed.FixedBackend: {}\n${POLICY}slos: [slos/*.yaml]\n${options.extra ?? ''}`,
  );
  const { logger, lines, url } = recordingLogger();
  const stop = new AbortController();
  const stdout: string[] = [];
  const done = serve({
    config,
    listen: '127.0.0.1:0',
    logger,
    stop: stop.signal,
    stdout: { write: (text: string) => stdout.push(text) } as unknown as NodeJS.WritableStream,
  });
  const base = await Promise.race([
    url,
    done.then(() => Promise.reject(new Error('serve ended before listening'))),
  ]);
  if (options.waitReady ?? true)
    await vi.waitFor(async () => expect200(await fetch(`${base}/readyz`)), { timeout: 10_000 });
  return {
    base,
    dir,
    config,
    lines,
    stdout,
    done,
    async stop() {
      stop.abort();
      const code = await done;
      dir.cleanup();
      return code;
    },
  };
}

function expect200(response: Response): void {
  if (response.status !== 200) throw new Error(`readyz ${response.status}`);
}
