/**
 * Raw events from JSON lines: the input format of `slokit events classify` (one JSON object per line).
 *
 * Each line's string, number and boolean fields are the event's metadata (numbers and booleans read as their
 * JSON text, see `EventMetadata`); the classification fields (`slo_domain`, `slo_class`, `slo_app`), the event
 * key (`event_key`) and the event's own result (`slo_result`) are read the same way and stay in the metadata
 * too, so rules can match on them; `quantity` (default 1) must be a non-negative JSON number.
 * A line that is not valid JSON, not an object, has a bad quantity or is longer than the limit is malformed:
 * it is counted and skipped. Blank lines are skipped without counting. Invalid UTF-8 bytes read as U+FFFD.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Classifier, RawEvent, SloEvent } from './classifier.js';
import { DEFAULT_EVENT_FIELDS, DEFAULT_MAX_LINE_LENGTH, type EventFieldNames } from './event-fields.js';
import { metadataText } from './operators.js';
import { EVENT_KEY_METADATA, type PipelineEvent } from './pipeline-event.js';

/**
 * The fields and quantity of a parsed JSON value, when it is an event: a JSON object whose quantity field,
 * if present, is a finite non-negative number (default 1). Undefined when the value is not a valid event
 * (malformed). Shared by `rawEventFrom` and `pipelineEventFrom`.
 */
function eventObject(
  value: unknown,
  quantityField: string,
): { fields: Record<string, unknown>; quantity: number } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const fields = value as Record<string, unknown>;
  let quantity = 1;
  if (Object.hasOwn(fields, quantityField)) {
    const q = fields[quantityField];
    if (typeof q !== 'number' || !(q >= 0) || q === Number.POSITIVE_INFINITY) return undefined;
    quantity = q;
  }
  return { fields, quantity };
}

/** A raw event from a parsed JSON value, or undefined when the value is not a valid event (malformed). */
export function rawEventFrom(
  value: unknown,
  fields: EventFieldNames = DEFAULT_EVENT_FIELDS,
): RawEvent | undefined {
  const event = eventObject(value, fields.quantity);
  if (!event) return undefined;
  const metadata = event.fields;
  return {
    metadata,
    domain: metadataText(metadata, fields.domain),
    class: metadataText(metadata, fields.class),
    app: metadataText(metadata, fields.app),
    key: metadataText(metadata, fields.key) ?? '',
    quantity: event.quantity,
    result: metadataText(metadata, fields.result),
  };
}

/**
 * A pipeline event (`slokit events run`: `POST /api/events`, `--stdin`) from a parsed JSON value, or
 * undefined when the value is not a valid event (malformed). Its metadata holds every string, number and
 * boolean field as text (numbers and booleans as their JSON text); the classification comes from the domain,
 * class and app fields (absent when none is set), the event key field is also copied to `__eventKey`.
 */
export function pipelineEventFrom(
  value: unknown,
  fields: EventFieldNames = DEFAULT_EVENT_FIELDS,
): PipelineEvent | undefined {
  const event = eventObject(value, fields.quantity);
  if (!event) return undefined;
  const metadata: Record<string, string> = Object.create(null);
  for (const name in event.fields) {
    if (!Object.hasOwn(event.fields, name)) continue;
    const text = metadataText(event.fields, name);
    if (text !== undefined) metadata[name] = text;
  }
  const domain = metadata[fields.domain];
  const sloClass = metadata[fields.class];
  const app = metadata[fields.app];
  const key = metadata[fields.key];
  if (key !== undefined) metadata[EVENT_KEY_METADATA] = key;
  return {
    metadata,
    classification:
      domain === undefined && sloClass === undefined && app === undefined
        ? undefined
        : { domain: domain ?? '', class: sloClass ?? '', app: app ?? '' },
    quantity: event.quantity,
  };
}

/** Bytes decoded at a time (see `LineSplitter.push`). */
const DECODE_PIECE = 1 << 16;

