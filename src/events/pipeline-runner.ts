/**
 * Runs a `PipelineSpec` (what `slokit events run` executes; shared/reference/slo-exporter.md §1): sources →
 * processors → sloEventProducer → SLO event counters and the windowed event store. No HTTP: the server
 * (src/server/events-server.ts) hands request bodies to `ingestText` and renders `families()`.
 *
 * - Sources: each followed file is read by a `Tailer` a chunk at a time (`batches()`), stdin and request
 *   bodies as JSON events. Every stage after the source is a plain synchronous call per event, so a source
 *   pulls its next chunk only after the previous one went through the whole chain, and a request body is
 *   answered only after its events did: a slow stage slows the sources instead of queueing events
 *   (slo-exporter's unbuffered channels give the same back-pressure).
 * - The producer classifies a raw event built from the pipeline event: domain, class and app from its
 *   classification, the event key from the `__eventKey` metadata, its own result (rules with
 *   `honor_slo_result`) from the metadata field named by `spec.fields.result`.
 * - Every SLO event is counted in the Prometheus counters (`SloEventCounters`) and, when a store is given,
 *   in the event store at the processing time (the injected clock, read once per chunk or body: all events of
 *   one read are processed within it), or, for a file source with a `timestamp`, at the time the event
 *   carries (an event whose time is missing or does not parse: at the processing time, and counted). Both
 *   receive the SLO events of a read summed per series (see `#read`) at its end, and for timed events also
 *   wherever the minute changes: the same values as one add per event.
 * - Exactly once in the store: `snapshotPositions()` gives the tailed files' positions as of the events
 *   processed so far; taken in the same synchronous step as the store's pending counts, it describes exactly
 *   the lines those counts come from (pipeline-store.ts writes both in one transaction). This holds because
 *   a batch is processed synchronously and the tailer records a batch as consumed as soon as the next one is
 *   asked for, which the loop does right after processing it, before any timer can run.
 */
import type { Readable } from 'node:stream';
import type { Logger } from '../engine/logger.js';
import { silentLogger } from '../engine/logger.js';
import type { MetricFamily, Sample } from '../lang/prometheus-text.js';
import { Classifier, type RawEvent, type SloEvent, type SloResult } from './classifier.js';
import { SloEventCounters } from './counters.js';
import { LineSplitter, pipelineEventFrom } from './event-lines.js';
import { type EventStore, minuteOf, OVERFLOW_EVENT_KEY } from './event-store.js';
import { producerFamilies } from './metrics.js';
import { EVENT_KEY_METADATA, type EventProcessor, type PipelineEvent } from './pipeline-event.js';
import type { FileSourceSpec, PipelineSpec } from './pipeline-spec.js';
import { type FilePosition, hasIdentity, PositionsStore } from './positions.js';
import { ruleThresholdFamily } from './rule-thresholds.js';
import type { CompiledRule } from './rules-file.js';
import { TAILER_METRIC_NAMES, Tailer, type TailerMetrics } from './tailer.js';

/** SLO events of one read with the same rule and labels: the first one, and the quantities by result. */
interface ReadSums {
  event: SloEvent;
  good: number;
  bad: number;
}

/**
 * Bytes a tailed file is read at a time: each read is one or two round trips to libuv's thread pool, which
 * cost more than the lines of a 64 KiB read on a busy machine; 256 KiB still bounds memory.
 */
const FILE_READ_BYTES = 256 * 1024;

/** Where raw events come from. */
export type IngestSource = 'file' | 'http' | 'stdin';
const INGEST_SOURCES: readonly IngestSource[] = ['file', 'http', 'stdin'];

/** Outcome of one JSON events body: events that entered the pipeline, lines or elements skipped. */
export interface IngestResult {
  accepted: number;
  malformed: number;
}

/** A request body that is neither JSON lines nor a JSON array (an array that does not parse). */
export class EventBodyError extends Error {
  override name = 'EventBodyError';
}

/** How a runner is built. */
export interface PipelineRunnerOptions {
  /** Clock in Unix seconds, for the event store's buckets; default `Date.now() / 1000`. */
  now?: () => number;
  /** The windowed event store SLO events are also counted in; none: counters only. */
  store?: EventStore | undefined;
  /** Positions to resume the tailed files at, by path, preferred over their positions files (the store's). */
  resumePositions?: ReadonlyMap<string, FilePosition>;
  logger?: Logger;
}

