/**
 * Benchmark: the event pipeline service, `slokit events run` (issue 9, "Performance"): memory and ingest.
 * (The end-to-end throughput over a 1,000,000-line access log against a read + regexp baseline is
 * bench/events-run.mjs.)
 *
 *   npm run build && node bench/events-pipeline.mjs [--quick]
 *
 * (b) Memory: 10,000,000 JSON events (--quick: 1,000,000) with 10,000 distinct event keys written into
 *     `events run --stdin` with `maximumUniqueEventKeys: 1000`, without and with the store; RSS read from
 *     /proc every 250 ms: peak (VmHWM) and RSS once 10 %, 50 % and 100 % of the events were written (the pipe
 *     is back-pressured, so written is within a pipe buffer of processed). Checked: 1,000 keys exported, the
 *     rest under the placeholder, every event counted.
 * (c) Ingest: `POST /api/events` with 1,000-event JSON-lines bodies from 4 concurrent keep-alive clients on
 *     loopback (300 bodies; --quick: 40): events/s accepted (the answer comes after the events went through
 *     the pipeline). Checked: every answer 200 `{"accepted": 1000, "malformed": 0}`; the counters count every
 *     event.
 *
 * Speed targets are reported, not failed on; a failed check exits 1. Environment: BENCH_ROUNDS (default 3,
 * --quick 1), BENCH_QUICK=1 (as --quick).
 */
import { once } from 'node:events';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAIN, startEventsRun } from './lib/events-run.mjs';
import { parseExposition } from './lib/exposition.mjs';
import { keepAliveClient } from './lib/keepalive-client.mjs';
import { runProcess } from './lib/process.mjs';
import { makeTempDir } from './lib/server-process.mjs';

const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const MEMORY_EVENTS = QUICK ? 1_000_000 : 10_000_000;
const BODIES = QUICK ? 40 : 300;

let failed = false;
const check = (ok, message) => {
  if (!ok) {
    failed = true;
    console.error(`CHECK FAILED: ${message}`);
  }
};
const _target = (met, what) => console.log(`  target: ${what}: ${met ? 'met' : 'NOT met'}`);
const perSecond = (count, ms) =>
  `${((count / ms) * 1000).toLocaleString('en', { maximumFractionDigits: 0 })}/s`;

/** Sum of the samples of metric `name` in a parsed exposition (`parseExposition`). */
function sumOf(samples, name) {
  let sum = 0;
  for (const [key, value] of samples) if (key.startsWith(`${name}{`)) sum += Number(value);
  return sum;
}
const seriesOf = (samples, name) => [...samples.keys()].filter((key) => key.startsWith(`${name}{`)).length;

/** An slo-exporter root config whose pipeline is tailer → `pipeline` → sloEventProducer → prometheusExporter. */
const rootConfig = (tailer, pipeline, modules) => `webServerListenAddress: "127.0.0.1:0"
maximumGracefulShutdownDuration: "30s"
pipeline: ${JSON.stringify(['tailer', ...pipeline, 'sloEventProducer', 'prometheusExporter'])}
modules:
  tailer:
${tailer}
${modules}
  sloEventProducer:
    rulesFiles: ["slo_rules.yaml"]
`;

// ------------------------------------------------------------------------------------------------------------
// (b) Memory under many distinct keys.

const STDIN_CONFIG = (cap) =>
  rootConfig(
    `    tailedFile: "empty.log"
    follow: false
    reopen: false
    positionFile: "empty.log.pos"
    loglineParseRegexp: '^(?P<line>.*)$'`,
    [],
    `  prometheusExporter:\n    maximumUniqueEventKeys: ${cap}`,
  );
const STDIN_RULES = `rules:
  - failure_conditions:
      - {operator: numberIsEqualOrHigherThan, key: status, value: 500}
    additional_metadata: {slo_type: availability}
`;

/** `/proc/<pid>/status` fields in kB (VmRSS, VmHWM), or undefined once the process is gone (or a zombie). */
function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1]);
    const memory = { rss: kb('VmRSS'), peak: kb('VmHWM') };
    return Number.isFinite(memory.rss) && Number.isFinite(memory.peak) ? memory : undefined;
  } catch {
    return undefined;
  }
}

