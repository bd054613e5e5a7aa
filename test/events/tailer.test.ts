import {
  appendFileSync,
  copyFileSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonLineParser, type LineParser, regexpLineParser } from '../../src/events/line-parsers.js';
import { PositionsStore } from '../../src/events/positions.js';
import { Tailer, TailerError, type TailerOptions } from '../../src/events/tailer.js';
import { tempDir } from '../helpers/tmp.js';

/** Each line is `n=<value>`; anything else is malformed. */
const numbered: LineParser = (line) => {
  const match = /^n=(.*)$/s.exec(line);
  return match ? { n: match[1]! } : undefined;
};

let dir: ReturnType<typeof tempDir>;
let log: string;
let positionsFile: string;
const tailers: Tailer[] = [];

beforeEach(() => {
  dir = tempDir('slokit-tailer-');
  log = join(dir.root, 'access.log');
  positionsFile = join(dir.root, 'positions.json');
});
afterEach(async () => {
  // Tailers a test abandoned (a simulated crash) are only woken, never saved again: the files go away.
  for (const tailer of tailers.splice(0)) tailer.stop();
  dir.cleanup();
});

const lines = (...values: (string | number)[]) => values.map((v) => `n=${v}\n`).join('');

function tail(options: Partial<TailerOptions> = {}) {
  const tailer = new Tailer({ path: log, parse: numbered, pollIntervalMs: 5, ...options });
  tailers.push(tailer);
  const iterator = tailer[Symbol.asyncIterator]();
  /** The next `count` values of `n`. */
  const take = async (count: number) => {
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const next = await iterator.next();
      if (next.done) throw new Error(`iteration ended after ${out.length} of ${count}`);
      out.push(next.value.n!);
    }
    return out;
  };
  /** Every remaining value, until the iteration ends. */
  const rest = async () => {
    const out: string[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) out.push(next.value.n!);
    return out;
  };
  return { tailer, iterator, take, rest };
}

describe('Tailer, follow: false', () => {
  it('reads every line to the end, the last one without a line feed too, and counts malformed ones', async () => {
    writeFileSync(log, 'n=1\ngarbage\nn=2\n\nn=3');
    const { tailer, rest } = tail({ follow: false });
    expect(await rest()).toEqual(['1', '2', '3']);
    expect(tailer.metrics).toEqual({
      linesRead: 5,
      malformedLines: 2,
      fileSizeBytes: 20,
      fileOffsetBytes: 20,
    });
  });

  it('decodes UTF-8 split across reads and keeps a carriage return (only \\n ends a line)', async () => {
    writeFileSync(log, 'n=žluťoučký\nn=x\r\n');
    const { rest } = tail({ follow: false, chunkBytes: 3 });
    expect(await rest()).toEqual(['žluťoučký', 'x\r']);
  });

  it('a line longer than maxLineBytes is malformed and skipped without being held', async () => {
    writeFileSync(log, `n=1\nn=${'x'.repeat(100)}\nn=2\n`);
    const { tailer, rest } = tail({ follow: false, maxLineBytes: 20, chunkBytes: 8 });
    expect(await rest()).toEqual(['1', '2']);
    expect(tailer.metrics.linesRead).toBe(3);
    expect(tailer.metrics.malformedLines).toBe(1);
    // The same when the whole line arrives in one read.
    const whole = tail({ follow: false, maxLineBytes: 20, chunkBytes: 4096 });
    expect(await whole.rest()).toEqual(['1', '2']);
    expect(whole.tailer.metrics).toMatchObject({ linesRead: 3, malformedLines: 1 });
  });

  it('reads only as far as the consumer pulls (back-pressure)', async () => {
    writeFileSync(log, lines(...Array.from({ length: 10_000 }, (_, i) => i)));
    const { tailer, take } = tail({ follow: false, chunkBytes: 64 });
    expect(await take(1)).toEqual(['0']);
    // One 64-byte chunk holds at most 16 lines of "n=<d>\n".
    expect(tailer.metrics.linesRead).toBeLessThanOrEqual(16);
    await take(100);
    expect(tailer.metrics.linesRead).toBeLessThanOrEqual(101 + 16);
  });

  it('a missing file is a TailerError naming it', async () => {
    const { iterator } = tail({ follow: false });
    await expect(iterator.next()).rejects.toThrow(TailerError);
    await expect(tail({ follow: false }).iterator.next()).rejects.toThrow(
      `cannot open the tailed file ${log}: ENOENT`,
    );
  });
});

