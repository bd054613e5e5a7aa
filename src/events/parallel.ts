/**
 * `slokit events classify` on several cores: the main thread cuts the input into batches of whole lines and
 * worker threads (classify-worker.ts) parse and classify them; results are applied in input order, so the
 * output is the one the single-threaded path (EventLineReader) gives: the same `jsonl` lines in the same
 * order, the same summary (whose exact sums do not depend on how the input was split).
 * Used for the `jsonl` and `summary` outputs; the `metrics` counters stay single-threaded.
 */
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { ClassifierStats } from './classifier.js';
import { DEFAULT_MAX_LINE_LENGTH, type EventFieldNames } from './event-fields.js';
import type { LineCounts } from './event-lines.js';
import type { EventSummary, SummaryEntry } from './summary.js';

/** What a worker is started with. */
export interface WorkerSetup {
  ruleFiles: { file: string; text: string }[];
  fields: EventFieldNames;
  maxLineLength: number;
  output: 'jsonl' | 'summary';
}

/** A worker's answer for one batch. */
export interface BatchResult {
  seq: number;
  counts: LineCounts;
  stats: ClassifierStats;
  /** `jsonl` output of the batch. */
  text: string | undefined;
  /** Summary rows of the batch. */
  counted: SummaryEntry[] | undefined;
}

/** Batches in flight per worker: enough to keep it busy, few enough to bound memory. */
const IN_FLIGHT_PER_WORKER = 3;

/**
 * Classifies `input` on `workers` threads. `write` gets the `jsonl` text in input order; `summary` gets the
 * counts. Resolves with the line counts and the classifier counts once every batch is applied.
 */
export async function classifyInParallel(
  input: Readable,
  setup: WorkerSetup,
  workers: number,
  sinks: { write: (text: string) => void | Promise<void>; summary: EventSummary },
): Promise<{ counts: LineCounts; stats: ClassifierStats }> {
  const counts: LineCounts = { lines: 0, malformed: 0 };
  const stats: ClassifierStats = {
    processed: 0,
    unclassified: 0,
    unmatched: 0,
    evaluationErrors: 0,
    sloEvents: 0,
  };
  const pool = Array.from(
    { length: workers },
    () => new Worker(new URL('./classify-worker.js', import.meta.url), { workerData: setup }),
  );
  const ready = new Map<number, BatchResult>();
  let nextToApply = 0;
  let sent = 0;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const onResult = (result: BatchResult) => {
    ready.set(result.seq, result);
    wake?.();
  };
  const onError = (error: unknown) => {
    failure ??= error;
    wake?.();
  };
  for (const worker of pool) {
    worker.on('message', onResult);
    worker.on('error', onError);
  }
  const waitForResult = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
    });
  /** Applies finished batches in order. */
  const drain = async () => {
    for (;;) {
      const result = ready.get(nextToApply);
      if (!result) return;
      ready.delete(nextToApply);
      nextToApply++;
      counts.lines += result.counts.lines;
      counts.malformed += result.counts.malformed;
      for (const key of Object.keys(stats) as (keyof ClassifierStats)[]) stats[key] += result.stats[key];
      if (result.text) await sinks.write(result.text);
      if (result.counted) sinks.summary.merge(result.counted);
    }
  };
  const send = async (bytes: Uint8Array) => {
    for (;;) {
      if (failure) throw failure;
      await drain();
      if (sent - nextToApply < workers * IN_FLIGHT_PER_WORKER) break;
      await waitForResult();
    }
    const copy = new Uint8Array(bytes); // its own buffer, transferred to the worker
    pool[sent % workers]!.postMessage({ seq: sent, bytes: copy }, [copy.buffer]);
    sent++;
  };

  // Longer than this many bytes, a line is longer than maxLineLength characters whatever its encoding (a
  // character takes at most 3 UTF-8 bytes per UTF-16 unit): it is dropped here, shorter ones are checked
  // exactly by the worker.
  const maxLineBytes = 3 * (setup.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH) + 3;
  let rest: Buffer = Buffer.alloc(0);
  let skipping = false;
  try {
    for await (const chunk of input) {
      let data = chunk as Buffer;
      if (skipping) {
        const newline = data.indexOf(10);
        if (newline === -1) continue;
        skipping = false;
        data = data.subarray(newline + 1);
      }
      const joined = rest.length ? Buffer.concat([rest, data]) : data;
      const cut = joined.lastIndexOf(10) + 1;
      rest = Buffer.from(joined.subarray(cut));
      if (cut > 0) await send(joined.subarray(0, cut));
      if (rest.length > maxLineBytes) {
        rest = Buffer.alloc(0);
        skipping = true;
        counts.lines++;
        counts.malformed++;
      }
      await drain();
    }
    if (rest.length && !skipping) await send(rest);
    while (nextToApply < sent) {
      if (failure) throw failure;
      await drain();
      if (nextToApply < sent) await waitForResult();
    }
    if (failure) throw failure;
  } finally {
    await Promise.all(pool.map((worker) => worker.terminate()));
  }
  return { counts, stats };
}
