/** Timing helpers for the benchmarks. */
import { performance } from 'node:perf_hooks';

/** The median (upper median of an even count) of `values`. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Milliseconds `fn` takes, and what it returns. */
export function time(fn) {
  const started = performance.now();
  const result = fn();
  return { ms: performance.now() - started, result };
}

/** Milliseconds the promise of `fn` takes to settle, and its value. */
export async function timeAsync(fn) {
  const started = performance.now();
  const result = await fn();
  return { ms: performance.now() - started, result };
}

/** Mean milliseconds of `fn` over `runs` runs, after a warm-up run. */
export function mean(fn, runs) {
  fn();
  const started = performance.now();
  for (let i = 0; i < runs; i++) fn();
  return (performance.now() - started) / runs;
}

/** Smallest of `values`. */
export function min(values) {
  return Math.min(...values);
}

/**
 * Min, median and noise of repeated timings (milliseconds). `noise` is (median - min) / min: how much a typical
 * round lost to other work on the machine (0.05 = 5 %).
 */
export function summary(values) {
  const low = min(values);
  const mid = median(values);
  return { min: low, median: mid, noise: low > 0 ? (mid - low) / low : 0, values };
}

/**
 * Runs `rounds` rounds of every variant, interleaved (A, B, C, A, B, C, ...), so slow phases of the machine hit
 * every variant alike. `variant.run(round)` resolves with `{ ms, ... }`; the results come back per variant
 * name, in round order. Round numbers start at 1.
 * @template {{ ms: number }} R
 * @param {{ name: string, run: (round: number) => Promise<R> }[]} variants
 * @param {number} rounds
 * @returns {Promise<Map<string, R[]>>}
 */
export async function interleaved(variants, rounds) {
  const results = new Map(variants.map((v) => [v.name, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const variant of variants) results.get(variant.name).push(await variant.run(round));
  }
  return results;
}

/** Rounds from the BENCH_ROUNDS environment variable (at least 1), else `fallback`. */
export function roundsFromEnv(fallback) {
  const n = Number(process.env.BENCH_ROUNDS ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_ROUNDS must be a positive integer, got ${n}`);
  return n;
}

/** `12.3 ms` (one decimal under 100 ms, none above). */
export const formatMs = (ms) => `${ms.toFixed(ms < 100 ? 1 : 0)} ms`;

/** One table line per variant: min, median, noise, `extra` columns, then each round. */
export function timingRow(label, s, width = 28, extra = '') {
  const noise = `${(s.noise * 100).toFixed(0)} %`;
  return `  ${label.padEnd(width)} ${formatMs(s.min).padStart(10)} ${formatMs(s.median).padStart(10)} ${noise.padStart(6)}   ${extra}${s.values.map((v) => v.toFixed(0)).join(' ')}`;
}

/** Header matching `timingRow` (`extra`: headers of the extra columns, as wide as they are). */
export function timingHeader(label = 'variant', width = 28, extra = '') {
  return `  ${label.padEnd(width)} ${'min'.padStart(10)} ${'median'.padStart(10)} ${'noise'.padStart(6)}   ${extra}rounds (ms)`;
}