async function memory(dir) {
  const KEYS = 10_000;
  const CAP = 1_000;
  writeFileSync(join(dir, 'slo_exporter.yaml'), STDIN_CONFIG(CAP));
  writeFileSync(join(dir, 'slo_rules.yaml'), STDIN_RULES);
  writeFileSync(join(dir, 'empty.log'), '');
  // One block holds every key once; the input is that block repeated.
  let block = '';
  for (let k = 0; k < KEYS; k++) {
    block += `{"slo_domain":"shop","slo_class":"critical","slo_app":"web","event_key":"GET:/api/items/${k}","status":"${k % 50 === 0 ? 503 : 200}"}\n`;
  }
  const blocks = MEMORY_EVENTS / KEYS;
  console.log(
    `\n(b) ${MEMORY_EVENTS.toLocaleString('en')} events on --stdin, ${KEYS.toLocaleString('en')} distinct keys, key cap ${CAP}:`,
  );
  for (const [name, extra] of [
    ['--no-store', ['--no-store']],
    ['store', ['--history-db', join(dir, 'memory.db')]],
  ]) {
    rmSync(join(dir, 'empty.log.pos'), { force: true });
    const run = await startEventsRun(
      [
        '--slo-exporter-config',
        'slo_exporter.yaml',
        '--listen',
        '127.0.0.1:0',
        '--stdin',
        '--print-metrics',
        ...extra,
      ],
      { cwd: dir, stdin: 'pipe' },
    );
    let written = 0;
    const at = {};
    let last = memoryOf(run.child.pid);
    let peak = last?.peak ?? 0;
    const sampler = setInterval(() => {
      last = memoryOf(run.child.pid) ?? last;
      peak = Math.max(peak, last?.peak ?? 0);
      for (const share of [0.1, 0.5])
        if (at[share] === undefined && written >= share * MEMORY_EVENTS) at[share] = last;
    }, 250);
    const started = performance.now();
    for (let b = 0; b < blocks; b++) {
      if (!run.child.stdin.write(block)) await once(run.child.stdin, 'drain');
      written += KEYS;
    }
    at[1] = memoryOf(run.child.pid) ?? last;
    run.child.stdin.end();
    const code = await run.exited;
    clearInterval(sampler);
    // VmHWM only grows: the last reading before the exit is the peak of the whole run.
    peak = Math.max(peak, last?.peak ?? 0, at[1]?.peak ?? 0);
    const ms = performance.now() - started;
    check(code === 0, `memory run (${name}) exited ${code}: ${run.stderr().slice(-1000)}`);
    const samples = parseExposition(run.stdout());
    check(sumOf(samples, 'slo_domain:slo_events_total') === MEMORY_EVENTS, `${name}: every event counted`);
    check(
      sumOf(samples, 'slo_exporter_prometheus_exporter_event_keys') === CAP,
      `${name}: ${CAP} keys exported`,
    );
    const keySeries = seriesOf(samples, 'slo_domain_slo_class_slo_app_event_key:slo_events_total');
    check(keySeries === 2 * (CAP + 1), `${name}: ${keySeries} event key series, expected ${2 * (CAP + 1)}`);
    const mb = (m) => (m ? `${(m.rss / 1024).toFixed(0)} MB` : '?');
    console.log(
      `  ${name.padEnd(11)} ${perSecond(MEMORY_EVENTS, ms)}; RSS after 10 % ${mb(at[0.1])}, 50 % ${mb(at[0.5])}, ` +
        `100 % ${mb(at[1])}; peak (VmHWM) ${(peak / 1024).toFixed(0)} MB`,
    );
  }
}

// ------------------------------------------------------------------------------------------------------------
// (c) POST /api/events.

async function ingest(dir) {
  const BODY_EVENTS = 1_000;
  const CLIENTS = 4;
  writeFileSync(
    join(dir, 'slo_exporter.yaml'),
    rootConfig(
      `    tailedFile: "idle.log"
    follow: true
    reopen: true
    positionFile: "idle.log.pos"
    loglineParseRegexp: '^(?P<line>.*)$'`,
      [],
      '  prometheusExporter: {}',
    ),
  );
  writeFileSync(join(dir, 'slo_rules.yaml'), STDIN_RULES);
  writeFileSync(join(dir, 'idle.log'), '');
  const bodies = Array.from({ length: 10 }, (_, b) => {
    let body = '';
    for (let i = 0; i < BODY_EVENTS; i++) {
      const n = b * BODY_EVENTS + i;
      body += `{"slo_domain":"shop","slo_class":"critical","slo_app":"api","event_key":"POST:/api/items/${n % 1000}","status":"${n % 40 === 0 ? 500 : 200}","trace_id":"${n.toString(16)}"}\n`;
    }
    return body;
  });
  const run = await startEventsRun(
    ['--slo-exporter-config', 'slo_exporter.yaml', '--listen', '127.0.0.1:0', '--no-store'],
    {
      cwd: dir,
    },
  );
  const client = keepAliveClient(CLIENTS);
  let next = 0;
  let bad = 0;
  const send = async () => {
    while (next < BODIES) {
      const body = bodies[next++ % bodies.length];
      const answer = await client.send({
        method: 'POST',
        url: `${run.url}/api/events`,
        headers: { 'content-type': 'application/x-ndjson' },
        body,
      });
      const parsed = answer.status === 200 ? JSON.parse(answer.body) : undefined;
      if (parsed?.accepted !== BODY_EVENTS || parsed?.malformed !== 0) {
        bad++;
        if (bad === 1) console.error(`unexpected answer ${answer.status}: ${answer.body.slice(0, 300)}`);
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, send));
  const ms = performance.now() - started;
  client.close();
  check(bad === 0, `${bad} POST answers were not 200 {accepted: ${BODY_EVENTS}, malformed: 0}`);
  const metrics = parseExposition(await (await fetch(`${run.url}/metrics`)).text());
  check(sumOf(metrics, 'slo_domain:slo_events_total') === BODIES * BODY_EVENTS, 'every posted event counted');
  const code = await run.stop('SIGTERM');
  check(code === 0, `SIGTERM: exit ${code}`);
  console.log(
    `\n(c) POST /api/events: ${BODIES} bodies of ${BODY_EVENTS} events, ${CLIENTS} keep-alive clients: ` +
      `${(ms / 1000).toFixed(2)} s, ${perSecond(BODIES * BODY_EVENTS, ms)} events accepted`,
  );
}

const help = await runProcess(process.execPath, [MAIN, 'events', 'run', '--help']);
if (!help.stdout.includes('Usage: slokit events run')) {
  console.error('`slokit events run` is not in dist/: build a branch that has it (npm run build)');
  process.exit(1);
}
for (const part of [memory, ingest]) {
  const dir = makeTempDir('slokit-bench-pipeline-');
  try {
    await part(dir);
  } catch (error) {
    check(false, `${part.name}: ${error.stack ?? error}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
if (failed) process.exitCode = 1;
