/**
 * Keptn SLI provider: time from a get-sli.triggered POSTed to slokit's CloudEvents route until the
 * get-sli.finished event arrives at the (fake) distributor, with 10 PromQL indicators against a real local
 * Prometheus (`benchHistory`: 50 services, 30 days at 5-minute steps).
 *
 *   npm run build && node bench/keptn-get-sli.mjs      (BENCH_ROUNDS rounds, default 20)
 *
 * In-process: one Node process runs the fastify route, the provider and the receiver; Prometheus is its own
 * process. Variants, interleaved per round: indicators queried 8 at a time (slokit's default) and one at a
 * time (as prometheus-service does). Each round asks about a different service. Every finished event must
 * be `succeeded`/`pass` with the values Prometheus itself returns for the same queries (checked against
 * direct instant queries), else the benchmark fails.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CloudEvent, HTTP } from 'cloudevents';
import Fastify from 'fastify';
import { keptnSectionSchema, resolveKeptnSection } from '../dist/keptn/keptn-config.js';
import { createKeptnSliProvider } from '../dist/keptn/sli-provider.js';
import { keptnRoutes } from '../dist/server/keptn-routes.js';
import { benchHistory, instantQuery, startPrometheus } from './lib/prometheus.mjs';
import { interleaved, roundsFromEnv, summary, timingHeader, timingRow } from './lib/timing.mjs';

const ROUNDS = roundsFromEnv(20);
const END = 1_700_006_400;
const START = END - 3600;

const range = '[$DURATION_SECONDS]';
const sel = (extra = '') => `{service="$SERVICE"${extra}}`;
const quantile = (q) =>
  `histogram_quantile(${q}, sum by (le) (rate(http_request_duration_seconds_bucket${sel()}${range})))`;
/** 10 indicators, as a quality gate would have them. */
const INDICATORS = {
  throughput: `sum(rate(http_requests_total${sel()}${range}))`,
  requests: `sum(increase(http_requests_total${sel()}${range}))`,
  error_rate: `sum(rate(http_requests_total${sel(', code="503"')}${range})) / sum(rate(http_requests_total${sel()}${range}))`,
  not_found_rate: `sum(rate(http_requests_total${sel(', code="404"')}${range})) / sum(rate(http_requests_total${sel()}${range}))`,
  success_rate: `sum(rate(http_requests_total${sel(', code="200"')}${range})) / sum(rate(http_requests_total${sel()}${range}))`,
  response_time_p50: quantile(0.5),
  response_time_p90: quantile(0.9),
  response_time_p95: quantile(0.95),
  response_time_p99: quantile(0.99),
  response_time_avg: `sum(rate(http_request_duration_seconds_sum${sel()}${range})) / sum(rate(http_request_duration_seconds_count${sel()}${range}))`,
};

const dir = mkdtempSync(join(tmpdir(), 'slokit-bench-keptn-'));
const sliFile = join(dir, 'sli.yaml');
writeFileSync(
  sliFile,
  `indicators:\n${Object.entries(INDICATORS)
    .map(([name, q]) => `  ${name}: ${JSON.stringify(q)}`)
    .join('\n')}\n`,
);

console.log('starting Prometheus with the bench history ...');
const prometheus = await startPrometheus({ ...benchHistory(), evalTime: END });

// The fake distributor: resolves the waiter of a context when its finished event arrives.
const waiting = new Map();
const receiver = createServer((request, response) => {
  const chunks = [];
  request.on('data', (c) => chunks.push(c));
  request.on('end', () => {
    const event = HTTP.toEvent({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
    response.writeHead(200).end();
    if (event.type === 'sh.keptn.event.get-sli.finished') waiting.get(event.shkeptncontext)?.(event);
  });
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverUrl = `http://127.0.0.1:${receiver.address().port}`;

async function mount(concurrency) {
  const section = keptnSectionSchema.parse({
    sli_providers: ['prometheus'],
    events: { distributor_url: receiverUrl },
    sli: { file: sliFile },
    prometheus: { url: prometheus.url },
    concurrency,
  });
  const provider = createKeptnSliProvider(resolveKeptnSection(section));
  const app = Fastify();
  await app.register(keptnRoutes, { provider, bodyLimit: section.max_body_bytes });
  return { app, url: `${await app.listen({ host: '127.0.0.1', port: 0 })}/keptn/event` };
}

const service = (round) => `svc-${String(((round - 1) % 50) + 1).padStart(2, '0')}`;

/** Sends one triggered event and resolves with the ms until its finished event arrived. */
async function roundTrip(url, round) {
  const context = randomUUID();
  const event = new CloudEvent({
    specversion: '1.0',
    id: randomUUID(),
    source: 'lighthouse-service',
    type: 'sh.keptn.event.get-sli.triggered',
    shkeptncontext: context,
    datacontenttype: 'application/json',
    data: {
      project: 'bench',
      stage: 'prod',
      service: service(round),
      'get-sli': {
        sliProvider: 'prometheus',
        start: new Date(START * 1000).toISOString(),
        end: new Date(END * 1000).toISOString(),
        indicators: Object.keys(INDICATORS),
      },
    },
  });
  const finished = new Promise((resolve) => waiting.set(context, resolve));
  const message = HTTP.structured(event);
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers: message.headers, body: message.body });
  if (response.status !== 202) throw new Error(`route answered ${response.status}: ${await response.text()}`);
  const answer = await finished;
  const ms = performance.now() - started;
  waiting.delete(context);
  return { ms, data: answer.data, svc: service(round) };
}

/** The values Prometheus itself gives for the indicators of `svc`. */
async function expected(svc) {
  const out = [];
  for (const [name, q] of Object.entries(INDICATORS)) {
    const promql = q.replaceAll('$SERVICE', svc).replaceAll('$DURATION_SECONDS', '3600s');
    const result = await instantQuery(prometheus.url, promql, END);
    out.push({ metric: name, value: Number(result[0].value[1]), success: true });
  }
  return out;
}

let failed = false;
try {
  const parallel = await mount(8);
  const sequential = await mount(1);
  // Warm-up: connections, JIT.
  await roundTrip(parallel.url, 1);
  await roundTrip(sequential.url, 1);
  const results = await interleaved(
    [
      { name: '10 indicators, 8 at a time', run: (round) => roundTrip(parallel.url, round) },
      { name: '10 indicators, one at a time', run: (round) => roundTrip(sequential.url, round) },
    ],
    ROUNDS,
  );
  for (const runs of results.values()) {
    for (const { data, svc } of runs) {
      const want = await expected(svc);
      const got = data['get-sli'].indicatorValues;
      if (
        data.status !== 'succeeded' ||
        data.result !== 'pass' ||
        JSON.stringify(got) !== JSON.stringify(want)
      ) {
        console.error(`wrong answer for ${svc}:`, JSON.stringify(data), 'expected', JSON.stringify(want));
        failed = true;
      }
    }
  }
  console.log(`\nget-sli.triggered → get-sli.finished, ${ROUNDS} rounds (ms)`);
  console.log(timingHeader('variant', 30));
  for (const [name, runs] of results) console.log(timingRow(name, summary(runs.map((r) => r.ms)), 30));
  console.log(
    failed ? '\nFAILED: some answers differ from Prometheus' : "\nall answers equal Prometheus' own values",
  );
  await Promise.all([parallel.app.close(), sequential.app.close()]);
} finally {
  receiver.close();
  await prometheus.stop();
  rmSync(dir, { recursive: true, force: true });
}
if (failed) process.exitCode = 1;
