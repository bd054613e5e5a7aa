/**
 * Follows a log file by name, like `tail -F`, and turns its lines into event metadata: slo-exporter's
 * `tailer` module (shared/reference/slo-exporter.md §3.1) with positions that know which file they belong to.
 *
 * - Rotation by rename (or delete) and create: when the path names another file (device/inode changed), the
 *   old file is read to its end, then the new one from its start. Copytruncate and truncation: when the file
 *   is shorter than the read offset, or its first bytes changed (truncated and written past the offset again
 *   between two checks), reading restarts at 0. Polling (`pollIntervalMs`), as slo-exporter does.
 * - Lines end at `\n` (which is removed, nothing else); a last line without one is read once the file is
 *   rotated away, or at the end with `follow: false`. A line over `maxLineBytes` is malformed, skipped
 *   without being held whole.
 * - Pull-based: the file is read a chunk at a time only when the consumer asks for the next event (or the
 *   next batch: `batches()` hands out the parsed lines of one chunk per pull, one promise per chunk), so a
 *   slow consumer slows the reading and memory stays bounded (one chunk plus one line).
 * - Positions (see positions.ts) are saved every `positionPersistenceIntervalMs` and at the end. The saved
 *   offset is the end of the last line the consumer is done with (it asked for the next event or batch, or
 *   closed the iterator), so a restart after a crash resumes after it: no line is lost and none is read twice except
 *   the lines after the last save.
 * - Malformed lines are counted and skipped, never fatal.
 *
 * - Rotation while stopped: when the saved position names another file than the one now at the path, the
 *   file's directory is searched for the saved device and inode with the saved fingerprint (a rename keeps
 *   both); if found, it is read from the saved offset to its end first, then the file at the path from its
 *   start. If not (deleted, compressed, moved elsewhere), `onWarning` reports the lines after the saved
 *   offset of that file as lost and reading starts at the new file's beginning.
 */
import { type FileHandle, open, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LineParser } from './line-parsers.js';
import {
  FINGERPRINT_MAX_BYTES,
  type FileIdentity,
  type FilePosition,
  fingerprintOfBytes,
  hasIdentity,
  identityOf,
  type PositionsStore,
  positionOf,
  resumeOffset,
} from './positions.js';

/** Counters and gauges of a tailer, named in `TAILER_METRIC_NAMES`. */
export interface TailerMetrics {
  /** Lines read (parsed or not), a counter. */
  linesRead: number;
  /** Lines that did not parse or were too long, a counter. */
  malformedLines: number;
  /** Size of the followed file in bytes, a gauge updated at each position save. */
  fileSizeBytes: number;
  /** Offset consumed in the followed file in bytes, a gauge updated at each position save. */
  fileOffsetBytes: number;
}

/** slo-exporter's metric names for `TailerMetrics`. */
export const TAILER_METRIC_NAMES: Readonly<Record<keyof TailerMetrics, string>> = {
  linesRead: 'slo_exporter_tailer_lines_read_total',
  malformedLines: 'slo_exporter_tailer_malformed_lines_total',
  fileSizeBytes: 'slo_exporter_tailer_file_size_bytes',
  fileOffsetBytes: 'slo_exporter_tailer_file_offset_bytes',
};

export interface TailerOptions {
  /** The followed file's path; it must exist when tailing starts. Positions are keyed by it as given. */
  path: string;
  parse: LineParser;
  /** Keep waiting for new lines at the end of the file (default true); false ends at the end of the file. */
  follow?: boolean;
  /** Where positions are kept; without it reading starts at 0 and nothing is saved. */
  positions?: PositionsStore;
  /** Milliseconds between position saves (default 2000, slo-exporter's `positionPersistenceInterval`). */
  positionPersistenceIntervalMs?: number;
  /** Milliseconds between checks of a file at its end (default 250). */
  pollIntervalMs?: number;
  /** Longest line in bytes (default 4 MiB). */
  maxLineBytes?: number;
  /** Bytes read at a time (default 64 KiB). */
  chunkBytes?: number;
  /** Called with an error of a periodic position save (the tailer goes on); default: ignored. */
  onSaveError?: (error: unknown) => void;
  /** Called when lines may have been lost (a file rotated away while stopped and not found); default: ignored. */
  onWarning?: (message: string, details: Record<string, unknown>) => void;
}

