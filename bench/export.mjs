/**
 * Benchmark: the Prometheus exporters.
 *
 *   npm run build && node bench/export.mjs
 *
 * 1. Pushgateway throughput: exports BENCH_REPORTS (500) reports (125 SLOs x 4 policy steps) to a real
 *    Pushgateway (Debian prometheus-pushgateway on a free loopback port) through `exportResults`, the path
 *    `compute` uses (8 reports in flight). Same-run baseline: the same reports pushed the way slo-generator
 *    does it (one POST per metric, every label in the grouping key: 5 requests per report), through the same
 *    MetricsExporter base and the same concurrency (one round only on a default gateway: it is slow). Each
 *    variant gets a fresh gateway and a warm-up round, so measured rounds replace existing groups. Repeated
 *    with `--push.disable-consistency-check`, which takes the gateway's per-push cost (it gathers every
 *    stored group to check consistency) out and leaves the client and HTTP cost. Checked: the gateway holds
 *    one group per report.
 * 2. `/metrics` rendering: `ReportMetricsRegistry.render()` (prometheus_self) for 1,000 and 10,000 series vs
 *    prom-client's `Registry.metrics()` holding the same gauges (same names, labels and values) in the same
 *    process. "after update" renders once after every report was re-exported with new values (every family
 *    re-joined; prom-client always works this way); "unchanged" renders again with nothing changed. Both
 *    timings include `Buffer.from(text)`, the encoding a response needs. Checked: both outputs hold the same
 *    samples.
 *
 * Environment: BENCH_REPORTS (500), BENCH_REPEAT (3), PUSHGATEWAY_BIN (/usr/bin/prometheus-pushgateway).
 */
import { Gauge, Registry } from 'prom-client';
import { mapLimit } from '../dist/async/limiter.js';
import { sharedConfigSchema } from '../dist/config/schema.js';
import { exportResults } from '../dist/engine/export.js';
import { MetricsExporter } from '../dist/exporters/metrics-exporter.js';
import { PrometheusSelfExporter, SELF_DEFAULT_METRICS } from '../dist/exporters/prometheus-self.js';
import { groupingPath } from '../dist/exporters/pushgateway.js';
import { ReportMetricsRegistry } from '../dist/exporters/report-metrics-registry.js';
import { reportV2toV1 } from '../dist/exporters/report-v1.js';
import { PROMETHEUS_TEXT_CONTENT_TYPE, renderFamilies } from '../dist/lang/prometheus-text.js';
import { startPushgateway } from './lib/pushgateway.mjs';
import { POLICY_STEPS as STEPS, sloConfig, sloResults, T0 } from './lib/reports.mjs';
import { median, time, timeAsync } from './lib/timing.mjs';

const REPORTS = Number(process.env.BENCH_REPORTS ?? 500);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);

let failed = false;
const check = (ok, message) => {
  if (!ok) {
    failed = true;
    console.error(`CHECK FAILED: ${message}`);
  }
};
const ms = (x) => `${x.toFixed(2)} ms`;

function slo(i) {
  return sloConfig(
    `svc${i % 100}-feature${i}-availability`,
    {
      service_name: `svc${i % 100}`,
      feature_name: `feature${i}`,
      slo_name: 'availability',
      env: i % 2 ? 'prod' : 'staging',
    },
    { description: 'availability', exporters: ['prometheus'] },
  );
}

/** `count` SLO results (one report per policy step), values varied by `seed`. */
function results(count, seed = 0) {
  const slos = Array.from({ length: Math.ceil(count / STEPS.length) }, (_, i) => slo(i));
  return sloResults(slos, {
    timestamp: T0 + seed * 60,
    limit: count,
    counts: (i) => [100_000 + ((i * 7919 + seed * 104_729) % 50_000), (i * 31 + seed * 17) % 300],
  });
}

/** slo-generator's way: one POST per metric, all labels in the grouping key, a body of one gauge. */
class PerMetricPushExporter extends MetricsExporter {
  constructor(url) {
    super();
    this.url = url;
  }
  async exportMetric(metric) {
    const grouping = Object.entries(metric.labels);
    const body = renderFamilies([
      {
        name: metric.name,
        help: metric.description || metric.name,
        type: 'gauge',
        samples: [{ value: metric.value }],
      },
    ]);
    const response = await fetch(`${this.url}${groupingPath('slo-generator-style', grouping)}`, {
      method: 'POST',
      headers: { 'content-type': PROMETHEUS_TEXT_CONTENT_TYPE },
      body,
      redirect: 'manual',
    });
    await response.text();
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
  }
}

/**
 * Median milliseconds to export REPORTS reports with `run(url, round)`, on a fresh Pushgateway started with
 * `gatewayArgs` (warm-up round first, so every measured round replaces existing groups).
 */
async function timePushes(gatewayArgs, rounds, run, expectedGroups) {
  const pgw = await startPushgateway(gatewayArgs);
  try {
    await run(pgw.url, 0);
    const times = [];
    for (let round = 1; round <= rounds; round++) times.push((await timeAsync(() => run(pgw.url, round))).ms);
    const groups = await pgw.groups();
    check(groups === expectedGroups, `pushgateway holds ${groups} groups, expected ${expectedGroups}`);
    return median(times);
  } finally {
    await pgw.stop();
  }
}

