/**
 * Benchmark: the Pushgateway exporter against slo-generator's way of pushing, same content (in-process: both
 * clients run in this process; the gateways are real Debian prometheus-pushgateway processes on loopback).
 *
 *   npm run build && node bench/export.mjs
 *
 * Each round exports BENCH_REPORTS (500) reports (125 SLOs x 4 policy steps, 8 in flight, new values every
 * round) two ways, interleaved, each to its own gateway:
 * - slokit: `exportResults` with the `prometheus` exporter, the path `compute --export` takes: one PUT per
 *   report, grouping key job + slo + step, the report's 5 metrics in the body;
 * - slo-generator style: one POST per metric (5 per report), every label of the series in the grouping key,
 *   a body of one unlabelled gauge, through the same MetricsExporter base, sent with `node:http` and a
 *   keep-alive agent (a lean client: the ratio is about requests, not HTTP libraries). To push the same
 *   content it uses the same job and puts `slo` in the grouping key besides slo-generator's labels.
 * Before timing, a warm-up round fills both gateways, so every measured round replaces existing groups.
 * After every round both gateways' /metrics must hold the same series with the same values (push_time
 * metrics and the gateway's own metrics left out), one per metric of every report; no ratio otherwise.
 * Repeated on gateways started with `--push.disable-consistency-check`, which takes the gateway's per-push
 * cost (it gathers every stored group to check consistency) out and leaves the client and HTTP cost.
 *
 * Environment: BENCH_REPORTS (500), BENCH_ROUNDS (5), BENCH_DEFAULT_GATEWAY_ROUNDS (1: a round of the
 * slo-generator style on a default gateway takes 20-30 s at 500 reports),
 * PUSHGATEWAY_BIN (/usr/bin/prometheus-pushgateway).
 */
import { mapLimit } from '../dist/async/limiter.js';
import { sharedConfigSchema } from '../dist/config/shared-config-schema.js';
import { exportResults } from '../dist/engine/export.js';
import { MetricsExporter } from '../dist/exporters/metrics-exporter.js';
import { groupingPath } from '../dist/exporters/pushgateway.js';
import { reportIdentity } from '../dist/exporters/report-identity.js';
import { reportV2toV1 } from '../dist/exporters/report-v1.js';
import { PROMETHEUS_TEXT_CONTENT_TYPE, renderFamilies } from '../dist/lang/prometheus-text.js';
import { parseExposition, samplesDiff } from './lib/exposition.mjs';
import { keepAliveClient } from './lib/keepalive-client.mjs';
import { startPushgateway } from './lib/pushgateway.mjs';
import { exporterResults, POLICY_STEPS as STEPS } from './lib/reports.mjs';
import { interleaved, roundsFromEnv, summary, timeAsync, timingHeader, timingRow } from './lib/timing.mjs';

const REPORTS = Number(process.env.BENCH_REPORTS ?? 500);
const ROUNDS = roundsFromEnv(5);
const DEFAULT_GATEWAY_ROUNDS = Number(process.env.BENCH_DEFAULT_GATEWAY_ROUNDS ?? 1);
const JOB = 'slo-generator';
const IN_FLIGHT = 8;
const METRICS_PER_REPORT = 5;

const failures = [];
const check = (ok, message) => {
  if (!ok) failures.push(message);
  return ok;
};

/**
 * slo-generator's way: one POST per metric, all labels of the series in the grouping key. Sent with
 * `node:http` and a keep-alive agent, so the ratio measures the requests made, not the HTTP library.
 */
class PerMetricPushExporter extends MetricsExporter {
  constructor(url, client) {
    super();
    this.url = url;
    this.client = client;
  }
  async exportMetric(metric, _config, slo) {
    const body = renderFamilies([
      { name: metric.name, help: metric.help, type: 'gauge', samples: [{ value: metric.value }] },
    ]);
    const grouping = Object.entries({ slo, ...metric.labels });
    const { status } = await this.client.send({
      method: 'POST',
      url: `${this.url}${groupingPath(JOB, grouping)}`,
      headers: { 'content-type': PROMETHEUS_TEXT_CONTENT_TYPE },
      body,
    });
    if (status < 200 || status >= 300) throw new Error(`HTTP ${status}`);
  }
  async export(report, config) {
    const { slo } = reportIdentity(report);
    for (const metric of this.metricsOf(report, config)) await this.exportMetric(metric, config, slo);
  }
}