/** The tailed file does not exist or cannot be opened at start. */
export class TailerError extends Error {
  override name = 'TailerError';
}

/** The lines of one chunk that parsed, and where each ends in the file (bytes, after its line feed). */
interface Batch {
  events: Record<string, string>[];
  ends: number[];
}

const LINE_FEED = 0x0a;
/** Read results that are not byte counts. */
const CLOSED = -1;
const TRUNCATED = -2;

/**
 * One followed file. Iterate it once (`for await (const metadata of tailer)`); `stop()` ends the iteration.
 */
export class Tailer implements AsyncIterable<Record<string, string>> {
  readonly metrics: TailerMetrics = { linesRead: 0, malformedLines: 0, fileSizeBytes: 0, fileOffsetBytes: 0 };
  private readonly options: Required<Omit<TailerOptions, 'positions'>> & { positions?: PositionsStore };
  private handle: FileHandle | undefined;
  /** Device and inode of `handle`. */
  private identity: FileIdentity | undefined;
  /** The position the file was closed at (`currentPosition` after the end). */
  private closedAt: FilePosition | undefined;
  /** The file found at the path once the open one was rotated away; read after the old one's last line. */
  private next: FileHandle | undefined;
  /** The open file is one rotated away while stopped: at its end, switch to `next` even without `follow`. */
  private finishingRotated = false;
  /** `rotatedAway` already warned that the saved file is gone. */
  private rotatedWarned = false;
  /** End of the last line the consumer is done with, in the current file. */
  private committed = 0;
  private stopped = false;
  private started = false;
  private readonly wake = new AbortController();
  /** Serialises every use of `handle` (reads, the rotation switch, saves, close). */
  private exclusiveChain: Promise<unknown> = Promise.resolve();
  private finished: Promise<void> | undefined;
  /** The first bytes of the open file (at most FINGERPRINT_MAX_BYTES) as read; checked to see copytruncate. */
  private head: Buffer | undefined;
  private resolveEnded!: () => void;
  private readonly ended = new Promise<void>((resolve) => {
    this.resolveEnded = resolve;
  });

  constructor(options: TailerOptions) {
    this.options = {
      follow: true,
      positionPersistenceIntervalMs: 2000,
      pollIntervalMs: 250,
      maxLineBytes: 4 * 1024 * 1024,
      chunkBytes: 64 * 1024,
      onSaveError: () => undefined,
      onWarning: () => undefined,
      ...options,
    };
  }

  /**
   * Ends the iteration: a wait for new lines ends at once; a consumer holding an event ends at its next pull.
   * Resolves once the positions are saved and the file is closed (immediately if iteration never started).
   */
  stop(): Promise<void> {
    this.stopped = true;
    this.wake.abort();
    if (!this.started) this.resolveEnded();
    return this.ended;
  }

  /** Saves the current position now (no-op without a positions store). */
  savePosition(): Promise<void> {
    return this.exclusive(() => this.persist());
  }

  /**
   * The parsed lines one at a time. The consumer is done with a line when it asks for the next one or closes
   * the iterator; the saved position never goes past that line.
   */
  [Symbol.asyncIterator](): AsyncIterator<Record<string, string>> {
    return this.singles(this.begin());
  }

  /**
   * The parsed lines a read at a time (one promise per chunk, not per line): each batch holds the lines of
   * one chunk that parsed, in order. The consumer is done with a batch when it asks for the next one; the
   * saved position never goes past the last batch it is done with. Iterate either this or the tailer, once.
   */
  batches(): AsyncIterable<readonly Record<string, string>[]> {
    const reads = this.begin();
    return {
      [Symbol.asyncIterator]: () => {
        const iterator = reads[Symbol.asyncIterator]();
        return {
          next: async () => {
            const next = await iterator.next();
            return next.done ? next : { done: false, value: next.value.events };
          },
          return: async () => {
            await iterator.return(undefined);
            return { done: true, value: undefined };
          },
        };
      },
    };
  }