describe('Tailer, follow', () => {
  it('reads lines appended after the end, a partial line once it is complete', async () => {
    writeFileSync(log, lines(1));
    const { take } = tail();
    expect(await take(1)).toEqual(['1']);
    appendFileSync(log, 'n=2\nn=');
    expect(await take(1)).toEqual(['2']);
    const third = take(1);
    appendFileSync(log, '3\n');
    expect(await third).toEqual(['3']);
  });

  it('survives rotation by rename and create: the old file to its end (last line without \\n too), then the new one', async () => {
    writeFileSync(log, lines(1, 2));
    const { take } = tail();
    expect(await take(2)).toEqual(['1', '2']);
    appendFileSync(log, 'n=3\nn=4');
    renameSync(log, `${log}.1`);
    writeFileSync(log, lines(5, 6));
    expect(await take(4)).toEqual(['3', '4', '5', '6']);
    appendFileSync(log, lines(7));
    expect(await take(1)).toEqual(['7']);
  });

  it('waits while the path is missing between rename and create', async () => {
    writeFileSync(log, lines(1));
    const { take } = tail();
    expect(await take(1)).toEqual(['1']);
    renameSync(log, `${log}.1`);
    const next = take(2);
    writeFileSync(log, lines(2, 3));
    expect(await next).toEqual(['2', '3']);
  });

  it('survives copytruncate, even when the new content is already longer than the old offset', async () => {
    writeFileSync(log, lines(1, 2));
    const { take } = tail();
    expect(await take(2)).toEqual(['1', '2']);
    copyFileSync(log, `${log}.1`);
    truncateSync(log, 0);
    appendFileSync(log, lines('after-1', 'after-2', 'after-3'));
    expect(await take(3)).toEqual(['after-1', 'after-2', 'after-3']);
  });

  it('survives truncation to a shorter file', async () => {
    writeFileSync(log, lines(1, 2, 3));
    const { take } = tail();
    expect(await take(3)).toEqual(['1', '2', '3']);
    writeFileSync(log, lines(4));
    expect(await take(1)).toEqual(['4']);
  });

  it('stop() ends a wait for new lines and saves the position', async () => {
    writeFileSync(log, lines(1, 2));
    const positions = await PositionsStore.load(positionsFile);
    const { tailer, take, iterator } = tail({ positions });
    expect(await take(2)).toEqual(['1', '2']);
    const waiting = iterator.next();
    await tailer.stop();
    expect(await waiting).toEqual({ done: true, value: undefined });
    const saved = JSON.parse(readFileSync(positionsFile, 'utf8')).positions[log];
    expect(saved.offset).toBe(8);
  });
});

