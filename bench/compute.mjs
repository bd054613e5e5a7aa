/**
 * Benchmark: `compute()` over 200 realistic Prometheus SLOs × 4 policy steps against a real Prometheus.
 *
 * Compares slokit's defaults (query deduplication on, 8 backend calls in flight) with a baseline that behaves
 * like slo-generator (dedup off, one SLO step at a time), same timestamp, same process, after one warm-up run.
 * Queries sent are counted by Prometheus itself (`prometheus_http_requests_total{handler="/api/v1/query"}`),
 * so no proxy sits in the measured path. The reports of both runs must be identical.
 *
 * Environment: BENCH_SERVICES (50), BENCH_STEP seconds between samples (300), BENCH_REPEAT (3),
 * BENCH_LATENCY_MS added per query in the extra "remote Prometheus" scenario (10; 0 skips it).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { formatQuery } from '../dist/backends/prometheus-query.js';
import { compute } from '../dist/engine/compute.js';
import {
  benchHistory,
  instantQueryCount,
  processCpuSeconds,
  startCountingProxy,
  startPrometheus,
} from './lib/prometheus.mjs';
import { POLICY_STEPS as STEPS, sloConfig } from './lib/reports.mjs';
import { median } from './lib/timing.mjs';

const SERVICES = Number(process.env.BENCH_SERVICES ?? 50);
const STEP = Number(process.env.BENCH_STEP ?? 300);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 10);
const TARGET_SPEEDUP = 5;

/** Four SLOs per service, all over the service's request counter as the `filter_valid` denominator. */
function slosFor(services) {
  const slos = [];
  for (const { name: service } of services) {
    const valid = `http_requests_total{service="${service}"}`;
    const kinds = [
      ['availability', `http_requests_total{service="${service}", code!~"5.."}`, 0.995],
      ['latency-100ms', `http_request_duration_seconds_bucket{service="${service}", le="0.1"}`, 0.6],
      ['latency-250ms', `http_request_duration_seconds_bucket{service="${service}", le="0.25"}`, 0.88],
      ['latency-1s', `http_request_duration_seconds_bucket{service="${service}", le="1"}`, 0.99],
    ];
    for (const [kind, good, goal] of kinds) {
      slos.push(
        sloConfig(
          `${service}-${kind}`,
          { service_name: service, feature_name: 'http', slo_name: kind },
          { description: `${kind} of ${service}`, sli: { filter_good: good, filter_valid: valid }, goal },
        ),
      );
    }
  }
  return slos;
}

const sharedFor = (url) => ({
  backends: { prometheus: { url } },
  exporters: {},
  error_budget_policies: { default: { steps: STEPS } },
  default_exporters: [],
});

/** Distinct (PromQL, window) pairs the SLOs need: the minimum number of queries a run can send. */
function distinctPairs(slos) {
  const pairs = new Set();
  for (const slo of slos) {
    const { filter_good, filter_valid } = slo.spec.service_level_indicator;
    for (const step of STEPS) {
      for (const filter of [filter_good, filter_valid]) {
        pairs.add(formatQuery(filter, step.window, ['increase', 'sum']));
      }
    }
  }
  return pairs.size;
}

/** One measured compute: wall time, queries Prometheus received, CPU used by Node and by Prometheus. */
async function measure(slos, shared, options, counter) {
  const before = await counter.count();
  const promCpu = counter.cpu();
  const nodeCpu = process.cpuUsage();
  const started = performance.now();
  const result = await compute(slos, shared, options);
  const ms = performance.now() - started;
  const node = process.cpuUsage(nodeCpu);
  const prometheusCpu = counter.cpu() - promCpu;
  const queries = (await counter.count()) - before;
  return {
    ms,
    queries,
    nodeCpuMs: (node.user + node.system) / 1000,
    promCpuMs: prometheusCpu * 1000,
    reports: JSON.stringify(result.results.map((r) => r.reports)),
    result,
  };
}

/** How much CPU parallelism the machine really gives: one busy thread vs as many as it reports CPUs. */
async function cpuProbe() {
  const code =
    'let x = 0; for (let i = 0; i < 2e8; i++) x += i % 7; require("node:worker_threads").parentPort.postMessage(x);';
  const busy = () =>
    new Promise((resolve, reject) => {
      const worker = new Worker(code, { eval: true });
      worker.once('message', () => worker.terminate().then(resolve));
      worker.once('error', reject);
    });
  const threads = Math.max(2, availableParallelism());
  let started = performance.now();
  await busy();
  const one = performance.now() - started;
  started = performance.now();
  await Promise.all(Array.from({ length: threads }, busy));
  const many = performance.now() - started;
  return { one, many, threads, cores: (threads * one) / many };
}

