/**
 * Where each tailed file was read up to, kept in a positions file across restarts.
 *
 * slo-exporter (promtail's positions library) keys an offset by path only, so after a rotation to a file
 * that is already larger than the old offset it resumes in the middle of the new file and skips lines. Here
 * an entry also records the file's identity: device and inode, and a SHA-256 fingerprint of its first bytes
 * (at most `FINGERPRINT_MAX_BYTES`, never beyond the offset). An entry is resumed only when all of them still
 * match, so a rotated, replaced or truncated-and-rewritten file is read from its start instead.
 *
 * File format (JSON, written atomically: a temporary file in the same directory, fsync, rename):
 * `{"positions": {"<path as configured>": {"device": "2049", "inode": "131", "offset": 1234,
 *   "fingerprint": "<hex>", "fingerprintBytes": 1024}}}`; device and inode are decimal strings (they may
 * exceed 2^53). An entry `{"offset": 1234}` alone has no identity (see below).
 *
 * slo-exporter's own positions file (promtail's YAML: `positions:\n  /path/access.log: "100"`) is read too,
 * so a deployment switching to slokit neither re-reads nor skips its log: each offset is a path-only
 * position (a relative path resolved against the working directory, as slo-exporter does), resumed when the
 * file is not shorter than it (its identity cannot be checked), and written back in the format above by the
 * next save.
 */
import { createHash } from 'node:crypto';
import { type FileHandle, open, readFile, rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** Bytes of a file's start that identify it. */
export const FINGERPRINT_MAX_BYTES = 1024;

/** A file's identity: device and inode numbers, as decimal strings. */
export interface FileIdentity {
  device: string;
  inode: string;
}

/** One saved position. `offset` is in bytes from the start of the file, at a line boundary. */
export interface FilePosition extends FileIdentity {
  offset: number;
  /** SHA-256 (hex) of the file's first `fingerprintBytes` bytes. */
  fingerprint: string;
  fingerprintBytes: number;
}

/**
 * A position without file identity: slo-exporter's (promtail's) path-only offset, in bytes from the start of
 * the file.
 */
export interface PathOnlyPosition {
  offset: number;
}

/** A saved position: with identity (slokit's) or path-only (slo-exporter's). */
export type SavedPosition = FilePosition | PathOnlyPosition;

/** True when `position` records the file's identity. */
export function hasIdentity(position: SavedPosition): position is FilePosition {
  return 'inode' in position;
}

/**
 * A positions file that cannot be used: unreadable, or neither slokit's JSON nor slo-exporter's YAML
 * positions. Its message names the file and what was expected.
 */
export class PositionsFileError extends Error {
  override name = 'PositionsFileError';
}

/** The identity of an open file. */
export async function identityOf(handle: FileHandle): Promise<FileIdentity & { size: number }> {
  const stat = await handle.stat({ bigint: true });
  return { device: String(stat.dev), inode: String(stat.ino), size: Number(stat.size) };
}

/** SHA-256 (hex) of the first `length` bytes of an open file (fewer if the file is shorter). */
export async function fingerprintOf(handle: FileHandle, length: number): Promise<string> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return fingerprintOfBytes(buffer.subarray(0, filled));
}

/** SHA-256 (hex) of a file's first bytes, as `fingerprintOf` reads them. */
export function fingerprintOfBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The position to record for an open file read up to `offset`. */
export async function positionOf(handle: FileHandle, offset: number): Promise<FilePosition> {
  const { device, inode } = await identityOf(handle);
  const fingerprintBytes = Math.min(offset, FINGERPRINT_MAX_BYTES);
  return {
    device,
    inode,
    offset,
    fingerprint: await fingerprintOf(handle, fingerprintBytes),
    fingerprintBytes,
  };
}

/**
 * The offset to resume an open file at: the saved offset when `saved` describes this very file (same
 * device, inode and fingerprint, and the file is not shorter than the offset), else 0. A path-only position
 * is resumed whenever the file is not shorter than its offset (nothing else can be checked).
 */
