/**
 * Worker thread of `ClassifyWorkers` (parallel.ts): gets the rules as sources (rule-sources.ts) in its first
 * message, then classifies batches of whole input lines and answers, per batch, the `jsonl` text or the
 * summary's partial sums.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Classifier, type ClassifierStats, type SloEvent } from './classifier.js';
import { EventLineReader, sloEventLine } from './event-lines.js';
import type { BatchResult, WorkerMessage, WorkerSetup } from './parallel.js';
import { compileRuleSources } from './rule-sources.js';
import { EventSummary } from './summary.js';

const setup = workerData as WorkerSetup;
let classifier: Classifier | undefined;

const delta = (after: ClassifierStats, before: ClassifierStats): ClassifierStats => ({
  processed: after.processed - before.processed,
  unclassified: after.unclassified - before.unclassified,
  unmatched: after.unmatched - before.unmatched,
  evaluationErrors: after.evaluationErrors - before.evaluationErrors,
  sloEvents: after.sloEvents - before.sloEvents,
});

function classifyBatch(classifier: Classifier, seq: number, bytes: Uint8Array): BatchResult {
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
  return {
    seq,
    counts: reader.counts,
    stats: delta(classifier.stats, before),
    text: setup.output === 'jsonl' ? parts.join('') : undefined,
    counted: setup.output === 'summary' ? summary.entries() : undefined,
  };
}

parentPort!.on('message', (message: WorkerMessage) => {
  if ('rules' in message) {
    classifier = new Classifier(compileRuleSources(message.rules));
    return;
  }
  // The rules come first: the pool sends them before any batch.
  parentPort!.postMessage(classifyBatch(classifier!, message.seq, message.bytes));
});
