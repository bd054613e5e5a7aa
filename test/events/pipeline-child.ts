/**
 * An `events run` process for the crash and signal tests, as the CLI runs it (runUntilSignalled, pino logs on
 * stderr with the "events server listening" line) but with the test pipeline of pipeline-fixtures.ts, since
 * the config loaders live elsewhere. argv[2] is JSON: { log?, follow?, database?, flushIntervalMs?,
 * slowMicros? (busy time per event, so a test can kill it mid-file), afterDelayMs?, stdin?, printMetrics? }.
 */
import { runUntilSignalled } from '../../src/cli/events-pipeline.js';
import { createLogger } from '../../src/cli/logger.js';
import type { EventProcessor } from '../../src/events/pipeline-event.js';
import { fileSource, pipelineSpec } from './pipeline-fixtures.js';

const options = JSON.parse(process.argv[2]!) as {
  log?: string;
  follow?: boolean;
  database?: string;
  flushIntervalMs?: number;
  slowMicros?: number;
  afterDelayMs?: number;
  stdin?: boolean;
  printMetrics?: boolean;
};
const slow: EventProcessor = {
  moduleName: 'slow',
  process(event) {
    const until = performance.now() + (options.slowMicros ?? 0) / 1000;
    while (performance.now() < until) {
      // Busy: a stage slower than the file.
    }
    return event;
  },
  families: () => [],
};
const base = pipelineSpec();
const spec = pipelineSpec({
  sources: options.log ? [fileSource(options.log, { follow: options.follow ?? false })] : [],
  processors: [...base.processors, slow],
  afterPipelineShutdownDelayMs: options.afterDelayMs ?? 0,
  store: options.database
    ? {
        database: options.database,
        retentionSeconds: 86_400,
        flushIntervalMs: options.flushIntervalMs ?? 1000,
        maxSeries: 1000,
      }
    : undefined,
});
const code = await runUntilSignalled(
  spec,
  {
    logger: createLogger('info'),
    stdin: options.stdin ? process.stdin : undefined,
    printMetrics: options.printMetrics ? process.stdout : undefined,
  },
  (exitCode) => process.exit(exitCode),
);
process.stdout.write('', () => process.exit(code));
