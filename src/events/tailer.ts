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
 * - Pull-based: the file is read a chunk at a time only when the consumer asks for the next event, so a slow
 *   consumer slows the reading and memory stays bounded (one chunk plus one line).
 * - Positions (see positions.ts) are saved every `positionPersistenceIntervalMs` and at the end. The saved
 *   offset is the end of the last line the consumer is done with (it asked for the next event or closed the
 *   iterator), so a restart after a crash resumes after it: no line is lost and none is read twice except
 *   the lines after the last save.
 * - Malformed lines are counted and skipped, never fatal.
 *
 * Limitation: after a restart, lines still unread in a file that was rotated away while the process was down
 * are not looked for; reading starts at the new file's beginning.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LineParser } from './line-parsers.js';
import {
  FINGERPRINT_MAX_BYTES,
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
}

/** The tailed file does not exist or cannot be opened at start. */
export class TailerError extends Error {
  override name = 'TailerError';
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
  /** The file found at the path once the open one was rotated away; read after the old one's last line. */
  private next: FileHandle | undefined;
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

  [Symbol.asyncIterator](): AsyncIterator<Record<string, string>> {
    if (this.started) throw new Error('a Tailer can be iterated once');
    this.started = true;
    return this.run();
  }

  private async *run(): AsyncGenerator<Record<string, string>> {
    const { path, follow, positions, positionPersistenceIntervalMs } = this.options;
    const timer = setInterval(() => {
      this.savePosition().catch(this.options.onSaveError);
    }, positionPersistenceIntervalMs);
    timer.unref();
    try {
      this.handle = await openTailed(path);
      this.committed = await resumeOffset(this.handle, positions?.get(path));
      yield* this.lines(follow);
    } finally {
      clearInterval(timer);
      await this.finish();
    }
  }

  /** The lines of the followed file, across rotations. */
  private async *lines(follow: boolean): AsyncGenerator<Record<string, string>> {
    const { chunkBytes, maxLineBytes } = this.options;
    const chunk = Buffer.alloc(chunkBytes);
    // The bytes read of a line whose line feed is not read yet.
    let pending = Buffer.alloc(0);
    /** Offset of `pending`'s first byte. */
    let pendingStart = this.committed;
    let skipping = false;
    const take = (line: Buffer) => {
      this.metrics.linesRead++;
      const metadata = this.options.parse(line.toString('utf8'));
      if (!metadata) this.metrics.malformedLines++;
      return metadata;
    };
    /** Counts a line over `maxLineBytes`: read, malformed, never parsed. */
    const overlong = () => {
      this.metrics.linesRead++;
      this.metrics.malformedLines++;
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
        for (
          let newline = data.indexOf(LINE_FEED);
          newline !== -1;
          newline = data.indexOf(LINE_FEED, start)
        ) {
          const end = pendingStart + newline + 1;
          if (skipping) {
            skipping = false;
            this.committed = end;
          } else if (newline - start > maxLineBytes) {
            overlong();
            this.committed = end;
          } else {
            const metadata = take(data.subarray(start, newline));
            if (metadata) {
              try {
                yield metadata;
              } finally {
                // Done with the line once the consumer pulls again or closes the iterator.
                this.committed = end;
              }
              if (this.stopped) return;
            } else this.committed = end;
          }
          start = newline + 1;
        }
        pendingStart += start;
        data = data.subarray(start);
        if (!skipping && data.length > maxLineBytes) {
          // Count it once, drop what was read of it, skip to its line feed.
          overlong();
          skipping = true;
        }
        if (skipping) {
          pendingStart += data.length;
          data = data.subarray(data.length);
        }
        // Copied so the next read does not overwrite it.
        pending = Buffer.from(data);
        continue;
      }
      // At the end of the file.
      const change = follow ? await this.exclusive(() => this.fileChange(readAt)) : 'none';
      if (change === 'truncated') {
        ({ pending, pendingStart, skipping } = this.restartAtZero());
        continue;
      }
      if (change === 'rotated' || !follow) {
        // The file will not grow: its last line, without a line feed, is complete.
        if (pending.length && !skipping) {
          const end = pendingStart + pending.length;
          const metadata = take(pending);
          if (metadata) {
            try {
              yield metadata;
            } finally {
              this.committed = end;
            }
          } else this.committed = end;
        }
        if (!follow || this.stopped) return;
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
    this.handle = this.next;
    this.next = undefined;
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
        await this.handle?.close();
        await this.next?.close();
        this.handle = undefined;
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