describe('Tailer positions across restarts', () => {
  it('after a clean stop, a restart reads only the lines added since (slo-exporter tailer_test 10,10,10,10 → 20, 20)', async () => {
    writeFileSync(log, lines(...Array.from({ length: 10 }, (_, i) => `a${i}`)));
    const first = tail({ positions: await PositionsStore.load(positionsFile) });
    expect(await first.take(10)).toHaveLength(10);
    appendFileSync(log, lines(...Array.from({ length: 10 }, (_, i) => `b${i}`)));
    expect(await first.take(10)).toHaveLength(10);
    const stopped = first.tailer.stop();
    await first.iterator.return?.();
    await stopped;
    appendFileSync(log, lines(...Array.from({ length: 10 }, (_, i) => `c${i}`)));
    const second = tail({ positions: await PositionsStore.load(positionsFile), follow: false });
    appendFileSync(log, lines(...Array.from({ length: 10 }, (_, i) => `d${i}`)));
    const read = await second.rest();
    expect(read).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `c${i}`),
      ...Array.from({ length: 10 }, (_, i) => `d${i}`),
    ]);
  });

  it('after a crash between two saves, resumes at the last save: nothing lost, nothing before it read again', async () => {
    writeFileSync(log, lines(1, 2, 3, 4, 5));
    const crashed = tail({
      positions: await PositionsStore.load(positionsFile),
      positionPersistenceIntervalMs: 3_600_000,
    });
    expect(await crashed.take(3)).toEqual(['1', '2', '3']);
    // The consumer asked for line 4, so it is done with line 3: the save records the end of line 3.
    const fourth = crashed.take(1);
    await crashed.tailer.savePosition();
    expect(await fourth).toEqual(['4']);
    // No further save: the process dies here (the tailer is abandoned, its state never written again).
    appendFileSync(log, lines(6));
    const restarted = tail({ positions: await PositionsStore.load(positionsFile), follow: false });
    expect(await restarted.rest()).toEqual(['4', '5', '6']);
  });

  it('does not reuse an offset for another file at the same path (rotated while down, now larger)', async () => {
    writeFileSync(log, lines(1, 2));
    const first = tail({ positions: await PositionsStore.load(positionsFile) });
    expect(await first.take(2)).toEqual(['1', '2']);
    const waiting = first.iterator.next();
    await first.tailer.stop();
    await waiting;
    renameSync(log, `${log}.1`);
    writeFileSync(log, lines('new-1', 'new-2', 'new-3', 'new-4'));
    // slo-exporter would resume the new file at byte 8, in the middle of its second line.
    const second = tail({ positions: await PositionsStore.load(positionsFile), follow: false });
    expect(await second.rest()).toEqual(['new-1', 'new-2', 'new-3', 'new-4']);
  });

  it('finishes a file rotated away while down from its saved offset, then reads the new one from its start', async () => {
    writeFileSync(log, lines(1, 2));
    const first = tail({ positions: await PositionsStore.load(positionsFile), follow: false });
    expect(await first.rest()).toEqual(['1', '2']);
    // While down: more lines in the old file, then rename and create.
    appendFileSync(log, lines(3, 4));
    renameSync(log, `${log}.1`);
    writeFileSync(log, lines('new-1', 'new-2'));
    const warnings: unknown[] = [];
    const second = tail({
      positions: await PositionsStore.load(positionsFile),
      follow: false,
      onWarning: (message) => warnings.push(message),
    });
    expect(await second.rest()).toEqual(['3', '4', 'new-1', 'new-2']);
    expect(warnings).toEqual([]);
    // Its saved position is the new file's: a third run reads nothing again.
    const third = tail({ positions: await PositionsStore.load(positionsFile), follow: false });
    expect(await third.rest()).toEqual([]);
  });

  it('following, the rotated-away file is finished first and the new one followed', async () => {
    writeFileSync(log, lines(1));
    const first = tail({ positions: await PositionsStore.load(positionsFile), follow: false });
    expect(await first.rest()).toEqual(['1']);
    appendFileSync(log, lines(2));
    renameSync(log, `${log}.1`);
    writeFileSync(log, lines('new-1'));
    const second = tail({ positions: await PositionsStore.load(positionsFile) });
    expect(await second.take(2)).toEqual(['2', 'new-1']);
    appendFileSync(log, lines('new-2'));
    expect(await second.take(1)).toEqual(['new-2']);
  });

  it('warns with the saved file and offset when the rotated-away file is gone, and reads the new file from 0', async () => {
    writeFileSync(log, lines(1, 2));
    const first = tail({ positions: await PositionsStore.load(positionsFile), follow: false });
    expect(await first.rest()).toEqual(['1', '2']);
    const saved = (await PositionsStore.load(positionsFile)).get(log) as { inode: string };
    renameSync(log, `${log}.1`);
    writeFileSync(log, lines('new-1'));
    rmSync(`${log}.1`);
    const warnings: [string, Record<string, unknown>][] = [];
    const second = tail({
      positions: await PositionsStore.load(positionsFile),
      follow: false,
      onWarning: (message, details) => warnings.push([message, details]),
    });
    expect(await second.rest()).toEqual(['new-1']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]![0]).toContain('its lines after the saved offset, if any, are lost');
    expect(warnings[0]![1]).toMatchObject({ path: log, inode: saved.inode, offset: 8 });
  });

  it('does not reuse an offset when the file was rewritten in place (same inode, other first bytes); warns', async () => {
    writeFileSync(log, lines(1, 2));
    const first = tail({ positions: await PositionsStore.load(positionsFile), follow: false });
    expect(await first.rest()).toEqual(['1', '2']);
    writeFileSync(log, lines(7, 8, 9));
    const warnings: [string, Record<string, unknown>][] = [];
    const second = tail({
      positions: await PositionsStore.load(positionsFile),
      follow: false,
      onWarning: (message, details) => warnings.push([message, details]),
    });
    expect(await second.rest()).toEqual(['7', '8', '9']);
    expect(warnings).toEqual([
      [expect.stringContaining('truncated or rewritten while stopped'), { path: log, offset: 8 }],
    ]);
  });
});

