/**
 * A linked, validated event pipeline, ready to run: what both config styles compile to (an slo-exporter root
 * config, shared/reference/slo-exporter.md §1.2, or the `events:` section of slokit.yaml), and what
 * `slokit events run` executes. Types only.
 */
import type { CounterOptions } from './counters.js';
import type { EventFieldNames } from './event-fields.js';
import type { LineParser } from './line-parsers.js';
import type { TimestampParser } from './pipeline-config/timestamp-formats.js';
import type { EventProcessor } from './pipeline-event.js';
import type { CompiledRule } from './rules-file.js';

/** A followed log file (slo-exporter's `tailer` module, or a file source of the `events:` section). */
export interface FileSourceSpec {
  /** The file, resolved against the working directory. */
  path: string;
  /** Keep following after the end of the file (`tail -F`); false ends this source at the end. */
  follow: boolean;
  /** Where its position is kept across restarts. */
  positionFile: string;
  /** How often the position is saved, milliseconds. */
  positionPersistenceIntervalMs: number;
  /** Line → event metadata; undefined = malformed line (counted, skipped). */
  parse: LineParser;
  /**
   * Where an event's own time is read: the metadata key and its parser. Absent: events are counted at the
   * time they are read. An event whose key is absent or does not parse is counted at the time it is read.
   */
  timestamp?: { field: string; parse: TimestampParser } | undefined;
}

/** The windowed event store of the `events` backend (src/events/event-store.ts), persisted in SQLite. */
export interface EventStoreSpec {
  /** The history database (the `events` backend's `path`), resolved against the working directory. */
  database: string;
  /** How long buckets are kept in the database, seconds. */
  retentionSeconds: number;
  /** How often pending buckets (and file positions) are written, milliseconds. */
  flushIntervalMs: number;
  /** Most distinct series counted (EventStore `maxSeries`). */
  maxSeries: number;
}

/** Everything `slokit events run` needs. */
export interface PipelineSpec {
  /** The config file it came from, for messages. */
  file: string;
  /** `host:port` of the HTTP server (slo-exporter's `webServerListenAddress`). */
  listenAddress: string;
  /** Longest wait for the pipeline to drain on shutdown, milliseconds (`maximumGracefulShutdownDuration`). */
  maximumGracefulShutdownMs: number;
  /** Wait after the pipeline drained before the HTTP server closes, milliseconds (`afterPipelineShutdownDelay`). */
  afterPipelineShutdownDelayMs: number;
  /** Followed files; none means events come only from `POST /api/events` or `--stdin`. */
  sources: FileSourceSpec[];
  /** Raw-event processors in pipeline order, before the sloEventProducer. */
  processors: EventProcessor[];
  /** The sloEventProducer: rules of every rule file in order, and whether thresholds are exposed. */
  producer: { rules: CompiledRule[]; exposeRulesAsMetrics: boolean };
  /** The prometheusExporter's counters. */
  exporter: CounterOptions;
  /**
   * How a JSON event (`POST /api/events`, `--stdin`) maps onto a raw event: these fields give the
   * classification, event key, quantity and result; every string, number and boolean field is metadata.
   */
  fields: EventFieldNames;
  /** The windowed event store; undefined when it is disabled. */
  store?: EventStoreSpec | undefined;
}