const fmt = (ms) => `${ms.toFixed(0).padStart(6)} ms`;

async function main() {
  const history = benchHistory({ services: SERVICES, step: STEP });
  const seriesCount = history.families.reduce((n, f) => n + f.series.length, 0);
  const slos = slosFor(history.profiles);
  const pairs = distinctPairs(slos);
  const reportsPerRun = slos.length * STEPS.length;

  console.log('compute: slokit engine vs an slo-generator-like baseline, against a real Prometheus');
  console.log(`
Design
  ${SERVICES} services x 4 SLOs = ${slos.length} SLOs, each with the 4-step policy 1h/12h/7d/28d = ${reportsPerRun} reports a run.
  Every SLO is good_bad_ratio (default operators increase, sum). The 4 SLOs of a service share its denominator
  filter_valid = http_requests_total{service="svc-NN"} and differ in filter_good:
    availability   http_requests_total{service, code!~"5.."}               goal 0.995
    latency-100ms  http_request_duration_seconds_bucket{service, le="0.1"}  goal 0.6
    latency-250ms  http_request_duration_seconds_bucket{service, le="0.25"} goal 0.88
    latency-1s     http_request_duration_seconds_bucket{service, le="1"}    goal 0.99
  History: 30 days, one sample every ${STEP}s, ${seriesCount} series (per service: requests by code 200/404/503,
  histogram buckets 0.1/0.25/1/+Inf, _count, _sum); daily traffic cycle, 0.05-0.3% baseline errors, one
  incident per service (every 10th service is in one during the last hour).
  Queries a run needs: ${slos.length} x 4 windows x (good + valid) = ${slos.length * 8} without sharing,
  ${pairs} distinct (query, window) pairs = ${SERVICES} services x 4 windows x (4 good + 1 shared valid).
  Runs: slokit defaults (dedup on, concurrency 8) vs baseline (dedup off, concurrency 1: one SLO step at a
  time, its good and valid queries in parallel), same timestamp, same process, 1 warm-up run first,
  ${REPEAT} alternating repetitions, median reported. Machine: ${availableParallelism()} CPUs, Node ${process.version}.`);

  const probe = await cpuProbe();
  console.log(
    `\nCPU probe: 1 busy thread ${probe.one.toFixed(0)} ms, ${probe.threads} at once ${probe.many.toFixed(0)} ms` +
      ` -> about ${probe.cores.toFixed(2)} cores of real parallelism`,
  );

  let started = performance.now();
  const prometheus = await startPrometheus(history);
  console.log(
    `\nPrometheus ready in ${((performance.now() - started) / 1000).toFixed(1)} s (${prometheus.samples.toLocaleString('en')} samples) at ${prometheus.url}`,
  );
  const failures = [];
  try {
    const shared = sharedFor(prometheus.url);
    const counter = {
      count: () => instantQueryCount(prometheus.url),
      cpu: () => processCpuSeconds(prometheus.pid),
    };
    const timestamp = prometheus.evalTime;
    const optimizedOptions = { timestamp };
    const baselineOptions = { timestamp, dedup: false, concurrency: 1 };

    started = performance.now();
    const warm = await compute(slos, shared, optimizedOptions);
    const warmMs = performance.now() - started;
    const reports = warm.results.flatMap((r) => r.reports);
    const invalid = reports.filter((r) => !r.valid);
    const alerts = reports.filter((r) => r.valid && r.alert).length;
    console.log(
      `Warm-up: ${fmt(warmMs)}; ${reports.length} reports, ${invalid.length} invalid, ${alerts} alerting`,
    );
    if (invalid.length) failures.push(`${invalid.length} invalid reports: ${JSON.stringify(invalid[0])}`);

    const runs = { optimized: [], baseline: [] };
    for (let i = 0; i < REPEAT; i++) {
      runs.optimized.push(await measure(slos, shared, optimizedOptions, counter));
      runs.baseline.push(await measure(slos, shared, baselineOptions, counter));
    }
    const summary = (list) => ({
      ms: median(list.map((r) => r.ms)),
      queries: list.map((r) => r.queries),
      nodeCpuMs: median(list.map((r) => r.nodeCpuMs)),
      promCpuMs: median(list.map((r) => r.promCpuMs)),
    });
    const opt = summary(runs.optimized);
    const base = summary(runs.baseline);
    const identical = [...runs.optimized, ...runs.baseline].every(
      (r) => r.reports === runs.optimized[0].reports,
    );
    const speedup = base.ms / opt.ms;

    console.log('\nResults (loopback Prometheus, no network latency)');
    console.log(
      '  run                                   wall (median)   runs (ms)              queries sent   CPU node / prometheus',
    );
    for (const [label, s, list] of [
      ['slokit defaults (dedup, concurrency 8)', opt, runs.optimized],
      ['baseline (no dedup, concurrency 1)    ', base, runs.baseline],
    ]) {
      console.log(
        `  ${label}  ${fmt(s.ms)}    ${list
          .map((r) => r.ms.toFixed(0))
          .join(' / ')
          .padEnd(
            20,
          )}   ${String(s.queries[0]).padStart(5)}          ${s.nodeCpuMs.toFixed(0)} / ${s.promCpuMs.toFixed(0)} ms`,
      );
    }
    console.log(`  distinct (query, window) pairs: ${pairs}`);
    console.log(
      `  speedup: ${speedup.toFixed(2)}x (target >= ${TARGET_SPEEDUP}x: ${speedup >= TARGET_SPEEDUP ? 'met' : 'NOT met'})`,
    );
    const sentOk = opt.queries.every((q) => q === pairs);
    console.log(
      `  queries sent == distinct pairs: ${sentOk ? 'yes' : 'NO'} (${opt.queries.join(', ')} vs ${pairs})`,
    );
    console.log(`  baseline queries: ${base.queries.join(', ')} (expected ${slos.length * 8})`);
    console.log(`  reports identical across all runs: ${identical ? 'yes' : 'NO'}`);
    const cpu = (x) => x.nodeCpuMs + x.promCpuMs;
    console.log(
      `  CPU (node + prometheus) per run: ${cpu(opt).toFixed(0)} ms vs ${cpu(base).toFixed(0)} ms baseline` +
        ` (${(cpu(base) / cpu(opt)).toFixed(2)}x less work); wall/CPU: ${(opt.ms / cpu(opt)).toFixed(2)} and` +
        ` ${(base.ms / cpu(base)).toFixed(2)} (below 1 = runs on more than one core)`,
    );
    const floor = cpu(opt) / probe.cores;
    console.log(
      `  Loopback bound: the optimized run needs ${cpu(opt).toFixed(0)} ms of CPU; on ${probe.cores.toFixed(2)} effective` +
        ` cores it cannot take less than ~${floor.toFixed(0)} ms, so the speedup here is at most ~${(base.ms / floor).toFixed(1)}x.`,
    );
    if (!sentOk) failures.push(`dedup run sent ${opt.queries} queries, expected ${pairs}`);
    if (!identical) failures.push('reports differ between runs');

    console.log('\nConcurrency sweep (dedup on unless noted; one run each)');
    for (const [label, options] of [
      ['dedup, concurrency 1', { timestamp, concurrency: 1 }],
      ['dedup, concurrency 2', { timestamp, concurrency: 2 }],
      ['dedup, concurrency 4', { timestamp, concurrency: 4 }],
      ['dedup, concurrency 8', { timestamp, concurrency: 8 }],
      ['dedup, concurrency 16', { timestamp, concurrency: 16 }],
      ['dedup, concurrency 32', { timestamp, concurrency: 32 }],
      ['no dedup, concurrency 8', { timestamp, dedup: false, concurrency: 8 }],
    ]) {
      const r = await measure(slos, shared, options, counter);
      console.log(
        `  ${label.padEnd(24)} ${fmt(r.ms)}  ${String(r.queries).padStart(5)} queries  ${(base.ms / r.ms).toFixed(2)}x vs baseline  CPU node ${r.nodeCpuMs.toFixed(0)} ms / prometheus ${r.promCpuMs.toFixed(0)} ms`,
      );
      if (r.reports !== runs.optimized[0].reports) failures.push(`reports differ (${label})`);
    }

    if (LATENCY_MS > 0) {
      const proxy = await startCountingProxy(prometheus.url, { delayMs: LATENCY_MS });
      try {
        const remote = sharedFor(proxy.url);
        const proxyCounter = { count: async () => proxy.queries().length, cpu: counter.cpu };
        await compute(slos, remote, optimizedOptions);
        const o = await measure(slos, remote, optimizedOptions, proxyCounter);
        const b = await measure(slos, remote, baselineOptions, proxyCounter);
        console.log(
          `\nExtra scenario: Prometheus across a network (a proxy in this process adds ${LATENCY_MS} ms to every query)`,
        );
        console.log(`  slokit defaults ${fmt(o.ms)}  ${o.queries} queries`);
        console.log(`  baseline        ${fmt(b.ms)}  ${b.queries} queries`);
        console.log(`  speedup: ${(b.ms / o.ms).toFixed(2)}x`);
        if (o.reports !== runs.optimized[0].reports || b.reports !== o.reports) {
          failures.push('reports differ through the latency proxy');
        }
      } finally {
        await proxy.stop();
      }
    }
  } finally {
    await prometheus.stop();
  }
  if (failures.length) {
    console.error(`\nFAILED:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

await main();
