/**
 * One measured process of bench/metrics.mjs: fills a `/metrics` registry with the `prometheus_self` metrics
 * of `reports` reports, updates every series with new values (what a compute pass does), renders the
 * exposition, and prints the timings, the heap the registry holds, and a digest of the exposition's samples.
 *
 *   node --expose-gc bench/lib/metrics-child.mjs <slokit|prom-client> <reports>
 *
 * Both variants derive the metrics of a report the same way (the MetricsExporter base with prometheus_self's
 * metric list) and differ only in where they put them: slokit's `ReportMetricsRegistry` (through its
 * `PrometheusSelfExporter`) or prom-client gauges. Render timings include `Buffer.from(text)`, the encoding a
 * response needs. Output (JSON): { fillMs, updateMs, renderMs, rerenderMs, heapBytes, series, digest }, where
 * heapBytes = heapUsed after gc with the filled registry minus heapUsed after gc before it (inputs live in
 * both), fill = first pass (creates the series), update = second pass (new values), rerender = a second
 * render with nothing changed.
 */
import { performance } from 'node:perf_hooks';
import { Gauge, Registry } from 'prom-client';
import { MetricsExporter } from '../../dist/exporters/metrics-exporter.js';
import { PrometheusSelfExporter, SELF_DEFAULT_METRICS } from '../../dist/exporters/prometheus-self.js';
import { reportIdentity } from '../../dist/exporters/report-identity.js';
import { ReportMetricsRegistry } from '../../dist/exporters/report-metrics-registry.js';
import { reportV2toV1 } from '../../dist/exporters/report-v1.js';
import { parseExposition, samplesDigest } from './exposition.mjs';
import { exporterResults } from './reports.mjs';

const [variant, count] = [process.argv[2], Number(process.argv[3])];
const CONFIG = { name: 'prometheus_self' };
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');

/** prometheus_self's metrics in prom-client gauges, labelled like slokit's series (plus slo and step). */
class PromClientSelfExporter extends MetricsExporter {
  registry = new Registry();
  /** @type {Map<string, Gauge>} */
  gauges = new Map();
  defaultMetrics() {
    return SELF_DEFAULT_METRICS;
  }
  /** Creates the gauges; prom-client fixes label names up front. */
  declare(labelNames) {
    for (const spec of SELF_DEFAULT_METRICS) {
      const name = spec.alias ?? spec.name;
      this.gauges.set(
        name,
        new Gauge({ name, help: spec.description, labelNames, registers: [this.registry] }),
      );
    }
  }
  async export(report, config) {
    const { slo, step } = reportIdentity(report);
    const metrics = this.metricsOf(report, config);
    for (const m of metrics) {
      this.gauges.get(m.name).set({ ...m.labels, slo, error_budget_policy_step_name: step }, m.value);
    }
    return metrics;
  }
}

const inputs = [1, 2].map((seed) => exporterResults(count, seed).flatMap((r) => r.reports.map(reportV2toV1)));
let exporter;
let render;
if (variant === 'slokit') {
  const registry = new ReportMetricsRegistry();
  exporter = new PrometheusSelfExporter({}, registry);
  render = async () => registry.render();
} else if (variant === 'prom-client') {
  exporter = new PromClientSelfExporter();
  const probe = new PrometheusSelfExporter({}, new ReportMetricsRegistry());
  const labels = new Set(['slo', 'error_budget_policy_step_name']);
  for (const m of probe.metricsOf(inputs[0][0], CONFIG)) for (const k of Object.keys(m.labels)) labels.add(k);
  exporter.declare([...labels].sort());
  render = () => exporter.registry.metrics();
} else throw new Error(`unknown variant ${variant}`);

const heap = () => {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
};
const pass = async (reports) => {
  const started = performance.now();
  for (const report of reports) await exporter.export(report, CONFIG);
  return performance.now() - started;
};
const timedRender = async () => {
  const started = performance.now();
  const bytes = Buffer.from(await render());
  return { ms: performance.now() - started, bytes };
};

/** Series count and digest of an exposition (a function, so the parsed samples are garbage afterwards). */
const digestOf = (bytes) => {
  const samples = parseExposition(bytes.toString('utf8'));
  return { series: samples.size, digest: samplesDigest(samples) };
};

const before = heap();
const fillMs = await pass(inputs[0]);
const updateMs = await pass(inputs[1]);
const first = await timedRender();
const again = await timedRender();
const { series, digest } = digestOf(first.bytes);
first.bytes = again.bytes = null;
const heapBytes = heap() - before;
process.stdout.write(
  JSON.stringify({ fillMs, updateMs, renderMs: first.ms, rerenderMs: again.ms, heapBytes, series, digest }),
);