describe('line parsers', () => {
  // slo-exporter's tailer_test.go regexp, emptyGroupRE and line template (shared/reference/slo-exporter.md §3.1).
  const pattern =
    '^(?P<ip>[A-Fa-f0-9.:]{4,50}) \\S+ \\S+ \\[(?P<time>.*?)\\] "(?P<request>.*?)" (?P<statusCode>\\d+) \\d+ "(?P<referer>.*?)" uag="(?P<userAgent>[^"]+)" "[^"]+" ua="[^"]+" rt="(?P<requestDuration>\\d+(\\.\\d+)??)"(?: frpc-status="(?P<frpcStatus>\\d*|-)")?(?: slo-domain="(?P<sloDomain>[^"]*)")?(?: slo-app="(?P<sloApp>[^"]*)")?(?: slo-class="(?P<sloClass>[^"]*)")?(?: slo-endpoint="(?P<sloEndpoint>[^"]*)")?(?: slo-result="(?P<sloResult>[^"]*)")?';
  const line = (v: Record<string, string>) =>
    `${v.ip} - - [${v.time}] "${v.request}" ${v.statusCode} 79 "-" uag="-" "-" ua="10.66.112.78:80" rt="${v.requestDuration}" frpc-status="${v.frpcStatus}" slo-domain="${v.sloDomain}" slo-app="${v.sloApp}" slo-class="${v.sloClass}" slo-endpoint="${v.sloEndpoint}" slo-result="${v.sloResult}"`;
  const parse = regexpLineParser(pattern, '^-$');
  const base = {
    ip: '34.65.133.58',
    time: '12/Mar/2019:10:13:18 +0100',
    request: 'GET /robots.txt HTTP/1.1',
    statusCode: '200',
    requestDuration: '0.127',
    frpcStatus: '-',
    sloDomain: '-',
    sloApp: '-',
    sloClass: '-',
    sloEndpoint: '-',
    sloResult: '-',
  };

  it('named groups become metadata, groups matching emptyGroupRE are left out', () => {
    expect({ ...parse(line(base)) }).toEqual({
      ip: '34.65.133.58',
      time: '12/Mar/2019:10:13:18 +0100',
      request: 'GET /robots.txt HTTP/1.1',
      statusCode: '200',
      requestDuration: '0.127',
    });
  });

  it.each([
    ['IPv6', { ip: '2001:718:801:230::1' }],
    ['a request without protocol', { request: 'GET /robots.txt' }],
    ['statusCode 0', { statusCode: '0' }],
  ])('parses %s', (_, change) => {
    expect(parse(line({ ...base, ...change }))).toMatchObject(change);
  });

  it('reads a fully classified line', () => {
    const classified = {
      sloClass: 'critical',
      sloDomain: 'userportal',
      sloApp: 'frontend-api',
      sloResult: 'success',
      sloEndpoint: 'AdInventoryManagerInterestsQuery',
    };
    expect(parse(line({ ...base, ...classified }))).toMatchObject(classified);
  });

  it.each(['200x', 'xxx'])('statusCode %s is malformed', (statusCode) => {
    expect(parse(line({ ...base, statusCode }))).toBeUndefined();
  });

  it('the default emptyGroupRE leaves out empty groups only; unmatched optional groups read as ""', () => {
    const p = regexpLineParser('(?P<a>x*)-(?P<b>y)?(?P<c>z*)');
    expect({ ...p('-zz') }).toEqual({ c: 'zz' });
    expect({ ...p('x-y') }).toEqual({ a: 'x', b: 'y' });
  });

  it('rejects a pattern that is not Go syntax', () => {
    expect(() => regexpLineParser('(?<=x)a')).toThrow(/error parsing regexp/);
  });

  it('JSON lines: strings as they are, numbers and booleans as JSON text, others left out', () => {
    expect({ ...jsonLineParser('{"a":"x","b":200,"c":true,"d":null,"e":{"f":1},"g":1.50}') }).toEqual({
      a: 'x',
      b: '200',
      c: 'true',
      g: '1.5',
    });
    expect(jsonLineParser('[1]')).toBeUndefined();
    expect(jsonLineParser('{"a":')).toBeUndefined();
  });
});