  /**
   * The position of the end of the last line (or batch) the consumer is done with, computed now without
   * I/O: so a caller can record it in the same synchronous step as the state those lines produced (the
   * event store's exactly-once flush). Undefined before the file is open; after it is closed, the position
   * it was closed at.
   */
  currentPosition(): FilePosition | undefined {
    if (!this.handle || !this.identity) return this.closedAt;
    const fingerprintBytes = Math.min(this.committed, FINGERPRINT_MAX_BYTES);
    // `head` holds at least the first min(read offset, FINGERPRINT_MAX_BYTES) bytes, and committed <= that.
    if (fingerprintBytes > 0 && (!this.head || this.head.length < fingerprintBytes)) return undefined;
    return {
      device: this.identity.device,
      inode: this.identity.inode,
      offset: this.committed,
      fingerprint: fingerprintOfBytes(this.head?.subarray(0, fingerprintBytes) ?? Buffer.alloc(0)),
      fingerprintBytes,
    };
  }

  private begin(): AsyncGenerator<Batch> {
    if (this.started) throw new Error('a Tailer can be iterated once');
    this.started = true;
    return this.run();
  }

  private async *singles(reads: AsyncGenerator<Batch>): AsyncGenerator<Record<string, string>> {
    for await (const { events, ends } of reads) {
      for (let i = 0; i < events.length; i++) {
        try {
          yield events[i]!;
        } finally {
          // Done with the line once the consumer pulls again or closes the iterator.
          this.committed = ends[i]!;
        }
        if (this.stopped) return;
      }
    }
  }

  private async *run(): AsyncGenerator<Batch> {
    const { path, follow, positions, positionPersistenceIntervalMs } = this.options;
    const timer = setInterval(() => {
      this.savePosition().catch(this.options.onSaveError);
    }, positionPersistenceIntervalMs);
    timer.unref();
    try {
      const named = await openTailed(path);
      const saved = positions?.get(path);
      const rotated = saved && hasIdentity(saved) ? await this.rotatedAway(named, saved) : undefined;
      if (rotated) {
        await this.open(rotated);
        this.committed = saved!.offset;
        this.next = named;
        this.finishingRotated = true;
      } else {
        await this.open(named);
        this.committed = await resumeOffset(this.handle!, saved);
        if (saved && hasIdentity(saved) && saved.offset > 0 && this.committed === 0 && !this.rotatedWarned)
          this.options.onWarning(
            'the file was truncated or rewritten while stopped (copytruncate?): reading it from its start; lines written after the saved offset before the truncation, if any, are lost',
            { path, offset: saved.offset },
          );
      }
      yield* this.reads(follow);
    } finally {
      clearInterval(timer);
      await this.finish();
    }
  }

