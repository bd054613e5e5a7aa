/**
 * `slokit events classify` on several cores: the main thread cuts the input into batches of whole lines and
 * worker threads (classify-worker.ts) parse and classify them; results are applied in input order, so the
 * output is the one the single-threaded path (EventLineReader) gives: the same `jsonl` lines in the same
 * order, the same summary (whose exact sums do not depend on how the input was split).
 * Used for the `jsonl` and `summary` outputs; the `metrics` counters stay single-threaded.
 *
 * Where the time goes (bench/events-classify.mjs, 1,000,000 lines, node 20, 2 cores): per line, about 0.7 µs
 * of `JSON.parse` and 0.8 µs of classification and counting; the run is about 0.2 s of start-up (rule files,
 * thread boot, overlapped) plus half the one-thread work. Hence: the threads start before the rules are
 * read and get them as plain data (no YAML parser to load), each input chunk is copied once into a
 * transferred batch of at least BATCH_BYTES, and a batch goes to the least busy thread.
 */
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { ClassifierStats } from './classifier.js';
import type { EventFieldNames } from './event-fields.js';
import type { LineCounts } from './event-lines.js';
import { type RuleSource, ruleSources } from './rule-sources.js';
import type { CompiledRule } from './rules-file.js';
import type { EventSummary, SummaryEntry } from './summary.js';

/** What a worker is started with. */
export interface WorkerSetup {
  fields: EventFieldNames;
  maxLineLength: number;
  output: 'jsonl' | 'summary';
}

/** What a worker is sent: the rules, first and once, then batches of whole lines. */
export type WorkerMessage = { rules: RuleSource[] } | { seq: number; bytes: Uint8Array };

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

/** Smallest batch posted to a worker, in bytes (the last one aside): fewer, larger messages. */
const BATCH_BYTES = 1 << 19;

/** Batches in flight per worker: enough to keep it busy, few enough to bound memory. */
const IN_FLIGHT_PER_WORKER = 4;

/**
 * Worker threads for `events classify`. They start when this is constructed, so they boot while the main
 * thread is still reading the rule files; `classify` then sends them the rules. Call `terminate` in every
 * case (after `classify`, or when the rules turned out invalid).
 */
export class ClassifyWorkers {
  private readonly pool: Worker[];
  private readonly results = new Map<number, BatchResult>();
  private failure: unknown;
  /** Batches sent to each worker and not answered yet. */
  private readonly outstanding: number[];
  private stopping = false;
  private wake: (() => void) | undefined;
  private readonly maxLineLength: number;