/** Counts of the runner, besides the classifier's, counters' and tailers' own. */
export interface PipelineStats {
  /** Raw events that entered the processors, by source. */
  ingested: Record<IngestSource, number>;
  /** JSON event lines or array elements skipped as malformed, by source (files: see the tailer metrics). */
  malformed: Record<'http' | 'stdin', number>;
  /** Events dropped by each processor, in pipeline order. */
  dropped: number[];
  /** Events dropped because a processor threw on them, in pipeline order. */
  errors: number[];
  /** File events whose source reads a timestamp but whose own time was missing or did not parse. */
  timestampUnparsed: number;
}

const HELP_TAILER: Readonly<Record<keyof TailerMetrics, string>> = {
  linesRead: 'Total number of lines read from the tailed file.',
  malformedLines: 'Total number of lines that did not parse.',
  fileSizeBytes: 'Size of the tailed file in bytes (at the last position save).',
  fileOffsetBytes: 'Offset in the tailed file read up to, in bytes (at the last position save).',
};

/** One pipeline: the processors, the producer and the counters; see the module comment. */
export class PipelineRunner {
  readonly classifier: Classifier;
  readonly counters: SloEventCounters;
  readonly store: EventStore | undefined;
  readonly stats: PipelineStats;
  /** SLO events by the rule that produced them and result (quantities summed), since start. */
  readonly ruleResults = new Map<CompiledRule, Record<SloResult, number>>();
  readonly #spec: PipelineSpec;
  readonly #processors: readonly EventProcessor[];
  readonly #now: () => number;
  readonly #logger: Logger;
  readonly #resume: ReadonlyMap<string, FilePosition>;
  readonly #thresholds: MetricFamily | undefined;
  readonly #tailers: Tailer[] = [];
  /** The raw event handed to the classifier, reused: the classifier keeps nothing of it. */
  readonly #raw: RawEvent = { metadata: {}, key: '', quantity: 1 };
  readonly #emit: (slo: SloEvent) => void;
  /** Processing time of the read in progress, Unix seconds. */
  #timestamp = 0;
  /**
   * SLO events of the read in progress, summed by rule and labels (in first-seen order) and added to the
   * counters and the store at its end (`#flushRead`): one update per series and read rather than per event.
   * Nothing reads the counters or the store within a read (it is processed synchronously), all its events
   * share its timestamp (the store's buckets), and first-seen order keeps the order in which series and event
   * keys first reach them (the key cap admits keys in that order). The sums are exact while `#exactSums`
   * holds; from the first event that breaks it on, every event is added on its own, as without sums.
   */
  readonly #read: ReadSums[] = [];
  /** `#read` entries by rule and event key (looked up without building a key string per event). */
  readonly #readIndex = new Map<CompiledRule, Map<string, ReadSums[]>>();
  /**
   * True while every SLO event quantity so far is an integer and their absolute values add up to at most
   * 2^53 - 1: then every counter value and every sum of them is an integer of at most that size, computed
   * exactly in any grouping.
   */
  #exactSums = true;
  /** Sum of the absolute quantities of the SLO events so far (for `#exactSums`). */
  #quantityTotal = 0;
  #sources: Promise<void>[] = [];
  #stdin: Readable | undefined;
  #stopping = false;

  /** Throws a TypeError for counter options `SloEventCounters` refuses (the config loaders check them first). */
  constructor(spec: PipelineSpec, options: PipelineRunnerOptions = {}) {
    this.#spec = spec;
    this.#processors = spec.processors;
    this.#now = options.now ?? (() => Date.now() / 1000);
    this.#logger = options.logger ?? silentLogger;
    this.#resume = options.resumePositions ?? new Map();
    this.classifier = new Classifier(spec.producer.rules);
    this.counters = new SloEventCounters(spec.exporter);
    this.store = options.store;
    this.#thresholds = spec.producer.exposeRulesAsMetrics
      ? ruleThresholdFamily(spec.producer.rules).family
      : undefined;
    this.stats = {
      ingested: { file: 0, http: 0, stdin: 0 },
      malformed: { http: 0, stdin: 0 },
      dropped: spec.processors.map(() => 0),
      errors: spec.processors.map(() => 0),
      timestampUnparsed: 0,
    };
    const byRule = this.ruleResults;
    for (const rule of spec.producer.rules) byRule.set(rule, { success: 0, fail: 0 });
    this.#emit = (slo) => {
      byRule.get(slo.rule)![slo.result] += slo.quantity;
      if (this.#exactSums) {
        this.#quantityTotal += Math.abs(slo.quantity);
        if (Number.isInteger(slo.quantity) && this.#quantityTotal <= Number.MAX_SAFE_INTEGER) {
          this.#sum(slo);
          return;
        }
      }
      // From then on, one add per event, after the sums so far (order kept).
      this.#exactSums = false;
      this.#flushRead();
      this.counters.add(slo);
      this.store?.add(slo, this.#timestamp);
    };
  }