  /** The lines of the followed file, across rotations, a chunk at a time. */
  private async *reads(follow: boolean): AsyncGenerator<Batch> {
    const { chunkBytes, maxLineBytes } = this.options;
    const chunk = Buffer.alloc(chunkBytes);
    // The bytes read of a line whose line feed is not read yet.
    let pending = Buffer.alloc(0);
    /** Offset of `pending`'s first byte. */
    let pendingStart = this.committed;
    let skipping = false;
    const metrics = this.metrics;
    const parse = this.options.parse;
    /** Parses one line ending at `end` into `batch`; a line over `maxLineBytes` is malformed, never parsed. */
    const take = (batch: Batch, line: string, bytes: number, end: number) => {
      metrics.linesRead++;
      const metadata = bytes > maxLineBytes ? undefined : parse(line);
      if (metadata) {
        batch.events.push(metadata);
        batch.ends.push(end);
      } else metrics.malformedLines++;
    };
    while (!this.stopped) {
      const readAt = pendingStart + pending.length;
      const bytesRead = await this.exclusive(async () => {
        if (!this.handle) return CLOSED;
        const read = (await this.handle.read(chunk, 0, chunkBytes, readAt)).bytesRead;
        return read > 0 && !(await this.headUnchanged(readAt + read)) ? TRUNCATED : read;
      });
      if (bytesRead === CLOSED) return;
      if (bytesRead === TRUNCATED) {
        ({ pending, pendingStart, skipping } = this.restartAtZero());
        continue;
      }
      if (bytesRead > 0) {
        let data = pending.length
          ? Buffer.concat([pending, chunk.subarray(0, bytesRead)])
          : chunk.subarray(0, bytesRead);
        let start = 0;
        if (skipping) {
          const newline = data.indexOf(LINE_FEED);
          if (newline !== -1) {
            skipping = false;
            start = newline + 1;
          }
        }
        const batch: Batch = { events: [], ends: [] };
        const last = skipping ? -1 : data.lastIndexOf(LINE_FEED);
        if (last >= start) {
          // The complete lines are decoded at once; when every byte decodes to one UTF-16 unit (ASCII, the
          // usual log), string offsets are byte offsets, else each line's bytes are decoded on their own.
          const text = data.toString('utf8', start, last + 1);
          const oneToOne = text.length === last + 1 - start;
          let from = 0;
          for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', from)) {
            if (oneToOne) {
              take(batch, text.slice(from, newline), newline - from, pendingStart + start + newline + 1);
              from = newline + 1;
            } else {
              const byteEnd = data.indexOf(LINE_FEED, start);
              take(batch, data.toString('utf8', start, byteEnd), byteEnd - start, pendingStart + byteEnd + 1);
              start = byteEnd + 1;
              from = newline + 1;
            }
          }
          if (oneToOne) start = last + 1;
        }
        const batchEnd = pendingStart + start;
        pendingStart += start;
        data = data.subarray(start);
        if (!skipping && data.length > maxLineBytes) {
          // Count it once, drop what was read of it, skip to its line feed.
          metrics.linesRead++;
          metrics.malformedLines++;
          skipping = true;
        }
        if (skipping) {
          pendingStart += data.length;
          data = data.subarray(data.length);
        }
        // Copied so the next read does not overwrite it.
        pending = Buffer.from(data);
        if (batch.events.length) yield batch;
        // Reached once the consumer asks for the next batch: it is done with this one.
        this.committed = batchEnd;
        continue;
      }
      // At the end of the file.
      const change = this.finishingRotated
        ? 'rotated'
        : follow
          ? await this.exclusive(() => this.fileChange(readAt))
          : 'none';
      if (change === 'truncated') {
        ({ pending, pendingStart, skipping } = this.restartAtZero());
        continue;
      }
      if (change === 'rotated' || !follow) {
        // The file will not grow: its last line, without a line feed, is complete.
        if (pending.length && !skipping) {
          const end = pendingStart + pending.length;
          const batch: Batch = { events: [], ends: [] };
          take(batch, pending.toString('utf8'), pending.length, end);
          if (batch.events.length) yield batch;
          this.committed = end;
        }
        if ((!follow && change !== 'rotated') || this.stopped) return;
        this.finishingRotated = false;
        await this.exclusive(() => this.switchToPath());
        ({ pending, pendingStart, skipping } = this.restartAtZero());
        continue;
      }
      try {
        await sleep(this.options.pollIntervalMs, undefined, { signal: this.wake.signal });
      } catch {
        // Woken by stop().
      }
    }
  }

  /**
   * The file `saved` describes when the file at the path (`named`) is another one: searched for in the
   * path's directory by device and inode, with the saved fingerprint and at least the saved offset's length
   * (an open handle), so its unread lines are not lost. Undefined when `named` is that file (the usual
   * resume), or it is not found (warned: its lines after the offset are lost).
   */
  private async rotatedAway(named: FileHandle, saved: FilePosition): Promise<FileHandle | undefined> {
    const current = await identityOf(named);
    if (current.device === saved.device && current.inode === saved.inode) return undefined;
    const directory = dirname(this.options.path);
    let names: string[] = [];
    try {
      names = await readdir(directory);
    } catch {
      // An unreadable directory: the file cannot be found, warned below.
    }
    for (const name of names) {
      // stat first: only the match is opened (opening a FIFO in a log directory would block).
      const found = await stat(join(directory, name), { bigint: true }).catch(() => undefined);
      if (String(found?.dev) !== saved.device || String(found?.ino) !== saved.inode) continue;
      const handle = await open(join(directory, name), 'r').catch(() => undefined);
      if (handle && (await resumeOffset(handle, saved)) === saved.offset) return handle;
      await handle?.close();
      break;
    }
    this.rotatedWarned = true;
    this.options.onWarning(
      'the file read before the restart was rotated away and is not in its directory (or was rewritten): its lines after the saved offset, if any, are lost; reading the new file from its start',
      { path: this.options.path, device: saved.device, inode: saved.inode, offset: saved.offset },
    );
    return undefined;
  }

  /**
   * What happened to the followed file, seen at the end of the open one (read up to `readAt`): another file
   * now has its name ('rotated'; a missing name is no change yet), it is shorter ('truncated'), or 'none'.
   */
  private async fileChange(readAt: number): Promise<'rotated' | 'truncated' | 'none'> {
    const current = await identityOf(this.handle!);
    // The file now at the path is opened (not just looked at), so a rotation switches to exactly that file.
    let named: FileHandle;
    try {
      named = await open(this.options.path, 'r');
    } catch {
      return 'none';
    }
    const next = await identityOf(named);
    if (next.device !== current.device || next.inode !== current.inode) {
      // Anything written to the old file between the read and this check is read first.
      if (current.size <= readAt) {
        this.next = named;
        return 'rotated';
      }
      await named.close();
      return 'none';
    }
    await named.close();
    if (current.size < readAt) return 'truncated';
    return (await this.headUnchanged(readAt)) ? 'none' : 'truncated';
  }

  /**
   * False when the first bytes of the open file differ from those seen before: it was truncated and written
   * again (copytruncate), possibly past the read offset already, so what was just read may be new content.
   * Keeps the first `min(upTo, FINGERPRINT_MAX_BYTES)` bytes for the next check.
   */
  private async headUnchanged(upTo: number): Promise<boolean> {
    const length = Math.min(upTo, FINGERPRINT_MAX_BYTES);
    if (this.head && this.head.length >= length) {
      const { bytesRead, buffer } = await this.handle!.read(
        Buffer.alloc(this.head.length),
        0,
        this.head.length,
        0,
      );
      return bytesRead === this.head.length && buffer.equals(this.head);
    }
    const { bytesRead, buffer } = await this.handle!.read(Buffer.alloc(length), 0, length, 0);
    const current = buffer.subarray(0, bytesRead);
    if (this.head && !current.subarray(0, this.head.length).equals(this.head)) return false;
    this.head = current;
    return true;
  }

  /** Closes the rotated-away file and goes on with the one `fileChange` found at the path. */
  private async switchToPath(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
    const next = this.next;
    this.next = undefined;
    if (next) await this.open(next);
  }

  /** Makes `handle` the followed file. */
  private async open(handle: FileHandle): Promise<void> {
    this.handle = handle;
    this.identity = undefined;
    const { device, inode } = await identityOf(handle);
    this.identity = { device, inode };
  }

  /** Reading state for the open file read again from its start. */
  private restartAtZero() {
    this.committed = 0;
    this.head = undefined;
    return { pending: Buffer.alloc(0), pendingStart: 0, skipping: false };
  }

  /** Records and saves the position, and updates the size and offset gauges. Under `exclusive`. */
  private async persist(): Promise<void> {
    if (!this.handle) return;
    this.metrics.fileOffsetBytes = this.committed;
    this.metrics.fileSizeBytes = (await identityOf(this.handle)).size;
    const { positions, path } = this.options;
    if (!positions) return;
    positions.set(path, await positionOf(this.handle, this.committed));
    await positions.save();
  }

  /** Saves the position and closes the file, once. */
  private finish(): Promise<void> {
    this.finished ??= this.exclusive(async () => {
      try {
        await this.persist();
      } finally {
        this.closedAt = this.currentPosition();
        await this.handle?.close();
        await this.next?.close();
        this.handle = undefined;
        this.identity = undefined;
        this.next = undefined;
        this.resolveEnded();
      }
    });
    return this.finished;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.exclusiveChain.then(work);
    this.exclusiveChain = next.catch(() => undefined);
    return next;
  }
}

async function openTailed(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (error) {
    throw new TailerError(
      `cannot open the tailed file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
}
