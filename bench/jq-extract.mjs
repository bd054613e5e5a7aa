/**
 * Benchmark (issue 10, item 5): jq extractions per second on a typical Prometheus instant-vector answer
 * (BENCH_SERIES series with Istio-style labels, about 5 KB at 20), through slokit's JqEngine (jq 1.8.2 in
 * WebAssembly, one worker thread) against the baseline of spawning the `jq` command once per extraction.
 * Each round extracts from BENCH_EXTRACTIONS distinct documents (the first series' value differs), the same
 * documents for both variants; rounds are interleaved. Checked before the ratio is printed: every extraction
 * of both variants gave the same number, the one the document holds.
 *
 * Environment: BENCH_ROUNDS (5), BENCH_EXTRACTIONS (100), BENCH_SERIES (20).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { JqEngine } from '../dist/lang/jq.js';
import { interleaved, roundsFromEnv, summary, timingHeader, timingRow } from './lib/timing.mjs';

const ROUNDS = roundsFromEnv(5);
const EXTRACTIONS = Number(process.env.BENCH_EXTRACTIONS ?? 100);
const SERIES = Number(process.env.BENCH_SERIES ?? 20);
// jq 1.6 (Debian's) cannot read `.data.result.[0]`, so the baseline's form of the shipped expression is used.
const PROGRAM = '.data.result[0].value[1] | tonumber';
const run = promisify(execFile);

/** The Prometheus `/api/v1/query` answer whose first series holds `value`. */
function answer(value) {
  const result = Array.from({ length: SERIES }, (_, i) => ({
    metric: {
      __name__: 'istio_requests_total',
      destination_workload: `reviews-v${i}`,
      destination_workload_namespace: 'bookinfo',
      reporter: 'source',
      response_code: i % 5 === 0 ? '503' : '200',
    },
    value: [1700000000.123, i === 0 ? value : String(i * 1.5)],
  }));
  return JSON.stringify({ status: 'success', data: { resultType: 'vector', result } });
}

const expected = Array.from({ length: EXTRACTIONS }, (_, i) => (i * 7.25 + 0.001).toString());
const documents = expected.map(answer);

const engine = new JqEngine();
await engine.extractValue(PROGRAM, { text: documents[0] }); // start the thread and load jq once
const mismatches = [];
const check = (variant, i, value) => {
  if (value !== Number(expected[i])) mismatches.push(`${variant} #${i}: ${value}, expected ${expected[i]}`);
};

console.log(
  `jq extraction (in-process: both variants in this process): ${EXTRACTIONS} extractions per round of ${JSON.stringify(PROGRAM)} on a ${documents[0].length}-byte Prometheus answer, ${ROUNDS} interleaved rounds; node ${process.version}`,
);
const results = await interleaved(
  [
    {
      name: 'jq-wasm (JqEngine)',
      run: async () => {
        const started = performance.now();
        for (let i = 0; i < EXTRACTIONS; i++) {
          const r = await engine.extractValue(PROGRAM, { text: documents[i] });
          check('jq-wasm', i, r.value);
        }
        return { ms: performance.now() - started };
      },
    },
    {
      name: 'jq process per extraction',
      run: async () => {
        const started = performance.now();
        for (let i = 0; i < EXTRACTIONS; i++) {
          const child = run('jq', ['-c', PROGRAM]);
          child.child.stdin.end(documents[i]);
          const { stdout } = await child;
          check('jq process', i, Number(stdout.trim()));
        }
        return { ms: performance.now() - started };
      },
    },
  ],
  ROUNDS,
);
await engine.close();
if (mismatches.length) {
  console.error(`outputs differ:\n${mismatches.slice(0, 10).join('\n')}`);
  process.exit(1);
}
console.log(timingHeader('variant', 28, 'extractions/s (min time)  '));
const rates = {};
for (const [name, rounds] of results) {
  const s = summary(rounds.map((r) => r.ms));
  rates[name] = EXTRACTIONS / (s.min / 1000);
  console.log(timingRow(name, s, 28, `${rates[name].toFixed(0).padStart(24)}  `));
}
const [library, baseline] = Object.values(rates);
console.log(`jq-wasm / jq process: ${(library / baseline).toFixed(1)}x the extractions per second`);
