/**
 * Runs every benchmark script in bench/ (each `*.mjs` except this one), one after the other, each in its own
 * Node process. `node bench/run.mjs compute` runs only the scripts whose name contains "compute".
 * Exits non-zero when a benchmark fails (a correctness check inside it, not a missed speed target).
 * BENCH_ROUNDS=n sets the rounds of every benchmark (defaults, sized for about 4 minutes in all on 2 cores:
 * compute-e2e 5, events-run 5, export 5, go-template 5, history 3, http-client 3, keptn-get-sli 20, metrics 3,
 * slo-counters 3, startup 10). events-pipeline runs at its quick scale here (1,000,000 events for the memory
 * figures instead of 10,000,000: BENCH_QUICK=1), which keeps the whole run under 5 minutes on 2 cores;
 * BENCH_FULL=1 runs it at full scale (about a minute more), as `node bench/events-pipeline.mjs` does.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs')
  .filter((f) => !filters.length || filters.some((word) => f.includes(word)))
  .sort();

const runScript = (file) =>
  new Promise((resolve) => {
    const env = process.env.BENCH_FULL === '1' ? process.env : { BENCH_QUICK: '1', ...process.env };
    const child = spawn(process.execPath, [join(dir, file)], { stdio: 'inherit', env });
    child.on('error', () => resolve(1));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });

const failed = [];
const startedAll = performance.now();
for (const file of scripts) {
  console.log(`\n=== bench/${file} ===`);
  const started = performance.now();
  const code = await runScript(file);
  console.log(
    `=== bench/${file}: ${code === 0 ? 'ok' : `failed (exit ${code})`} in ${((performance.now() - started) / 1000).toFixed(1)} s ===`,
  );
  if (code !== 0) failed.push(file);
}
if (!scripts.length) console.log('no benchmarks found');
console.log(`\nall benchmarks: ${((performance.now() - startedAll) / 1000).toFixed(1)} s`);
if (failed.length) {
  console.error(`\nfailed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