  constructor(workers: number, setup: WorkerSetup) {
    this.maxLineLength = setup.maxLineLength;
    this.pool = Array.from(
      { length: workers },
      () => new Worker(new URL('./classify-worker.js', import.meta.url), { workerData: setup }),
    );
    const fail = (error: unknown) => {
      this.failure ??= error;
      this.wake?.();
    };
    this.outstanding = this.pool.map(() => 0);
    this.pool.forEach((worker, i) => {
      worker.on('message', (result: BatchResult) => {
        this.outstanding[i]!--;
        this.results.set(result.seq, result);
        this.wake?.();
      });
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (!this.stopping) fail(new Error(`a classification worker thread stopped (exit code ${code})`));
      });
    });
  }

  /**
   * Classifies `input` with `rules` (valid compiled rules). `write` gets the `jsonl` text in input order;
   * `summary` gets the counts. Resolves with the line counts and the classifier counts once every batch is
   * applied; rejects with a worker's error.
   */
  async classify(
    input: Readable,
    rules: readonly CompiledRule[],
    sinks: { write: (text: string) => void | Promise<void>; summary: EventSummary },
  ): Promise<{ counts: LineCounts; stats: ClassifierStats }> {
    const { pool, results } = this;
    const workers = pool.length;
    const counts: LineCounts = { lines: 0, malformed: 0 };
    const stats: ClassifierStats = {
      processed: 0,
      unclassified: 0,
      unmatched: 0,
      evaluationErrors: 0,
      sloEvents: 0,
    };
    const sources: WorkerMessage = { rules: ruleSources(rules) };
    for (const worker of pool) worker.postMessage(sources);
    let nextToApply = 0;
    let sent = 0;
    const waitForResult = () =>
      new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    /** Applies finished batches in order. */
    const drain = async () => {
      for (;;) {
        const result = results.get(nextToApply);
        if (!result) return;
        results.delete(nextToApply);
        nextToApply++;
        counts.lines += result.counts.lines;
        counts.malformed += result.counts.malformed;
        for (const key of Object.keys(stats) as (keyof ClassifierStats)[]) stats[key] += result.stats[key];
        if (result.text) await sinks.write(result.text);
        if (result.counted) sinks.summary.merge(result.counted);
      }
    };
    /** Posts `parts` as one batch: copied into one buffer of its own, which is transferred to the worker. */
    const post = async (parts: Uint8Array[]) => {
      for (;;) {
        if (this.failure) throw this.failure;
        await drain();
        if (sent - nextToApply < workers * IN_FLIGHT_PER_WORKER) break;
        await waitForResult();
      }
      const bytes = new Uint8Array(parts.reduce((size, part) => size + part.length, 0));
      let at = 0;
      for (const part of parts) {
        bytes.set(part, at);
        at += part.length;
      }
      const batch: WorkerMessage = { seq: sent, bytes };
      // To the least busy worker: one slowed down (by the reading thread, by other processes) takes fewer.
      let target = 0;
      for (let i = 1; i < workers; i++) if (this.outstanding[i]! < this.outstanding[target]!) target = i;
      this.outstanding[target]!++;
      pool[target]!.postMessage(batch, [bytes.buffer]);
      sent++;
    };
    // Whole lines are queued until a batch is worth a message: pipes deliver 64 KiB chunks.
    let queued: Uint8Array[] = [];
    let queuedBytes = 0;
    const flush = async () => {
      if (!queued.length) return;
      const parts = queued;
      queued = [];
      queuedBytes = 0;
      await post(parts);
    };
    /** Queues whole lines (`parts` together), posting a batch once there are enough. */
    const send = async (...parts: Uint8Array[]) => {
      for (const part of parts) {
        queued.push(part);
        queuedBytes += part.length;
      }
      if (queuedBytes >= BATCH_BYTES) await flush();
    };

    // Longer than this many bytes, a line is longer than maxLineLength characters whatever its encoding (a
    // character takes at most 3 UTF-8 bytes per UTF-16 unit): it is dropped here, shorter ones are checked
    // exactly by the worker.
    const maxLineBytes = 3 * this.maxLineLength + 3;
    let rest: Buffer = Buffer.alloc(0);
    let skipping = false;
    for await (const chunk of input) {
      let data = chunk as Buffer;
      if (skipping) {
        const newline = data.indexOf(10);
        if (newline === -1) continue;
        skipping = false;
        data = data.subarray(newline + 1);
      }
      // `rest`, the start of a line, has no line feed: the batch ends at the chunk's last one.
      const cut = data.lastIndexOf(10) + 1;
      if (cut > 0) {
        const head = rest;
        rest = Buffer.from(data.subarray(cut));
        await send(head, data.subarray(0, cut));
      } else rest = Buffer.concat([rest, data]);
      if (rest.length > maxLineBytes) {
        rest = Buffer.alloc(0);
        skipping = true;
        counts.lines++;
        counts.malformed++;
      }
      await drain();
    }
    if (rest.length && !skipping) await send(rest);
    await flush();
    while (nextToApply < sent) {
      if (this.failure) throw this.failure;
      await drain();
      if (nextToApply < sent) await waitForResult();
    }
    if (this.failure) throw this.failure;
    return { counts, stats };
  }

  /** Stops every worker thread. */
  async terminate(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.pool.map((worker) => worker.terminate()));
  }
}