  /** True when some source ends by itself (a file with `follow: false`, or stdin). */
  hasFiniteSource(stdin: boolean): boolean {
    return stdin || this.#spec.sources.some((source) => !source.follow);
  }

  /**
   * Opens the positions files and starts reading every file source and, if given, `stdin` (JSON events).
   * Resolves once they are started; `ended()` tells when they are done. Throws `PositionsFileError` for a
   * positions file that cannot be read. A path-only (slo-exporter) position is logged as a warning.
   */
  async start(stdin?: Readable): Promise<void> {
    const positionFiles = new Map<string, PositionsStore>();
    for (const source of this.#spec.sources) {
      let positions = positionFiles.get(source.positionFile);
      if (!positions) {
        positions = await PositionsStore.load(source.positionFile);
        positionFiles.set(source.positionFile, positions);
      }
      const resumed = this.#resume.get(source.path);
      if (resumed) positions.set(source.path, resumed);
      const saved = positions.get(source.path);
      if (saved && !hasIdentity(saved))
        this.#logger.warn(
          { file: source.positionFile, path: source.path, offset: saved.offset },
          'saved position has no file identity (slo-exporter format): resumed at its offset if the file is not shorter, though it may be another file',
        );
      const tailer = new Tailer({
        path: source.path,
        parse: source.parse,
        follow: source.follow,
        positions,
        positionPersistenceIntervalMs: source.positionPersistenceIntervalMs,
        chunkBytes: FILE_READ_BYTES,
        onWarning: (message, details) => this.#logger.warn(details, message),
        onSaveError: (error) =>
          this.#logger.warn(
            { file: source.positionFile, err: String(error) },
            'cannot save tailer positions',
          ),
      });
      this.#tailers.push(tailer);
    }
    this.#sources = this.#tailers.map((tailer, index) => this.#readFile(tailer, this.#spec.sources[index]!));
    if (stdin) {
      this.#stdin = stdin;
      this.#sources.push(this.#readStdin(stdin));
    }
  }

  /**
   * Resolves once every started source has ended (files with `follow: false` at their end, stdin at EOF,
   * all of them after `stop()`). Rejects with a source's error (a tailed file that cannot be opened or read).
   */
  async ended(): Promise<void> {
    await Promise.all(this.#sources);
  }

  /** Stops every source (their positions are saved); `ended()` resolves once they have. */
  stop(): void {
    this.#stopping = true;
    for (const tailer of this.#tailers) void tailer.stop();
    this.#stdin?.destroy();
  }

  /**
   * The tailed files' positions as of the events processed so far, by path (see the module comment);
   * files not open yet are left out.
   */
  snapshotPositions(): Map<string, FilePosition> {
    const positions = new Map<string, FilePosition>();
    this.#tailers.forEach((tailer, index) => {
      const position = tailer.currentPosition();
      if (position) positions.set(this.#spec.sources[index]!.path, position);
    });
    return positions;
  }

  /**
   * Runs JSON events through the pipeline: a JSON array of event objects, or JSON lines (one object per
   * line, blank lines skipped). A line or element that is not a valid event is counted as malformed and
   * skipped. Throws `EventBodyError` when the text starts as a JSON array that does not parse.
   */
  ingestText(text: string, source: 'http' | 'stdin'): IngestResult {
    const result: IngestResult = { accepted: 0, malformed: 0 };
    this.#timestamp = this.#now();
    let first = 0;
    while (first < text.length && isJsonSpace(text.charCodeAt(first))) first++;
    if (text.charCodeAt(first) === 0x5b /* [ */) {
      let values: unknown;
      try {
        values = JSON.parse(text);
      } catch (error) {
        throw new EventBodyError(`not a JSON array of events: ${(error as Error).message}`);
      }
      for (const value of values as unknown[]) this.#ingestValue(value, source, result);
    } else {
      for (let start = 0; start < text.length; ) {
        let end = text.indexOf('\n', start);
        if (end === -1) end = text.length;
        this.#ingestLine(text.slice(start, end), source, result);
        start = end + 1;
      }
    }
    this.#flushRead();
    return result;
  }

  /** Every metric family of the pipeline, for `/metrics` (names as slo-exporter's, slokit's own `slokit_`). */
  families(): MetricFamily[] {
    const malformed = this.stats.malformed.http + this.stats.malformed.stdin;
    const families = [
      ...this.counters.families(),
      ...producerFamilies(this.classifier.stats, this.counters, malformed),
    ];
    if (this.#thresholds) families.push(this.#thresholds);
    for (const processor of this.#processors) families.push(...processor.families());
    families.push(...this.#tailerFamilies());
    families.push({
      name: 'slokit_events_ingested_total',
      help: 'Raw events that entered the pipeline, by source.',
      type: 'counter',
      samples: INGEST_SOURCES.map((source) => ({ labels: { source }, value: this.stats.ingested[source] })),
    });
    families.push({
      name: 'slokit_events_dropped_total',
      help: 'Raw events dropped by a pipeline module, by module.',
      type: 'counter',
      samples: this.#processors.map((processor, index) => ({
        labels: { module: processor.moduleName },
        value: this.stats.dropped[index]!,
      })),
    });
    families.push({
      name: 'slokit_events_processing_errors_total',
      help: 'Raw events dropped because a pipeline module failed on them, by module.',
      type: 'counter',
      samples: this.#processors.map((processor, index) => ({
        labels: { module: processor.moduleName },
        value: this.stats.errors[index]!,
      })),
    });
    if (this.#spec.sources.some((source) => source.timestamp))
      families.push({
        name: 'slokit_events_timestamp_unparsed_total',
        help: 'File events counted at processing time because their own timestamp was missing or did not parse.',
        type: 'counter',
        samples: [{ value: this.stats.timestampUnparsed }],
      });
    if (this.store) {
      const { series, overflowEvents, droppedEvents } = this.store.stats;
      families.push(
        {
          name: 'slokit_event_store_series',
          help: 'Distinct series held by the windowed event store.',
          type: 'gauge',
          samples: [{ value: series }],
        },
        {
          name: 'slokit_event_store_overflow_events_total',
          help: `SLO events (by quantity) stored under the event key ${OVERFLOW_EVENT_KEY} because their series would pass the series cap.`,
          type: 'counter',
          samples: [{ value: overflowEvents }],
        },
        {
          name: 'slokit_event_store_dropped_events_total',
          help: 'SLO events (by quantity) not stored because even their overflow series would pass its cap.',
          type: 'counter',
          samples: [{ value: droppedEvents }],
        },
      );
    }
    return families;
  }

  /** One raw event through the processors and the producer. */
  #process(event: PipelineEvent): void {
    let current: PipelineEvent | undefined = event;
    const processors = this.#processors;
    for (let i = 0; i < processors.length; i++) {
      try {
        current = processors[i]!.process(current);
      } catch (error) {
        this.#processorFailed(i, error);
        return;
      }
      if (current === undefined) {
        this.stats.dropped[i]!++;
        return;
      }
    }
    const raw = this.#raw;
    const { metadata, classification } = current;
    raw.metadata = metadata;
    raw.domain = classification?.domain;
    raw.class = classification?.class;
    raw.app = classification?.app;
    raw.key = metadata[EVENT_KEY_METADATA] ?? '';
    raw.quantity = current.quantity;
    raw.result = metadata[this.#spec.fields.result];
    this.classifier.classify(raw, this.#emit);
  }

  /**
   * A processor threw on an event (a defect, not bad input): the event is dropped and counted, the first
   * error of each module is logged, and the pipeline goes on with the next event.
   */
  #processorFailed(index: number, error: unknown): void {
    const errors = this.stats.errors;
    if (errors[index] === 0) {
      this.#logger.error(
        { module: this.#processors[index]!.moduleName, err: String(error) },
        'pipeline module failed on an event; dropping such events (counted in slokit_events_processing_errors_total)',
      );
    }
    errors[index]!++;
  }

  /** Adds an SLO event to the sums of the read in progress. */
  #sum(slo: SloEvent): void {
    let byKey = this.#readIndex.get(slo.rule);
    if (!byKey) {
      byKey = new Map();
      this.#readIndex.set(slo.rule, byKey);
    }
    let list = byKey.get(slo.key);
    if (!list) {
      list = [];
      byKey.set(slo.key, list);
    }
    let sums: ReadSums | undefined;
    for (let i = 0; i < list.length; i++) {
      const candidate = list[i]!.event;
      if (candidate.domain === slo.domain && candidate.class === slo.class && candidate.app === slo.app) {
        sums = list[i];
        break;
      }
    }
    if (!sums) {
      sums = { event: slo, good: 0, bad: 0 };
      list.push(sums);
      this.#read.push(sums);
    }
    if (slo.result === 'success') sums.good += slo.quantity;
    else sums.bad += slo.quantity;
  }

  /**
   * Adds the SLO events of the read that ended to the counters and the store, in first-seen order (the
   * order of the key cap and the store's series cap).
   */
  #flushRead(): void {
    if (this.#read.length === 0) return;
    const { counters, store } = this;
    const timestamp = this.#timestamp;
    for (const { event, good, bad } of this.#read) {
      const success: SloEvent = { ...event, result: 'success', quantity: good };
      const fail: SloEvent = { ...event, result: 'fail', quantity: bad };
      // Both: a series has both results from its first event on, and adding 0 changes no value.
      counters.add(success);
      counters.add(fail);
      if (store && (good > 0 || bad === 0)) store.add(success, timestamp);
      if (store && bad > 0) store.add(fail, timestamp);
    }
    this.#read.length = 0;
    this.#readIndex.clear();
  }

  async #readFile(tailer: Tailer, source: FileSourceSpec): Promise<void> {
    const ingested = this.stats.ingested;
    const time = source.timestamp;
    for await (const batch of tailer.batches()) {
      this.#timestamp = this.#now();
      if (time) this.#processTimed(batch, time);
      else for (let i = 0; i < batch.length; i++) this.#process({ metadata: batch[i]!, quantity: 1 });
      this.#flushRead();
      ingested.file += batch.length;
    }
  }

  /**
   * The events of a read, each at the time it carries (`#timestamp` is the read's processing time on entry).
   * The read's sums are stored wherever the minute changes, so each sum lies in one bucket and the store gets
   * what per-event adds would give it; a log in time order changes minute a few times per read at most.
   */
  #processTimed(
    batch: readonly Record<string, string>[],
    time: NonNullable<FileSourceSpec['timestamp']>,
  ): void {
    const processedAt = this.#timestamp;
    let minute = minuteOf(processedAt);
    for (let i = 0; i < batch.length; i++) {
      const metadata = batch[i]!;
      const text = metadata[time.field];
      let at = text === undefined ? undefined : time.parse(text);
      if (at === undefined || !Number.isFinite(at)) {
        this.stats.timestampUnparsed++;
        at = processedAt;
      }
      const eventMinute = minuteOf(at);
      if (eventMinute !== minute) {
        this.#flushRead();
        minute = eventMinute;
      }
      this.#timestamp = at;
      this.#process({ metadata, quantity: 1 });
    }
  }

  async #readStdin(stdin: Readable): Promise<void> {
    const result: IngestResult = { accepted: 0, malformed: 0 };
    const splitter = new LineSplitter(
      (line) => this.#ingestLine(line, 'stdin', result),
      () => this.#malformed('stdin', result),
    );
    try {
      for await (const chunk of stdin) {
        this.#timestamp = this.#now();
        splitter.push(chunk as Buffer);
        this.#flushRead();
      }
      this.#timestamp = this.#now();
      splitter.end();
      this.#flushRead();
    } catch (error) {
      // Destroyed by stop(): the end of this source, not a failure.
      if (!this.#stopping) throw error;
    }
  }

  #ingestLine(line: string, source: 'http' | 'stdin', result: IngestResult): void {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.#malformed(source, result);
      return;
    }
    this.#ingestValue(value, source, result);
  }

  #ingestValue(value: unknown, source: 'http' | 'stdin', result: IngestResult): void {
    const event = pipelineEventFrom(value, this.#spec.fields);
    if (!event) {
      this.#malformed(source, result);
      return;
    }
    result.accepted++;
    this.stats.ingested[source]++;
    this.#process(event);
  }

  #malformed(source: 'http' | 'stdin', result: IngestResult): void {
    result.malformed++;
    this.stats.malformed[source]++;
  }

  /** The tailers' metrics under slo-exporter's names; with several files, one series per file (`file`). */
  #tailerFamilies(): MetricFamily[] {
    const several = this.#spec.sources.length > 1;
    return (Object.keys(TAILER_METRIC_NAMES) as (keyof TailerMetrics)[]).flatMap((metric) => {
      if (this.#spec.sources.length === 0) return [];
      const samples: Sample[] = this.#spec.sources.map((source, index) => ({
        ...(several ? { labels: { file: source.path } } : {}),
        value: this.#tailers[index]?.metrics[metric] ?? 0,
      }));
      return [
        {
          name: TAILER_METRIC_NAMES[metric],
          help: HELP_TAILER[metric],
          type: metric === 'linesRead' || metric === 'malformedLines' ? 'counter' : 'gauge',
          samples,
        },
      ];
    });
  }
}

/** JSON's insignificant whitespace: space, tab, line feed, carriage return. */
function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}
