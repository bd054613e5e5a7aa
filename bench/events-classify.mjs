/**
 * Benchmark: event classification (`slokit events`).
 *
 *   npm run build && node bench/events-classify.mjs
 *
 * 1. In process: `Classifier.classify` over pre-parsed raw events with a 50-rule file mixing equality, regexp,
 *    number and duration conditions (bench/lib/events-workload.mjs), events/s on one core; target 1,000,000.
 *    Each round parses its 200,000 events afresh from JSON text (untimed), so no string of a round has been
 *    seen (hashed, memoised) before, as in a real stream.
 *    Same-run comparison: the same rules without the equality index (every rule tried on every event); both
 *    must emit the same SLO events and counts.
 * 2. Whole process: `slokit events classify --output summary` on a BENCH_EVENT_LINES-line (1,000,000) JSON-lines
 *    file vs a baseline process that only reads and JSON.parses the same file (bench/lib/events-baseline.mjs),
 *    rounds interleaved, min and median wall time; target: classify at >= 70% of the baseline's throughput.
 *    Run with the default worker threads (one per core, up to 4) and with `--workers 0` (one thread); both
 *    must print the same summary. The machine's other load shows in these wall times (the load average is
 *    printed): with 2 cores, the threaded run needs both, the baseline only one.
 *
 * Environment: BENCH_EVENT_LINES (1000000), BENCH_REPEAT (5).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Classifier } from '../dist/events/classifier.js';
import { rawEventFrom } from '../dist/events/event-lines.js';
import { parseRulesFile } from '../dist/events/rules-file.js';
import { eventObjects, rulesYaml } from './lib/events-workload.mjs';
import { median } from './lib/timing.mjs';

const LINES = Number(process.env.BENCH_EVENT_LINES ?? 1_000_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);
let failed = false;
/** Speed targets are reported, not failed on (bench/run.mjs fails only on correctness checks). */
const target = (met, what) => console.log(`  target: ${what}: ${met ? 'met' : 'NOT met'}`);
const check = (ok, message) => {
  if (!ok) {
    failed = true;
    console.error(`CHECK FAILED: ${message}`);
  }
};

const { rules, issues } = parseRulesFile(rulesYaml(), 'bench-rules.yaml');
check(issues.length === 0 && rules.length === 50, `50 valid rules (${issues.length} issues)`);

// 1. In process.
const EVENTS = 200_000;
const lines = eventObjects(EVENTS).map((o) => JSON.stringify(o));
const freshEvents = () => lines.map((line) => rawEventFrom(JSON.parse(line)));
function run(classifier, events) {
  let fails = 0;
  const emit = (e) => {
    if (e.result === 'fail') fails++;
  };
  const started = performance.now();
  for (let i = 0; i < events.length; i++) classifier.classify(events[i], emit);
  return { ms: performance.now() - started, fails };
}
const rates = { indexed: [], plain: [] };
let outputs;
for (let round = 0; round < REPEAT; round++) {
  const indexed = new Classifier(rules);
  const plain = new Classifier(rules, { index: false });
  const a = run(indexed, freshEvents());
  const b = run(plain, freshEvents());
  rates.indexed.push(EVENTS / (a.ms / 1000));
  rates.plain.push(EVENTS / (b.ms / 1000));
  check(a.fails === b.fails, `same failures with and without index (${a.fails} vs ${b.fails})`);
  check(JSON.stringify(indexed.stats) === JSON.stringify(plain.stats), 'same counts with and without index');
  outputs = { one: indexed.stats };
}
const fmt = (n) => `${(n / 1e6).toFixed(2)} M events/s`;
const best = (list) => Math.max(...list);
console.log(`in-process classification, 50 rules, ${EVENTS} fresh events per round, ${REPEAT} rounds:`);
console.log(`  indexed:  best ${fmt(best(rates.indexed))}, median ${fmt(median(rates.indexed))}`);
console.log(`  no index: best ${fmt(best(rates.plain))}, median ${fmt(median(rates.plain))}`);
console.log(`  per round: ${JSON.stringify(outputs.one)}`);
target(median(rates.indexed) >= 1_000_000, `median in-process rate >= 1,000,000 events/s`);

// 2. Whole process.
const dir = mkdtempSync(join(tmpdir(), 'slokit-bench-events-'));
try {
  const rulesFile = join(dir, 'rules.yaml');
  const input = join(dir, 'events.jsonl');
  writeFileSync(rulesFile, rulesYaml());
  const chunk = eventObjects(100_000, 2)
    .map((o) => JSON.stringify(o))
    .join('\n');
  const copies = Math.ceil(LINES / 100_000);
  writeFileSync(input, `${Array.from({ length: copies }, () => chunk).join('\n')}\n`);
  const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
  const baseline = fileURLToPath(new URL('./lib/events-baseline.mjs', import.meta.url));
  const time = (args) => {
    const started = performance.now();
    const out = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
    return { ms: performance.now() - started, out };
  };
  const classifyArgs = [
    main,
    'events',
    'classify',
    '--rules',
    rulesFile,
    '--input',
    input,
    '--output',
    'summary',
  ];
  const variants = {
    baseline: [baseline, input],
    classify: classifyArgs,
    'classify --workers 0': [...classifyArgs, '--workers', '0'],
  };
  // The parallel run needs every core, the baseline one: other load shows in the ratio, so it is printed.
  const loadBefore = loadavg()[0];
  const times = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
  const outputs = {};
  for (let round = 0; round < REPEAT; round++) {
    for (const [name, args] of Object.entries(variants)) {
      const run = time(args);
      times[name].push(run.ms);
      outputs[name] = run.out;
    }
    check(
      outputs.baseline.startsWith(`lines: ${copies * 100_000}  malformed: 0`),
      `baseline read every line: ${outputs.baseline.trim()}`,
    );
  }
  check(outputs.classify.includes(`lines: ${copies * 100_000}  malformed: 0`), 'classify read every line');
  check(outputs.classify === outputs['classify --workers 0'], 'same summary with and without worker threads');
  const ms = (x) => `${(x / 1000).toFixed(2)} s`;
  console.log(
    `\nwhole process, ${copies * 100_000} lines, ${REPEAT} interleaved rounds (${availableParallelism()} cores, ` +
      `1-minute load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after):`,
  );
  for (const [name, list] of Object.entries(times)) {
    const ratio = (f) => (f(times.baseline) / f(list)) * 100;
    const vs =
      name === 'baseline'
        ? ''
        : `; throughput vs baseline ${ratio((l) => Math.min(...l)).toFixed(0)}% (min), ${ratio(median).toFixed(0)}% (median)`;
    console.log(`  ${name.padEnd(22)} min ${ms(Math.min(...list))}, median ${ms(median(list))}${vs}`);
  }
  console.log(outputs.classify.split('\n').slice(-2).join('\n'));
  const ratioMedian = median(times.baseline) / median(times.classify);
  target(ratioMedian >= 0.7, `classify at >= 70% of the baseline throughput (median)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (failed) process.exitCode = 1;
