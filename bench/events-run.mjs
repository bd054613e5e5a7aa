/**
 * Benchmark: `slokit events run` end to end, as a user runs it.
 *
 *   npm run build && node bench/events-run.mjs [--quick]
 *
 * A BENCH_EVENT_LINES-line (1,000,000) access log goes through a real `events run` process
 * (`node dist/cli/main.js events run --slo-exporter-config slo_exporter.yaml --no-store --print-metrics`) with
 * an slo-exporter root config: tailer (`follow: false`, regexp with named groups in Go syntax, `emptyGroupRE`)
 * → relabel (drop /health, endpoint from the path, domain, class and app set by replace steps with `$1` /
 * `${2}` expansions) → eventKeyGenerator (method:endpoint) → metadataClassifier → sloEventProducer (two
 * rules: availability and latency) → prometheusExporter. Same-run baseline: a process that only reads the
 * same file line by line and runs the same re2js parse regexp on each line (bench/lib/events-run-baseline.mjs).
 *
 * Rounds interleaved (baseline, pipeline, baseline, ...); wall time from spawn to exit and CPU time (user +
 * system) of each process, min and median: the machine is shared, so wall time partly measures other work,
 * and CPU time is printed beside it. Checked before any ratio is printed: both processes read the same lines
 * and find the same malformed ones, the counters of `/metrics` sum to twice the number of classified lines
 * (every classified line matches both rules; the bench knows which lines are classified from how it wrote
 * them), and the failures are those the bench expects. Target: events run at >= 0.6 of the baseline's lines/s.
 *
 * `--quick`: 200,000 lines and 3 rounds (a smoke run). Environment: BENCH_EVENT_LINES (1000000),
 * BENCH_ROUNDS (5).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChecked } from './lib/process.mjs';
import { interleaved, roundsFromEnv, summary, timingHeader, timingRow } from './lib/timing.mjs';

const QUICK = process.argv.includes('--quick');
const LINES = Number(process.env.BENCH_EVENT_LINES ?? (QUICK ? 200_000 : 1_000_000));
const ROUNDS = roundsFromEnv(QUICK ? 3 : 5);
const PATTERN =
  '^(?P<ip>\\S+) \\S+ \\S+ \\[(?P<time>[^\\]]*)\\] "(?P<method>\\S+) (?P<path>\\S+) \\S+" (?P<statusCode>\\d+) \\d+ "(?P<referer>[^"]*)" "(?P<userAgent>[^"]*)" rt=(?P<requestDuration>\\S+)$';
const EMPTY_GROUP = '^-$';

let failed = false;
const check = (ok, message) => {
  if (!ok) {
    failed = true;
    console.error(`CHECK FAILED: ${message}`);
  }
};

const dir = mkdtempSync(join(tmpdir(), 'slokit-bench-events-run-'));
try {
  const log = join(dir, 'access.log');
  const paths = ['/api/v1/users', '/api/v1/orders', '/health', '/static/app.js', '/api/v2/search'];
  const methods = ['GET', 'GET', 'GET', 'POST', 'HEAD', 'GET'];
  const expected = { malformed: 0, classified: 0, fails: 0 };
  const parts = [];
  for (let i = 0; i < LINES; i++) {
    if (i % 100_000 === 99_999) {
      parts.push('a malformed line\n');
      expected.malformed++;
      continue;
    }
    const status = i % 50 === 0 ? 503 : i % 17 === 0 ? 404 : 200;
    const path = paths[i % 5];
    const method = methods[i % 6];
    const seconds = ((i * 7919) % 2000) / 1000;
    // Classified: an /api/ path (domain) requested with GET or HEAD (class); apps come from every endpoint.
    if (path.startsWith('/api/') && (method === 'GET' || method === 'HEAD')) {
      expected.classified++;
      if (status >= 500) expected.fails++;
      if (seconds > 1.5) expected.fails++;
    }
    const referer = i % 3 === 0 ? '-' : 'https://example.com/';
    parts.push(
      `10.0.${i % 256}.${(i >> 8) % 256} - - [30/Nov/2026:07:00:00 +0000] "${method} ${path}/${i % 2000} HTTP/1.1" ${status} 512 "${referer}" "curl/8.0" rt=${seconds}\n`,
    );
  }
  writeFileSync(log, parts.join(''));
  parts.length = 0;
  writeFileSync(
    join(dir, 'slo_rules.yaml'),
    `rules:
  - slo_matcher: {domain: web}
    failure_conditions:
      - {operator: numberIsEqualOrHigherThan, key: statusCode, value: 500}
    additional_metadata: {slo_type: availability}
  - slo_matcher: {domain: web}
    failure_conditions:
      - {operator: numberIsHigherThan, key: requestDuration, value: 1.5}
    additional_metadata: {slo_type: latency}
`,
  );
  const config = join(dir, 'slo_exporter.yaml');
  writeFileSync(
    config,
    `webServerListenAddress: "127.0.0.1:0"
maximumGracefulShutdownDuration: "10s"
afterPipelineShutdownDelay: "0s"
pipeline: ["tailer", "relabel", "eventKeyGenerator", "metadataClassifier", "sloEventProducer", "prometheusExporter"]
modules:
  tailer:
    tailedFile: ${JSON.stringify(log)}
    follow: false
    reopen: false
    positionFile: ""
    loglineParseRegexp: ${JSON.stringify(PATTERN)}
    emptyGroupRE: ${JSON.stringify(EMPTY_GROUP)}
  relabel:
    eventRelabelConfigs:
      - {action: drop, source_labels: [path], regex: "/health.*"}
      - {source_labels: [path], regex: "(/api/v[0-9]+/[a-z]+)/.*", target_label: endpoint}
      - {source_labels: [path], regex: "/api/.*", target_label: slo_domain, replacement: web}
      - {source_labels: [method], regex: "GET|HEAD", target_label: slo_class, replacement: critical}
      - {source_labels: [endpoint], regex: "/api/(v[0-9]+)/([a-z]+)", target_label: slo_app, replacement: "\${2}-$1"}
  eventKeyGenerator:
    filedSeparator: ":"
    metadataKeys: [method, endpoint]
  metadataClassifier:
    sloDomainMetadataKey: slo_domain
    sloClassMetadataKey: slo_class
    sloAppMetadataKey: slo_app
  sloEventProducer:
    rulesFiles: ["slo_rules.yaml"]
  prometheusExporter:
    maximumUniqueEventKeys: 1000
`,
  );
  const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
  const baselineScript = fileURLToPath(new URL('./lib/events-run-baseline.mjs', import.meta.url));
  const runArgs = [main, 'events', 'run', '--slo-exporter-config', config, '--no-store', '--print-metrics'];
  const outputs = { baseline: [], pipeline: [] };
  const loadBefore = loadavg()[0];
  const results = await interleaved(
    [
      {
        name: 'baseline',
        run: async () => {
          const r = await runChecked(process.execPath, [baselineScript, log, PATTERN, EMPTY_GROUP]);
          outputs.baseline.push(r.stdout);
          return r;
        },
      },
      {
        name: 'pipeline',
        run: async () => {
          // Every round reads the whole file: no position kept from the round before.
          rmSync(`${log}.pos`, { force: true });
          const r = await runChecked(process.execPath, runArgs, { cwd: dir });
          outputs.pipeline.push(r.stdout);
          return r;
        },
      },
    ],
    ROUNDS,
  );

  // Outputs first: a ratio of runs that did different work means nothing.
  const sample = (text, name) => {
    const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    return match ? Number(match[1]) : Number.NaN;
  };
  /** The counter family with every label (prometheusExporter's finest aggregation level). */
  const FINEST = 'slo_domain_slo_class_slo_app_event_key:slo_events_total';
  /** Sum of the samples of `name` whose labels contain `labelText` ("" for all). */
  const sum = (text, name, labelText) => {
    let total = 0;
    for (const match of text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))) {
      if (match[1].includes(labelText)) total += Number(match[2]);
    }
    return total;
  };
  for (const [round, text] of outputs.baseline.entries())
    check(
      text === `lines: ${LINES}  malformed: ${expected.malformed}\n`,
      `baseline round ${round + 1}: ${text.trim()}`,
    );
  for (const [round, text] of outputs.pipeline.entries()) {
    const at = `pipeline round ${round + 1}`;
    const lines = sample(text, 'slo_exporter_tailer_lines_read_total');
    const malformed = sample(text, 'slo_exporter_tailer_malformed_lines_total');
    check(lines === LINES, `${at}: lines read ${lines}, baseline ${LINES}`);
    check(malformed === expected.malformed, `${at}: malformed ${malformed}, expected ${expected.malformed}`);
    const counted = sum(text, FINEST, '');
    check(
      counted === 2 * expected.classified,
      `${at}: SLO events ${counted}, expected ${2 * expected.classified}`,
    );
    const fails = sum(text, FINEST, 'result="fail"');
    check(fails === expected.fails, `${at}: failures ${fails}, expected ${expected.fails}`);
    check(text === outputs.pipeline[0], `${at}: same /metrics as round 1`);
  }

  const wall = { baseline: summary(results.get('baseline').map((r) => r.ms)) };
  wall.pipeline = summary(results.get('pipeline').map((r) => r.ms));
  const cpu = { baseline: summary(results.get('baseline').map((r) => r.cpuMs)) };
  cpu.pipeline = summary(results.get('pipeline').map((r) => r.cpuMs));
  const rate = (ms) => `${(((LINES / ms) * 1000) / 1e6).toFixed(2)} M lines/s`;
  console.log(
    `events run vs read + parse baseline: ${LINES} lines, ${ROUNDS} interleaved rounds (${availableParallelism()} cores, ` +
      `1-minute load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after)`,
  );
  console.log(`  ${expected.classified} classified lines, ${2 * expected.classified} SLO events counted`);
  console.log(timingHeader('', 28));
  for (const [label, table] of [
    ['wall', wall],
    ['cpu', cpu],
  ]) {
    for (const name of ['baseline', 'pipeline']) {
      const s = table[name];
      console.log(timingRow(`${label} ${name}`, s, 28, `${rate(s.median).padStart(16)}   `));
    }
  }
  if (failed) {
    console.log('  no ratio: the outputs differ (see CHECK FAILED above)');
  } else {
    for (const [label, table] of [
      ['wall', wall],
      ['cpu', cpu],
    ]) {
      const ratio = (key) => (table.baseline[key] / table.pipeline[key]).toFixed(2);
      const met = table.baseline.median / table.pipeline.median >= 0.6;
      console.log(
        `  ${label}: pipeline/baseline throughput ${ratio('min')} (min), ${ratio('median')} (median); target >= 0.6 (median): ${met ? 'met' : 'NOT met'}`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (failed) process.exitCode = 1;
