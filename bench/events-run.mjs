/**
 * Benchmark: the event pipeline of `slokit events run` (src/events/pipeline-runner.ts), in process.
 *
 *   npm run build && node bench/events-run.mjs
 *
 * A BENCH_EVENT_LINES-line (1,000,000) access log with `follow: false` goes through the runner: the tailer's
 * regexp parsing (named groups, Go syntax), two relabel steps (drop /health, endpoint from the path), an event
 * key, a classification, two rules, the counters, and the windowed event store (with a final SQLite flush).
 * Same-run baseline: a loop that only reads the file and runs the same parse regexp on each line. Rounds
 * interleaved, median wall time; target: the pipeline at >= 0.6 of the baseline's lines/s. Checked: both
 * see the same lines and the same malformed ones, and the counters count every classified event.
 * The relabel, event key and classification processors are stand-ins built here from the library functions
 * (the pipeline's processor modules are configured from files); the machine's load is printed.
 *
 * Environment: BENCH_EVENT_LINES (1000000), BENCH_REPEAT (3).
 */
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_EVENT_FIELDS } from '../dist/events/event-fields.js';
import { regexpLineParser } from '../dist/events/line-parsers.js';
import { PipelineRunner } from '../dist/events/pipeline-runner.js';
import { PipelineStore } from '../dist/events/pipeline-store.js';
import { relabel, relabelConfig } from '../dist/events/relabel.js';
import { parseRulesFile } from '../dist/events/rules-file.js';
import { median } from './lib/timing.mjs';

