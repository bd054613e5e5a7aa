/**
 * Benchmark: ingest over `POST /api/events` while a scraper reads `/metrics` every second (issue 12,
 * "Ingest of 100,000 events/s ... no errors, p99 scrape time noted").
 *
 *   npm run build && node bench/serve-ingest.mjs
 *
 * Runs the real `slokit events run -c` process (the same endpoint `slokit serve` mounts) on a slokit.yaml
 * with no file source, two rules and the windowed event store on. BENCH_INGEST_CLIENTS (4) keep-alive clients
 * each send bodies of 1,000 JSON-lines events back to back for BENCH_INGEST_SECONDS (10); a scraper GETs
 * /metrics every second. Printed: events/s accepted, request errors (non-200 answers and transport
 * failures; must be 0), p50/p99/max scrape time, the machine's load. Checked: the server's
 * slokit_events_ingested_total{source="http"} equals the events the clients had accepted, and no error.
 * Target 100,000 events/s (reported as met or not; a miss is not a failure).
 */
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { keepAliveClient } from './lib/keepalive-client.mjs';
import { makeTempDir } from './lib/server-process.mjs';

const CLIENTS = Number(process.env.BENCH_INGEST_CLIENTS ?? 4);
const SECONDS = Number(process.env.BENCH_INGEST_SECONDS ?? 10);
const EVENTS_PER_BODY = 1000;
const TARGET = 100_000;
const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;

let failed = false;
const check = (ok, message) => {
  if (!ok) {
    failed = true;
    console.error(`CHECK FAILED: ${message}`);
  }
};

const dir = makeTempDir('slokit-bench-ingest-');
writeFileSync(
  join(dir, 'rules.yaml'),
  `rules:
  - slo_matcher: {domain: shop}
    failure_conditions:
      - {operator: numberIsEqualOrHigherThan, key: status, value: 500}
    additional_metadata: {slo_type: availability}
  - slo_matcher: {domain: shop}
    failure_conditions:
      - {operator: numberIsHigherThan, key: request_time, value: 0.5}
    additional_metadata: {slo_type: latency}
`,
);
writeFileSync(
  join(dir, 'slokit.yaml'),
  `error_budget_policies: {default: {steps: [{name: 1h, window: 3600, burn_rate_threshold: 14.4, alert: true, message_alert: a, message_ok: b}]}}
events:
  rules_files: [rules.yaml]
  store: {path: history.db}
`,
);

/** Bodies of 1,000 events: 3 apps × 20 event keys, 1 % 5xx, 2 % slow; a few distinct bodies, reused. */
const APPS = ['checkout', 'search', 'login'];
const bodies = Array.from({ length: 8 }, (_, b) => {
  const lines = [];
  for (let i = 0; i < EVENTS_PER_BODY; i++) {
    const n = b * EVENTS_PER_BODY + i;
    lines.push(
      JSON.stringify({
        slo_domain: 'shop',
        slo_class: 'critical',
        slo_app: APPS[n % 3],
        event_key: `GET:/endpoint/${n % 20}`,
        status: n % 100 === 0 ? 503 : 200,
        request_time: n % 50 === 0 ? 0.9 : 0.05,
      }),
    );
  }
  return `${lines.join('\n')}\n`;
});

const child = spawn(
  process.execPath,
  [CLI, 'events', 'run', '-c', join(dir, 'slokit.yaml'), '--listen', '127.0.0.1:0'],
  {
    stdio: ['ignore', 'ignore', 'pipe'],
  },
);
const url = await new Promise((resolve, reject) => {
  let text = '';
  child.stderr.on('data', (chunk) => {
    text += chunk;
    const found = /"url":"(http:\/\/[^"]+)"/.exec(text);
    if (found) resolve(found[1]);
  });
  child.on('exit', (code) => reject(new Error(`events run exited (${code}): ${text}`)));
});

const client = keepAliveClient(CLIENTS + 1);
let accepted = 0;
let errors = 0;
const deadline = performance.now() + SECONDS * 1000;
const started = performance.now();

async function sender(index) {
  let body = index;
  while (performance.now() < deadline) {
    try {
      const answer = await client.send({
        method: 'POST',
        url: `${url}/api/events`,
        headers: { 'content-type': 'application/x-ndjson' },
        body: bodies[body++ % bodies.length],
      });
      if (answer.status === 200) accepted += JSON.parse(answer.body).accepted;
      else errors++;
    } catch {
      errors++;
    }
  }
}

const scrapes = [];
async function scraper() {
  while (performance.now() < deadline) {
    const tick = performance.now();
    try {
      const answer = await client.send({ method: 'GET', url: `${url}/metrics` });
      if (answer.status === 200) scrapes.push(performance.now() - tick);
      else errors++;
    } catch {
      errors++;
    }
    await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (performance.now() - tick))));
  }
}

await Promise.all([...Array.from({ length: CLIENTS }, (_, i) => sender(i)), scraper()]);
const elapsed = (performance.now() - started) / 1000;
const final = await client.send({ method: 'GET', url: `${url}/metrics` });
const ingested = Number(/^slokit_events_ingested_total\{source="http"\} (\S+)$/m.exec(final.body)?.[1]);
client.close();
child.kill('SIGTERM');
await new Promise((resolve) => child.on('exit', resolve));
rmSync(dir, { recursive: true, force: true });

const sorted = [...scrapes].sort((a, b) => a - b);
const quantile = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const rate = accepted / elapsed;
console.log(
  `load average: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(
  `ingest: ${CLIENTS} clients, ${EVENTS_PER_BODY}-event bodies, ${elapsed.toFixed(1)} s: ${Math.round(rate).toLocaleString('en')} events/s accepted (target ${TARGET.toLocaleString('en')}: ${rate >= TARGET ? 'met' : 'NOT met'}), ${errors} errors`,
);
console.log(
  `/metrics during ingest: ${scrapes.length} scrapes, p50 ${quantile(0.5)?.toFixed(1)} ms, p99 ${quantile(0.99)?.toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms`,
);
check(errors === 0, `${errors} request errors`);
check(ingested === accepted, `server counted ${ingested} events, clients had ${accepted} accepted`);
check(scrapes.length >= SECONDS - 1, `only ${scrapes.length} scrapes in ${SECONDS} s`);
if (failed) process.exitCode = 1;