export async function resumeOffset(handle: FileHandle, saved: SavedPosition | undefined): Promise<number> {
  if (!saved) return 0;
  const current = await identityOf(handle);
  if (!hasIdentity(saved)) return current.size >= saved.offset ? saved.offset : 0;
  if (current.device !== saved.device || current.inode !== saved.inode || current.size < saved.offset)
    return 0;
  const fingerprint = await fingerprintOf(handle, saved.fingerprintBytes);
  return fingerprint === saved.fingerprint ? saved.offset : 0;
}

/** The positions of one positions file, in memory; `save` writes them. Saves never overlap. */
export class PositionsStore {
  private readonly positions = new Map<string, SavedPosition>();
  private writing: Promise<void> = Promise.resolve();

  private constructor(readonly file: string) {}

  /**
   * Opens the positions file `file`: slokit's JSON or slo-exporter's YAML (module comment); a missing file
   * is an empty store. Throws `PositionsFileError` (naming the file and what was expected) when it cannot be
   * read or is neither.
   */
  static async load(file: string): Promise<PositionsStore> {
    const store = new PositionsStore(file);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return store;
      throw new PositionsFileError(`${file}: cannot read the positions file (${code ?? String(error)})`);
    }
    const expected = `expected slokit's {"positions": {"<path>": {device, inode, offset, fingerprint, fingerprintBytes}}} or slo-exporter's YAML "positions:\n  <path>: "<offset>""`;
    let parsed: unknown;
    try {
      // JSON is YAML: one parser reads both formats.
      parsed = parseYaml(text);
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0];
      throw new PositionsFileError(`${file}: not a positions file (${reason}); ${expected}`);
    }
    const entries = (parsed as { positions?: unknown } | null)?.positions;
    if (typeof entries !== 'object' || entries === null || Array.isArray(entries))
      throw new PositionsFileError(`${file}: not a positions file (no "positions" map); ${expected}`);
    for (const [path, value] of Object.entries(entries)) {
      const position = savedPosition(value);
      if (!position)
        throw new PositionsFileError(`${file}: the position of "${path}" is not an offset; ${expected}`);
      // slo-exporter keys by the tailed path as written, relative ones against its working directory, as
      // slokit resolves its tailed paths.
      store.positions.set(hasIdentity(position) ? path : resolve(path), position);
    }
    return store;
  }

  get(path: string): SavedPosition | undefined {
    return this.positions.get(path);
  }

  set(path: string, position: FilePosition): void {
    this.positions.set(path, position);
  }

  /** Writes every position atomically (after any save still in progress). */
  save(): Promise<void> {
    const next = this.writing.then(() => this.write());
    // A failed save must not block the next one; the caller still sees this one's error.
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async write(): Promise<void> {
    const text = `${JSON.stringify({ positions: Object.fromEntries(this.positions) }, null, 2)}\n`;
    const temporary = `${this.file}.tmp-${process.pid}`;
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(text);
      await handle.sync();
    } catch (error) {
      await handle.close();
      await rm(temporary, { force: true });
      throw error;
    }
    await handle.close();
    await rename(temporary, this.file);
  }
}

/** A loaded entry as a saved position: slokit's, `{offset}` alone, or promtail's decimal string; else undefined. */
function savedPosition(value: unknown): SavedPosition | undefined {
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return { offset: Number(value) };
  if (isOffset(value)) return { offset: value };
  if (isPosition(value)) return value;
  if (
    typeof value === 'object' &&
    value !== null &&
    Object.keys(value).length === 1 &&
    isOffset((value as PathOnlyPosition).offset)
  )
    return { offset: (value as PathOnlyPosition).offset };
  return undefined;
}

function isOffset(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isPosition(value: unknown): value is FilePosition {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.device === 'string' &&
    typeof v.inode === 'string' &&
    isOffset(v.offset) &&
    typeof v.fingerprint === 'string' &&
    Number.isSafeInteger(v.fingerprintBytes) &&
    (v.fingerprintBytes as number) >= 0
  );
}