const LINES = Number(process.env.BENCH_EVENT_LINES ?? 1_000_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const PATTERN =
  '^(?P<ip>\\S+) \\S+ \\S+ \\[(?P<time>[^\\]]*)\\] "(?P<method>\\S+) (?P<path>\\S+) \\S+" (?P<statusCode>\\d+) \\d+ "[^"]*" "(?P<userAgent>[^"]*)" rt=(?P<requestDuration>\\S+)$';
const RULES = `rules:
  - slo_matcher: {domain: web}
    failure_conditions:
      - {operator: numberIsEqualOrHigherThan, key: statusCode, value: 500}
    additional_metadata: {slo_type: availability}
  - slo_matcher: {domain: web}
    failure_conditions:
      - {operator: numberIsHigherThan, key: requestDuration, value: 1.5}
    additional_metadata: {slo_type: latency}
`;
let failed = false;
const check = (ok, message) => {
  if (!ok) {
    failed = true;
    console.error(`CHECK FAILED: ${message}`);
  }
};

const dir = mkdtempSync(join(tmpdir(), 'slokit-bench-events-run-'));
const log = join(dir, 'access.log');
const paths = ['/api/v1/users', '/api/v1/orders', '/health', '/static/app.js', '/api/v2/search'];
const parts = [];
for (let i = 0; i < LINES; i++) {
  const status = i % 50 === 0 ? 503 : i % 17 === 0 ? 404 : 200;
  parts.push(
    i % 100_000 === 99_999
      ? 'a malformed line\n'
      : `10.0.${i % 256}.${(i >> 8) % 256} - - [30/Nov/2026:07:00:00 +0000] "GET ${paths[i % 5]}/${i % 2000} HTTP/1.1" ${status} 512 "-" "curl/8.0" rt=${((i * 7919) % 2000) / 1000}\n`,
  );
}
writeFileSync(log, parts.join(''));
parts.length = 0;

const parse = regexpLineParser(PATTERN, '^-$');

async function baseline() {
  let lines = 0;
  let malformed = 0;
  let pending = '';
  for await (const chunk of createReadStream(log, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
    const text = pending + chunk;
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      lines++;
      if (!parse(text.slice(start, newline))) malformed++;
      start = newline + 1;
    }
    pending = text.slice(start);
  }
  return { lines, malformed };
}

const steps = [
  relabelConfig({ action: 'drop', source_labels: ['path'], regex: '/health.*' }),
  relabelConfig({
    action: 'replace',
    source_labels: ['path'],
    regex: '(/api/v[0-9]+/[a-z]+)/.*',
    target_label: 'endpoint',
  }),
];
const processors = [
  {
    moduleName: 'relabel',
    process: (event) => {
      const metadata = relabel(event.metadata, steps);
      return metadata ? { ...event, metadata } : undefined;
    },
    families: () => [],
  },
  {
    moduleName: 'eventKeyGenerator',
    process: (event) => {
      event.metadata.__eventKey = `${event.metadata.method}:${event.metadata.endpoint ?? 'other'}`;
      return event;
    },
    families: () => [],
  },
  {
    moduleName: 'metadataClassifier',
    process: (event) => {
      event.classification = { domain: 'web', class: 'critical', app: 'frontend' };
      return event;
    },
    families: () => [],
  },
];

async function pipeline(round) {
  const spec = {
    file: 'bench',
    listenAddress: '127.0.0.1:0',
    maximumGracefulShutdownMs: 1000,
    afterPipelineShutdownDelayMs: 0,
    sources: [
      {
        path: log,
        follow: false,
        positionFile: join(dir, `pos-${round}.json`),
        positionPersistenceIntervalMs: 2000,
        parse,
      },
    ],
    processors,
    producer: { rules: parseRulesFile(RULES, 'rules.yaml').rules, exposeRulesAsMetrics: false },
    exporter: { maximumUniqueEventKeys: 1000 },
    fields: DEFAULT_EVENT_FIELDS,
    store: {
      database: join(dir, `history-${round}.db`),
      retentionSeconds: 86_400,
      flushIntervalMs: 1000,
      maxSeries: 10_000,
    },
  };
  const now = Date.now() / 1000;
  const store = PipelineStore.open(spec.store, now);
  const runner = new PipelineRunner(spec, { store: store.events });
  await runner.start();
  await runner.ended();
  store.flush(runner.snapshotPositions(), Date.now() / 1000);
  store.close();
  const value = (name) => runner.families().find((f) => f.name === name)?.samples[0]?.value;
  return {
    lines: value('slo_exporter_tailer_lines_read_total'),
    malformed: value('slo_exporter_tailer_malformed_lines_total'),
    sloEvents: runner.classifier.stats.sloEvents,
    processed: runner.classifier.stats.processed,
  };
}

/** Wall and CPU (user + system, this process) milliseconds of `work`. */
async function measure(work) {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(cpu);
  return { result, wall: performance.now() - wall, cpu: (used.user + used.system) / 1000 };
}

const times = { baseline: [], pipeline: [], baselineCpu: [], pipelineCpu: [] };
for (let round = 0; round < REPEAT; round++) {
  const { result: base, wall: baseWall, cpu: baseCpu } = await measure(baseline);
  times.baseline.push(baseWall);
  times.baselineCpu.push(baseCpu);
  const { result: run, wall: runWall, cpu: runCpu } = await measure(() => pipeline(round));
  times.pipeline.push(runWall);
  times.pipelineCpu.push(runCpu);
  check(base.lines === run.lines, `lines read: baseline ${base.lines}, pipeline ${run.lines}`);
  check(base.malformed === run.malformed, `malformed: baseline ${base.malformed}, pipeline ${run.malformed}`);
  check(run.sloEvents === 2 * run.processed, `every classified event gives 2 SLO events (${run.sloEvents})`);
}
rmSync(dir, { recursive: true, force: true });
const rate = (ms) => `${((LINES / ms) * 1000).toFixed(0)} lines/s`;
const load = loadavg().map((l) => l.toFixed(1));
console.log(`load average ${load.join(' ')}; ${LINES} lines, median of ${REPEAT}`);
// CPU time too: on a machine shared with other work, wall time partly measures the others.
const phases = [
  ['wall', median(times.baseline), median(times.pipeline)],
  ['cpu', median(times.baselineCpu), median(times.pipelineCpu)],
];
for (const [label, baseMs, runMs] of phases) {
  const ratio = baseMs / runMs;
  console.log(`  ${label}: baseline (read + parse regexp) ${baseMs.toFixed(0)} ms, ${rate(baseMs)}`);
  console.log(
    `  ${label}: pipeline (+ relabel, key, classify, count, store) ${runMs.toFixed(0)} ms, ${rate(runMs)}`,
  );
  console.log(`  ${label}: ratio ${ratio.toFixed(2)}; target >= 0.6: ${ratio >= 0.6 ? 'met' : 'NOT met'}`);
}
if (failed) process.exitCode = 1;
