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
