/**
 * Worker thread of `classifyInParallel` (parallel.ts): compiles the same rule files, then classifies batches
 * of whole input lines and answers, per batch, the `jsonl` text or the summary's partial sums.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Classifier, type ClassifierStats, type SloEvent } from './classifier.js';
import { EventLineReader, sloEventLine } from './event-lines.js';
import type { BatchResult, WorkerSetup } from './parallel.js';
import { parseRulesFile } from './rules-file.js';
import { EventSummary } from './summary.js';

const setup = workerData as WorkerSetup;
const classifier = new Classifier(
  setup.ruleFiles.flatMap(({ file, text }) => parseRulesFile(text, file).rules),
);

const delta = (after: ClassifierStats, before: ClassifierStats): ClassifierStats => ({
  processed: after.processed - before.processed,
  unclassified: after.unclassified - before.unclassified,
  unmatched: after.unmatched - before.unmatched,
  evaluationErrors: after.evaluationErrors - before.evaluationErrors,
  sloEvents: after.sloEvents - before.sloEvents,
});

parentPort!.on('message', ({ seq, bytes }: { seq: number; bytes: Uint8Array }) => {
  const before = { ...classifier.stats };
  const parts: string[] = [];
  const summary = new EventSummary();
  const emit =
    setup.output === 'jsonl' ? (e: SloEvent) => parts.push(sloEventLine(e)) : (e: SloEvent) => summary.add(e);
  const reader = new EventLineReader(classifier, emit, {
    fields: setup.fields,
    maxLineLength: setup.maxLineLength,
  });
  reader.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  reader.end();
  const result: BatchResult = {
    seq,
    counts: reader.counts,
    stats: delta(classifier.stats, before),
    text: setup.output === 'jsonl' ? parts.join('') : undefined,
    counted: setup.output === 'summary' ? summary.entries() : undefined,
  };
  parentPort!.postMessage(result);
});