describe('Tailer batches and currentPosition', () => {
  it('hands out the parsed lines of a chunk per pull, and records a batch as read when the next is asked for', async () => {
    writeFileSync(log, `${lines(1, 2)}junk\n${lines(3, 4)}`);
    const tailer = new Tailer({ path: log, parse: numbered, follow: false, chunkBytes: 12 });
    tailers.push(tailer);
    const iterator = tailer.batches()[Symbol.asyncIterator]();
    // 12-byte chunks: "n=1\nn=2\njunk" then "\nn=3\nn=4\n".
    const first = await iterator.next();
    expect(first.value?.map((m: Record<string, string>) => m.n)).toEqual(['1', '2']);
    // Still held by the consumer: the position is where reading started.
    expect(tailer.currentPosition()?.offset).toBe(0);
    const second = await iterator.next();
    expect(second.value?.map((m: Record<string, string>) => m.n)).toEqual(['3', '4']);
    expect(tailer.currentPosition()?.offset).toBe(8);
    expect((await iterator.next()).done).toBe(true);
    expect(tailer.metrics).toMatchObject({ linesRead: 5, malformedLines: 1 });
    // After the end: the position the file was closed at.
    expect(tailer.currentPosition()).toMatchObject({ offset: 21, fingerprintBytes: 21 });
  });

  it('reads multi-byte and invalid UTF-8 lines of one chunk with byte-exact positions', async () => {
    const content = Buffer.concat([
      Buffer.from('n=žluť\nn='),
      Buffer.from([0xff, 0xe2, 0x82]),
      Buffer.from('\nn=ok\n'),
    ]);
    writeFileSync(log, content);
    const { tailer, take, iterator } = tail({ follow: false });
    expect(await take(2)).toEqual(['žluť', '\ufffd\ufffd']);
    expect(await take(1)).toEqual(['ok']);
    // The consumer holds "ok": the position is the end of the line before it, in bytes.
    expect(tailer.currentPosition()?.offset).toBe(content.indexOf('n=ok'));
    expect((await iterator.next()).done).toBe(true);
    expect(tailer.currentPosition()?.offset).toBe(content.length);
  });

  it('currentPosition() equals the position a save records, so either can resume', async () => {
    writeFileSync(log, lines(...Array.from({ length: 50 }, (_, i) => i)));
    const positions = await PositionsStore.load(positionsFile);
    const { tailer, take } = tail({ positions, chunkBytes: 64 });
    await take(20);
    const next = take(1);
    await tailer.savePosition();
    expect(await next).toEqual(['20']);
    const saved = JSON.parse(readFileSync(positionsFile, 'utf8')).positions[log];
    // The 21st line is held by the consumer: both name the end of the 20th.
    expect(saved.offset).toBe(lines(...Array.from({ length: 20 }, (_, i) => i)).length);
    expect(tailer.currentPosition()).toEqual(saved);
  });
});