/**
 * Splits a byte stream into lines. `onLine` gets each non-blank line (without its line feed),
 * `onOverlong` is called once per line longer than `maxLineLength`, which is dropped without being kept
 * in memory whole. Call `end()` after the last chunk.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  /** True while skipping the rest of an overlong line. */
  private skipping = false;
  /** True until the first text: a UTF-8 byte-order mark there is not part of the first line. */
  private atStart = true;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onOverlong: () => void,
    private readonly maxLineLength = DEFAULT_MAX_LINE_LENGTH,
  ) {}

  /** Feeds the next chunk of bytes. */
  push(chunk: Buffer): void {
    // Decoded a piece at a time, so the text and the lines parsed from it stay in the CPU cache: 1 MiB chunks
    // in one piece cost 8-10% more (bench/events-classify.mjs).
    for (let start = 0; start < chunk.length; start += DECODE_PIECE) {
      this.text(this.decoder.write(chunk.subarray(start, start + DECODE_PIECE)));
    }
  }

  /** Flushes the last line (one without a final line feed). */
  end(): void {
    this.text(this.decoder.end());
    if (!this.skipping) this.line(this.pending);
    this.pending = '';
    this.skipping = false;
  }

  private text(text: string): void {
    let start = 0;
    if (this.atStart && text.length > 0) {
      this.atStart = false;
      if (text.charCodeAt(0) === 0xfeff) start = 1;
    }
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline === -1) break;
      if (this.skipping) this.skipping = false;
      else if (this.pending) {
        const line = this.pending + text.slice(start, newline);
        this.pending = '';
        this.line(line);
      } else this.line(text.slice(start, newline));
      start = newline + 1;
    }
    if (this.skipping || start === text.length) return;
    this.pending += text.slice(start);
    if (this.pending.length > this.maxLineLength) {
      this.pending = '';
      this.skipping = true;
      this.onOverlong();
    }
  }

  private line(line: string): void {
    if (line.length > this.maxLineLength) {
      this.onOverlong();
      return;
    }
    if (line.charCodeAt(0) !== 123 && line.trim() === '') return; // 123: '{', the usual first character
    this.onLine(line);
  }
}

/** Counts of input lines: every non-blank line, and those skipped as malformed. */
export interface LineCounts {
  lines: number;
  malformed: number;
}

/**
 * JSON-lines bytes → raw events → `classifier`: the whole input path of `slokit events classify`, without
 * I/O. Feed chunks with `push`, then call `end`; `counts` tells how many lines were read and skipped.
 */
export class EventLineReader {
  readonly counts: LineCounts = { lines: 0, malformed: 0 };
  private readonly splitter: LineSplitter;

  constructor(
    classifier: Classifier,
    emit: (event: SloEvent) => void,
    options: { fields?: EventFieldNames; maxLineLength?: number } = {},
  ) {
    const fields = options.fields ?? DEFAULT_EVENT_FIELDS;
    const counts = this.counts;
    this.splitter = new LineSplitter(
      (line) => {
        counts.lines++;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          counts.malformed++;
          return;
        }
        const event = rawEventFrom(value, fields);
        if (event) classifier.classify(event, emit);
        else counts.malformed++;
      },
      () => {
        counts.lines++;
        counts.malformed++;
      },
      options.maxLineLength,
    );
  }

  /** Reads the next chunk of input bytes. */
  push(chunk: Buffer): void {
    this.splitter.push(chunk);
  }

  /** Reads the last line, if the input did not end with a line feed. */
  end(): void {
    this.splitter.end();
  }
}

/**
 * One SLO event as a line of the `jsonl` output (with its line feed):
 * `{"result","domain","class","app","key","quantity","metadata"}`, `metadata` being the rule's
 * `additional_metadata`.
 */
export function sloEventLine(event: SloEvent): string {
  return `${JSON.stringify({
    result: event.result,
    domain: event.domain,
    class: event.class,
    app: event.app,
    key: event.key,
    quantity: event.quantity,
    metadata: event.metadata,
  })}\n`;
}
