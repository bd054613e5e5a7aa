import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FINGERPRINT_MAX_BYTES,
  PositionsFileError,
  PositionsStore,
  positionOf,
  resumeOffset,
} from '../../src/events/positions.js';
import { Tailer } from '../../src/events/tailer.js';
import { tempDir } from '../helpers/tmp.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('slokit-positions-');
});
afterEach(() => dir.cleanup());

describe('PositionsStore', () => {
  it('a missing file is an empty store; saved positions load back; the write leaves no temporary file', async () => {
    const file = join(dir.root, 'positions.json');
    const store = await PositionsStore.load(file);
    expect(store.get('/x')).toBeUndefined();
    const position = {
      device: '1',
      inode: '18446744073709551615',
      offset: 12,
      fingerprint: 'ab',
      fingerprintBytes: 12,
    };
    store.set('/x', position);
    await store.save();
    expect((await PositionsStore.load(file)).get('/x')).toEqual(position);
    expect(readdirSync(dir.root)).toEqual(['positions.json']);
  });

  it('concurrent saves are written one after the other, the last state wins', async () => {
    const file = join(dir.root, 'positions.json');
    const store = await PositionsStore.load(file);
    const saves: Promise<void>[] = [];
    for (let offset = 0; offset < 20; offset++) {
      store.set('/x', { device: '1', inode: '2', offset, fingerprint: '', fingerprintBytes: 0 });
      saves.push(store.save());
    }
    await Promise.all(saves);
    expect((await PositionsStore.load(file)).get('/x')?.offset).toBe(19);
  });

  it.each([
    ['neither JSON nor YAML', '{', /not a positions file \(.+\); expected slokit's \{"positions"/],
    ['no positions map', '{"positions": []}', /not a positions file \(no "positions" map\); expected /],
    [
      'a bad entry',
      '{"positions": {"/x": {"offset": -1}}}',
      /the position of "\/x" is not an offset; expected /,
    ],
    ['a bad promtail offset', 'positions:\n  /x: "-3"\n', /the position of "\/x" is not an offset/],
  ])('%s is a PositionsFileError naming the file', async (_, text, message) => {
    const file = dir.write('positions.json', text);
    const loading = PositionsStore.load(file);
    await expect(loading).rejects.toThrow(PositionsFileError);
    await expect(PositionsStore.load(file)).rejects.toThrow(message);
    await expect(PositionsStore.load(file)).rejects.toThrow(file);
  });

  it("reads slo-exporter's promtail YAML as path-only offsets (relative paths against the cwd) and saves them back", async () => {
    const file = dir.write('access.log.pos', 'positions:\n  /var/log/a.log: "100"\n  b.log: 7\n');
    const store = await PositionsStore.load(file);
    expect(store.get('/var/log/a.log')).toEqual({ offset: 100 });
    expect(store.get(join(process.cwd(), 'b.log'))).toEqual({ offset: 7 });
    await store.save();
    expect(JSON.parse(readFileSync(file, 'utf8')).positions['/var/log/a.log']).toEqual({ offset: 100 });
    expect((await PositionsStore.load(file)).get('/var/log/a.log')).toEqual({ offset: 100 });
  });

  it('a positions file that cannot be read is a PositionsFileError naming the file and the reason', async () => {
    await expect(PositionsStore.load(dir.root)).rejects.toThrow(
      `${dir.root}: cannot read the positions file (EISDIR)`,
    );
  });
});

describe('resumeOffset', () => {
  it('resumes a path-only position when the file is not shorter than its offset, else starts at 0', async () => {
    const log = dir.write('a.log', 'line one\nline two\n');
    const handle = await open(log, 'r');
    expect(await resumeOffset(handle, { offset: 9 })).toBe(9);
    expect(await resumeOffset(handle, { offset: 18 })).toBe(18);
    expect(await resumeOffset(handle, { offset: 19 })).toBe(0);
    await handle.close();
  });

  it('resumes the same file, even grown; not a file with other first bytes, nor a shorter one', async () => {
    const log = dir.write('a.log', 'line one\nline two\n');
    let handle = await open(log, 'r');
    const saved = await positionOf(handle, 9);
    expect(saved.fingerprintBytes).toBe(9);
    await handle.close();
    appendFileSync(log, 'line three\n');
    handle = await open(log, 'r');
    expect(await resumeOffset(handle, saved)).toBe(9);
    expect(await resumeOffset(handle, { ...saved, inode: `${saved.inode}0` })).toBe(0);
    expect(await resumeOffset(handle, undefined)).toBe(0);
    await handle.close();
    writeFileSync(log, 'LINE ONE\nline two\n'); // same inode, rewritten
    handle = await open(log, 'r');
    expect(await resumeOffset(handle, saved)).toBe(0);
    await handle.close();
    writeFileSync(log, 'line');
    handle = await open(log, 'r');
    expect(await resumeOffset(handle, saved)).toBe(0);
    await handle.close();
  });

  it('fingerprints at most FINGERPRINT_MAX_BYTES', async () => {
    const log = dir.write('a.log', 'x'.repeat(3 * FINGERPRINT_MAX_BYTES));
    const handle = await open(log, 'r');
    expect((await positionOf(handle, 2 * FINGERPRINT_MAX_BYTES)).fingerprintBytes).toBe(
      FINGERPRINT_MAX_BYTES,
    );
    await handle.close();
  });
});

describe('Tailer position saves', () => {
  it('saves periodically while following and updates the size and offset gauges', async () => {
    const log = dir.write('a.log', 'n=1\nn=2\npartial');
    const file = join(dir.root, 'positions.json');
    const tailer = new Tailer({
      path: log,
      parse: (line) => ({ line }),
      positions: await PositionsStore.load(file),
      positionPersistenceIntervalMs: 5,
      pollIntervalMs: 5,
    });
    const iterator = tailer[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    const waiting = iterator.next(); // done with line 2; waits for the partial line's end
    await vi.waitFor(() => {
      expect(JSON.parse(readFileSync(file, 'utf8')).positions[log].offset).toBe(8);
    });
    expect(tailer.metrics.fileOffsetBytes).toBe(8);
    expect(tailer.metrics.fileSizeBytes).toBe(15);
    await tailer.stop();
    expect(await waiting).toEqual({ done: true, value: undefined });
  });
});
