/**
 * Benchmark (issue 10, "templates rendered per second"): Iter8's istio-prom provider template
 * (test/fixtures/providers/istio-prom.tpl, reference iter8.md §6.1) rendered by slokit's Go text/template port,
 * parsed once and executed per render (what the http backend does: templates are compiled once and cached),
 * against the baseline that parses the template again for every render. Each round renders BENCH_RENDERS
 * distinct value sets (workload, namespace, window, percentiles vary), the same ones for both variants; rounds
 * are interleaved. Checked before the ratio is printed: both variants produced the same text for every render,
 * and that text holds the render's own workload label and window.
 *
 * Environment: BENCH_ROUNDS (5), BENCH_RENDERS (2000).
 */
import { readFileSync } from 'node:fs';
import { GoInt64, parseTemplate } from '../dist/lang/go-template.js';
import { interleaved, roundsFromEnv, summary, timingHeader, timingRow } from './lib/timing.mjs';

const ROUNDS = roundsFromEnv(5);
const RENDERS = Number(process.env.BENCH_RENDERS ?? 2000);
const SOURCE = readFileSync(new URL('../test/fixtures/providers/istio-prom.tpl', import.meta.url), 'utf8');
const NAME = 'provider template'; // Iter8's template name

// Values as Iter8 builds them: numbers from YAML/JSON are float64, elapsedTimeSeconds an int64.
const values = Array.from({ length: RENDERS }, (_, i) => ({
  labels: { destination_workload: `reviews-v${i}`, destination_workload_namespace: `ns-${i % 7}` },
  elapsedTimeSeconds: new GoInt64(BigInt(60 + i)),
  latencyPercentiles: [50, 75, 90, 95, 99].slice(0, 1 + (i % 5)),
}));

const compiled = parseTemplate(SOURCE, NAME);
const outputs = { compiled: [], reparsed: [] };

console.log(
  `go-template render (in-process: both variants in this process): ${RENDERS} renders per round of the ${SOURCE.length}-byte istio-prom provider template, ${ROUNDS} interleaved rounds; node ${process.version}`,
);
const results = await interleaved(
  [
    {
      name: 'parsed once, executed',
      run: async (round) => {
        const out = new Array(RENDERS);
        const started = performance.now();
        for (let i = 0; i < RENDERS; i++) out[i] = compiled.execute(values[i]);
        const ms = performance.now() - started;
        if (round === 1) outputs.compiled = out;
        return { ms };
      },
    },
    {
      name: 'parsed per render (baseline)',
      run: async (round) => {
        const out = new Array(RENDERS);
        const started = performance.now();
        for (let i = 0; i < RENDERS; i++) out[i] = parseTemplate(SOURCE, NAME).execute(values[i]);
        const ms = performance.now() - started;
        if (round === 1) outputs.reparsed = out;
        return { ms };
      },
    },
  ],
  ROUNDS,
);

const mismatches = [];
for (let i = 0; i < RENDERS; i++) {
  const text = outputs.compiled[i];
  if (text !== outputs.reparsed[i]) mismatches.push(`render #${i}: the variants differ`);
  else if (!text.includes(`destination_workload="reviews-v${i}",`) || !text.includes(`}[${60 + i}s]))`))
    mismatches.push(`render #${i}: its workload label or window is missing`);
}
if (mismatches.length) {
  console.error(`outputs wrong:\n${mismatches.slice(0, 10).join('\n')}`);
  process.exit(1);
}
console.log(timingHeader('variant', 30, 'renders/s (min time)  '));
const rates = {};
for (const [name, rounds] of results) {
  const s = summary(rounds.map((r) => r.ms));
  rates[name] = RENDERS / (s.min / 1000);
  console.log(timingRow(name, s, 30, `${rates[name].toFixed(0).padStart(20)}  `));
}
const [once, baseline] = Object.values(rates);
console.log(`parsed once / parsed per render: ${(once / baseline).toFixed(1)}x the renders per second`);