async function benchPushgateway() {
  const context = { pluginDirs: [] };
  const slokit = async (url, round) => {
    const shared = sharedConfigSchema.parse({
      error_budget_policies: { default: { steps: STEPS } },
      exporters: { prometheus: { url } },
    });
    const summary = await exportResults(results(REPORTS, round), shared, context);
    check(
      summary.exported === REPORTS && summary.failed === 0,
      `exportResults summary ${JSON.stringify(summary)}`,
    );
  };
  const perMetric = async (url, round) => {
    const baseline = new PerMetricPushExporter(url);
    const reports = results(REPORTS, round).flatMap((r) => r.reports);
    await mapLimit(reports, 8, (report) => baseline.export(reportV2toV1(report), { name: 'baseline' }));
  };
  // slo-generator's grouping key is the label set, the same for the five metrics of a report: one group each.
  const line = (label, t) =>
    console.log(
      `  ${label.padEnd(52)} ${ms(t).padStart(11)}  ${String(Math.round((REPORTS / t) * 1000)).padStart(5)} reports/s`,
    );

  console.log(
    `Pushgateway export, ${REPORTS} reports (${REPORTS / STEPS.length} SLOs x ${STEPS.length} steps), 8 in flight:`,
  );
  const a = await timePushes([], REPEAT, slokit, REPORTS);
  const b = await timePushes([], 1, perMetric, REPORTS);
  line(`slokit, exportResults, 1 PUT/report (median of ${REPEAT})`, a);
  line('slo-generator style, 1 POST/metric (1 round)', b);
  console.log(
    `  speed-up ${(b / a).toFixed(1)}x  (default gateway: its consistency check gathers every stored group on each push)`,
  );
  const c = await timePushes(['--push.disable-consistency-check'], REPEAT, slokit, REPORTS);
  const d = await timePushes(['--push.disable-consistency-check'], REPEAT, perMetric, REPORTS);
  console.log('  with --push.disable-consistency-check (client + HTTP cost):');
  line(`slokit (median of ${REPEAT})`, c);
  line(`slo-generator style (median of ${REPEAT})`, d);
  console.log(`  speed-up ${(d / c).toFixed(1)}x`);
}

function normalized(text) {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const open = l.indexOf('{');
      const close = l.lastIndexOf('}');
      const labels = l
        .slice(open + 1, close)
        .split(',')
        .filter(Boolean)
        .sort()
        .join(',');
      return `${l.slice(0, open)}{${labels}} ${Number(l.slice(close + 2))}`;
    })
    .sort();
}

async function benchRender(seriesCount) {
  const perReport = SELF_DEFAULT_METRICS.length;
  const reportCount = Math.ceil(seriesCount / perReport);
  const registry = new ReportMetricsRegistry();
  const exporter = new PrometheusSelfExporter({}, registry);
  const reportsOf = (seed) => results(reportCount, seed).flatMap((r) => r.reports.map(reportV2toV1));

  const promRegistry = new Registry();
  const labelNames = [
    'env',
    'error_budget_policy_step_name',
    'feature_name',
    'service_name',
    'slo',
    'slo_name',
  ];
  const gauges = new Map(
    SELF_DEFAULT_METRICS.map((m) => [
      m.alias ?? m.name,
      new Gauge({ name: m.alias ?? m.name, help: m.description, labelNames, registers: [promRegistry] }),
    ]),
  );
  const fill = async (seed) => {
    const v1 = reportsOf(seed);
    for (const report of v1) {
      const metrics = await exporter.export(report, { name: 'prometheus_self' });
      const extra = { slo: report.name, error_budget_policy_step_name: report.error_budget_policy_step_name };
      for (const metric of metrics) gauges.get(metric.name).set({ ...metric.labels, ...extra }, metric.value);
    }
  };
  await fill(0);
  check(registry.seriesCount === reportCount * perReport, `registry holds ${registry.seriesCount} series`);
  const ours = registry.render();
  const theirs = await promRegistry.metrics();
  const a = normalized(ours);
  const b = normalized(theirs);
  check(
    a.length === reportCount * perReport && a.join('\n') === b.join('\n'),
    'render() and prom-client disagree',
  );

  const afterUpdate = [];
  const unchanged = [];
  const prom = [];
  for (let round = 1; round <= REPEAT + 1; round++) {
    await fill(round); // new values for every series: every family must be re-joined
    // Buffer.from: what serving the text costs (V8 strings built by concatenation are flattened here).
    const t1 = time(() => Buffer.from(registry.render())).ms;
    const t2 = time(() => Buffer.from(registry.render())).ms;
    const t3 = (await timeAsync(async () => Buffer.from(await promRegistry.metrics()))).ms;
    if (round > 1) {
      afterUpdate.push(t1);
      unchanged.push(t2);
      prom.push(t3);
    }
  }
  const [x, y, z] = [median(afterUpdate), median(unchanged), median(prom)];
  console.log(
    `/metrics render, ${reportCount * perReport} series (${reportCount} reports x ${perReport} metrics, ${ours.length} bytes), median of ${REPEAT}:`,
  );
  console.log(`  prom-client Registry.metrics()               ${ms(z).padStart(10)}`);
  console.log(
    `  ReportMetricsRegistry.render(), after update ${ms(x).padStart(10)}  ${(z / x).toFixed(1)}x faster`,
  );
  console.log(
    `  ReportMetricsRegistry.render(), unchanged    ${ms(y).padStart(10)}  ${(z / y).toFixed(1)}x faster`,
  );
}

console.log(`node ${process.version}`);
await benchPushgateway();
for (const n of [1_000, 10_000]) await benchRender(n);
if (failed) process.exitCode = 1;