/** slokit's push of `results` (compute results) to the gateway at `url`. */
const slokit = (url) => {
  const shared = sharedConfigSchema.parse({
    error_budget_policies: { default: { steps: STEPS } },
    exporters: { prometheus: { url, job: JOB } },
  });
  return async (results) => {
    const summary = await exportResults(results, shared, { pluginDirs: [] });
    check(summary.exported === REPORTS && summary.failed === 0, `exportResults: ${JSON.stringify(summary)}`);
  };
};
/** slo-generator style push of `results` to the gateway at `url`. */
const perMetric = (url) => async (results) => {
  const client = keepAliveClient(IN_FLIGHT);
  const exporter = new PerMetricPushExporter(url, client);
  const reports = results.flatMap((r) => r.reports);
  await mapLimit(reports, IN_FLIGHT, (report) => exporter.export(reportV2toV1(report), { name: 'baseline' }));
  client.close();
};

/** The pushed series a gateway holds: its exposition without push_time metrics and its own metrics. */
async function pushedSeries(gateway, names) {
  return parseExposition(await gateway.scrape(), (name) => names.has(name));
}

/** Interleaved rounds of both clients on two fresh gateways started with `args`; contents compared. */
async function compare(args, rounds) {
  const gateways = await Promise.all([startPushgateway(args), startPushgateway(args)]);
  try {
    const [a, b] = gateways;
    const names = new Set(['error_budget_burn_rate', 'alerting_burn_rate_threshold']);
    const variants = [
      { name: 'slokit, 1 PUT/report', gateway: a, push: slokit(a.url) },
      { name: 'slo-generator style, 1 POST/metric', gateway: b, push: perMetric(b.url) },
    ];
    for (const v of variants) await v.push(exporterResults(REPORTS, 0)); // warm-up: creates every group
    // The metric names pushed: whatever the warm-up put in the slokit gateway besides its own.
    for (const key of parseExposition(await a.scrape()).keys()) {
      const name = key.slice(0, key.indexOf('{'));
      if (!/^(go|process|pushgateway|push_time|push_failure_time)_/.test(name)) names.add(name);
    }
    const results = await interleaved(
      variants.map((v) => ({
        name: v.name,
        run: async (round) => {
          const results = exporterResults(REPORTS, round); // built outside the timing
          const { ms } = await timeAsync(() => v.push(results));
          return { ms, series: await pushedSeries(v.gateway, names) };
        },
      })),
      rounds,
    );
    const [ours, theirs] = [...results.values()];
    for (let i = 0; i < rounds; i++) {
      const diff = samplesDiff(ours[i].series, theirs[i].series);
      check(diff.length === 0, `round ${i + 1}: gateways differ: ${diff.join('; ')}`);
      check(
        ours[i].series.size === REPORTS * METRICS_PER_REPORT,
        `round ${i + 1}: ${ours[i].series.size} series, expected ${REPORTS * METRICS_PER_REPORT}`,
      );
    }
    return [...results].map(([name, runs]) => [name, summary(runs.map((r) => r.ms))]);
  } finally {
    await Promise.all(gateways.map((g) => g.stop()));
  }
}

console.log(
  `Pushgateway export (in-process clients, real gateways): ${REPORTS} reports (${REPORTS / STEPS.length} SLOs x ${STEPS.length} steps), ${IN_FLIGHT} in flight, ${ROUNDS} interleaved rounds; node ${process.version}`,
);
const width = 36;
for (const [title, args, rounds] of [
  ['default gateway', [], DEFAULT_GATEWAY_ROUNDS],
  ['--push.disable-consistency-check (client + HTTP cost)', ['--push.disable-consistency-check'], ROUNDS],
]) {
  const rows = await compare(args, rounds);
  console.log(`\n${title}, rounds: ${rounds}\n${timingHeader('client', width)}   reports/s (median)`);
  for (const [name, s] of rows) {
    console.log(`${timingRow(name, s, width)}   ${Math.round((REPORTS / s.median) * 1000)}`);
  }
  if (failures.length) break;
  const [[, ours], [, theirs]] = rows;
  console.log(
    `  same series and values in both gateways after every round; slo-generator style / slokit: ${(theirs.min / ours.min).toFixed(1)}x (min) ${(theirs.median / ours.median).toFixed(1)}x (median)`,
  );
}
if (failures.length) {
  console.error(`\nFAILED (no ratio printed):\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
}
