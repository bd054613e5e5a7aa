/**
 * Benchmark: serving `/metrics` (the `prometheus_self` exporter's registry) against prom-client, at
 * BENCH_SERIES (100,000) series, each round and variant in its own process (bench/lib/metrics-child.mjs; the
 * timings inside it are in-process), rounds interleaved.
 *
 * Measured per variant: the first pass creating the series, a second pass setting new values for every series
 * (what each compute pass does), rendering after it (text + Buffer.from), update + render together, a render
 * with nothing changed, and the heap the filled registry holds (heapUsed after gc, minus before it).
 * Checked before any ratio: both variants' expositions hold the same series with the same values (parsed into
 * sorted series → value maps and digested), in every round, and as many series as expected.
 *
 * Environment: BENCH_SERIES (100000), BENCH_ROUNDS (3).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SELF_DEFAULT_METRICS } from '../dist/exporters/prometheus-self.js';
import { runChecked } from './lib/process.mjs';
import { formatMs, interleaved, roundsFromEnv, summary } from './lib/timing.mjs';

const SERIES = Number(process.env.BENCH_SERIES ?? 100_000);
const ROUNDS = roundsFromEnv(3);
const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'lib', 'metrics-child.mjs');
const perReport = SELF_DEFAULT_METRICS.length;
const reports = Math.ceil(SERIES / perReport);
const VARIANTS = ['slokit', 'prom-client'];

console.log(
  `/metrics registry: ${reports * perReport} series (${reports} reports x ${perReport} metrics), one process per variant and round, ${ROUNDS} interleaved rounds; node ${process.version}`,
);
const results = await interleaved(
  VARIANTS.map((name) => ({
    name,
    run: async () => {
      const r = await runChecked(process.execPath, ['--expose-gc', CHILD, name, String(reports)]);
      return { ms: r.ms, ...JSON.parse(r.stdout) };
    },
  })),
  ROUNDS,
);

const failures = [];
const all = [...results.values()].flat();
const digests = new Set(all.map((r) => r.digest));
if (digests.size !== 1) failures.push(`expositions differ (${digests.size} distinct sample digests)`);
const counts = new Set(all.map((r) => r.series));
if (counts.size !== 1 || !counts.has(reports * perReport)) {
  failures.push(`series counts ${[...counts].join(', ')}, expected ${reports * perReport}`);
}

const MEASURES = [
  ['first pass (creates series)', (r) => r.fillMs],
  ['update pass (new values)', (r) => r.updateMs],
  ['render after update', (r) => r.renderMs],
  ['update + render', (r) => r.updateMs + r.renderMs],
  ['render again, unchanged', (r) => r.rerenderMs],
  ['heap held (MiB)', (r) => r.heapBytes / 2 ** 20],
];
const cell = (s, heap) =>
  heap ? `${s.min.toFixed(1)} / ${s.median.toFixed(1)}` : `${formatMs(s.min)} / ${formatMs(s.median)}`;
console.log(
  `\n  ${'min / median'.padEnd(30)} ${VARIANTS.map((v) => v.padStart(22)).join('')}   prom-client / slokit (median)`,
);
for (const [label, pick] of MEASURES) {
  const heap = label.startsWith('heap');
  const [ours, theirs] = VARIANTS.map((v) => summary(results.get(v).map(pick)));
  const ratio = failures.length ? 'n/a' : `${(theirs.median / ours.median).toFixed(2)}x`;
  console.log(
    `  ${label.padEnd(30)} ${[ours, theirs].map((s) => cell(s, heap).padStart(22)).join('')}   ${ratio}`,
  );
}
const noise = VARIANTS.map((v) => {
  const s = summary(results.get(v).map((r) => r.updateMs + r.renderMs));
  return `${v} ${(s.noise * 100).toFixed(0)} %`;
});
console.log(`  noise of update + render, (median - min) / min: ${noise.join(', ')}`);
if (failures.length) {
  console.error(`\nFAILED (no ratio printed):\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
} else console.log('  checked: the same series and values in every exposition of both variants');
