/**
 * Benchmark: `/metrics` of the SLO event counters (slo-exporter's four-family cascade) at BENCH_SERIES
 * (100,000) exposed series, slokit's `SloEventCounters` against prom-client `Counter`s with the same label
 * sets, each round and variant in its own process (bench/lib/slo-counters-child.mjs, timings in-process),
 * rounds interleaved. The work, as issue 12 states it: BENCH_EVENTS (1,000,000) SLO events spread over the
 * series between two scrapes, plus the scrape itself. Each SLO event increments one series of each of the
 * four families (prom-client: four `inc` calls). A third variant only generates the events, the cost both
 * others include.
 *
 * Measured, in wall-clock and in CPU time (the latter is what a step costs when other processes compete for
 * the cores): the first pass creating the series, the scrape after it, the events between the scrapes, the
 * second scrape (scrapes: text + Buffer.from), events + second scrape together (the issue's work), and the heap held (heapUsed + arrayBuffers after gc, counters
 * filled, minus before). Checked before any ratio: both variants' second scrapes hold the same series with
 * the same values (parsed into samples and digested) in every round, and BENCH_SERIES of them.
 *
 * Environment: BENCH_SERIES (100000), BENCH_EVENTS (1000000), BENCH_ROUNDS (3).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChecked } from './lib/process.mjs';
import { keysFor } from './lib/slo-counters-workload.mjs';
import { formatMs, interleaved, roundsFromEnv, summary } from './lib/timing.mjs';

const SERIES = Number(process.env.BENCH_SERIES ?? 100_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const ROUNDS = roundsFromEnv(3);
const SEED = 12;
const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'lib', 'slo-counters-child.mjs');
const VARIANTS = ['slokit', 'prom-client', 'generate'];

console.log(
  `SLO event counters: ${SERIES} series (${keysFor(SERIES)} event keys), ${EVENTS} events between two scrapes, one process per variant and round, ${ROUNDS} interleaved rounds; node ${process.version}`,
);
const results = await interleaved(
  VARIANTS.map((name) => ({
    name,
    run: async () => {
      const args = ['--expose-gc', CHILD, name, String(SERIES), String(EVENTS), String(SEED)];
      const r = await runChecked(process.execPath, args);
      return { ms: r.ms, ...JSON.parse(r.stdout) };
    },
  })),
  ROUNDS,
);

const failures = [];
const compared = [...results.get('slokit'), ...results.get('prom-client')];
const digests = new Set(compared.map((r) => r.digest));
if (digests.size !== 1) failures.push(`expositions differ (${digests.size} distinct sample digests)`);
const counts = new Set(compared.map((r) => r.series));
if (counts.size !== 1 || !counts.has(SERIES)) {
  failures.push(`series counts ${[...counts].join(', ')}, expected ${SERIES}`);
}

const MEASURES = [
  ['first pass (creates series)', 'fillMs'],
  ['scrape after the first pass', 'scrape1Ms'],
  [`${EVENTS} events`, 'updateMs'],
  ['scrape after the events', 'scrapeMs'],
  ['events + scrape (the work)', 'workMs'],
];
const [ours, theirs, generate] = VARIANTS;
/** A step's milliseconds in one result: wall clock, or CPU time with `cpu`. */
const stepMs = (r, step, cpu) => {
  const t = cpu ? r.cpu : r;
  return step === 'workMs' ? t.updateMs + t.scrapeMs : t[step];
};
const stats = (variant, pick) => summary(results.get(variant).map(pick));
const cell = (s, heap) =>
  heap ? `${s.min.toFixed(1)} / ${s.median.toFixed(1)}` : `${formatMs(s.min)} / ${formatMs(s.median)}`;
const ratio = (a, b) => (failures.length ? 'n/a' : `${(b.median / a.median).toFixed(2)}x`);
for (const cpu of [false, true]) {
  const title = cpu ? 'CPU time, min / median' : 'wall clock, min / median';
  console.log(
    `\n  ${title.padEnd(30)} ${[ours, theirs].map((v) => v.padStart(22)).join('')}   prom-client / slokit (median)`,
  );
  for (const [label, step] of MEASURES) {
    const [a, b] = [ours, theirs].map((v) => stats(v, (r) => stepMs(r, step, cpu)));
    console.log(
      `  ${label.padEnd(30)} ${[a, b].map((s) => cell(s, false).padStart(22)).join('')}   ${ratio(a, b)}`,
    );
  }
}
const [heapOurs, heapTheirs] = [ours, theirs].map((v) => stats(v, (r) => r.heapBytes / 2 ** 20));
console.log(
  `  ${'heap held (MiB)'.padEnd(30)} ${[heapOurs, heapTheirs].map((s) => cell(s, true).padStart(22)).join('')}   ${ratio(heapOurs, heapTheirs)}`,
);
const gen = stats(generate, (r) => r.updateMs);
console.log(`\n  generating the ${EVENTS} events alone (in both, wall clock): ${cell(gen, false)}`);
console.log(`  exposition: ${(results.get(ours)[0].bytes / 2 ** 20).toFixed(1)} MiB`);
const noise = [ours, theirs].map(
  (v) => `${v} ${(stats(v, (r) => stepMs(r, 'workMs')).noise * 100).toFixed(0)} %`,
);
console.log(`  noise of the work (wall clock), (median - min) / min: ${noise.join(', ')}`);
if (!failures.length) {
  // Issue 12's goals, on medians (a missed goal is reported, not a failure: timings depend on the machine;
  // CPU time is what the steps cost when other processes compete for the cores).
  const median = (v, pick) => stats(v, pick).median;
  const heap = median(ours, (r) => r.heapBytes) / median(theirs, (r) => r.heapBytes);
  const goal = (ok) => (ok ? 'met' : 'MISSED');
  for (const cpu of [false, true]) {
    const scrape = median(ours, (r) => stepMs(r, 'scrapeMs', cpu));
    const speedup =
      median(theirs, (r) => stepMs(r, 'workMs', cpu)) / median(ours, (r) => stepMs(r, 'workMs', cpu));
    const clock = cpu ? 'CPU time' : 'wall clock';
    console.log(
      `  goals (${clock}): scrape < 100 ms ${goal(scrape < 100)} (${formatMs(scrape)}); work >= 3x faster than prom-client ${goal(speedup >= 3)} (${speedup.toFixed(2)}x)`,
    );
  }
  console.log(`  goal heap held <= 1.5x prom-client's: ${goal(heap <= 1.5)} (${heap.toFixed(2)}x)`);
}
if (failures.length) {
  console.error(`\nFAILED (no ratio printed):\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
} else console.log('  checked: the same series and values in every second scrape of both variants');
