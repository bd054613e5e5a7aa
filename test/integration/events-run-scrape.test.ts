/**
 * End to end: a real Prometheus (Debian package) scrapes `events run` (runPipeline, in process, tailing a
 * file) every second; it negotiates OpenMetrics, so this also checks that exposition against Prometheus' own
 * parser. Prometheus must see the counters with the counts of the file.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runPipeline } from '../../src/cli/events-pipeline.js';
import { expectedCounts, fileSource, logLines, pipelineSpec } from '../events/pipeline-fixtures.js';
import { type PrometheusServer, startScrapingPrometheus } from '../helpers/prometheus.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('slokit-events-scrape-');
const stop = new AbortController();
let run: Promise<number>;
let prometheus: PrometheusServer;

beforeAll(async () => {
  const log = dir.write('access.log', logLines(1000));
  let listening!: (url: string) => void;
  const url = new Promise<string>((resolve) => {
    listening = resolve;
  });
  const ignore = () => {};
  const logger = {
    debug: ignore,
    warn: ignore,
    error: ignore,
    info: (fields: object, message: string) => {
      if (message === 'events server listening') listening((fields as { url: string }).url);
    },
  };
  run = runPipeline(pipelineSpec({ sources: [fileSource(log, { follow: true })] }), {
    logger,
    stop: stop.signal,
  });
  const target = new URL(await url).host;
  prometheus = await startScrapingPrometheus([{ name: 'slokit-events', targets: [target] }]);
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  stop.abort();
  await run;
  dir.cleanup();
});

it('Prometheus scrapes the SLO event counters and the tailer metrics', async () => {
  // A scrape renders one exposition between two reads of the file: once it shows every line read, it shows
  // their SLO events too.
  await prometheus.waitFor('slo_exporter_tailer_lines_read_total == 1000', (s) => s.length === 1);
  const expected = expectedCounts(1000);
  const result = await prometheus.waitFor(
    'sum by (slo_type, result) ({__name__="slo_domain:slo_events_total", job="slokit-events"})',
    (samples) => samples.length === 4,
  );
  const values = Object.fromEntries(
    result.map((s) => [`${s.metric.slo_type} ${s.metric.result}`, s.value[1]]),
  );
  expect(values).toEqual({
    'availability success': String(expected.availability.good),
    'availability fail': String(expected.availability.bad),
    'latency success': String(expected.latency.good),
    'latency fail': String(expected.latency.bad),
  });
  const finest = await prometheus.waitFor(
    'count(slo_domain_slo_class_slo_app_event_key:slo_events_total)',
    (s) => s.length === 1,
  );
  // 2 event keys × 2 rules × 2 results.
  expect(finest[0]!.value[1]).toBe('8');
}, 60_000);
