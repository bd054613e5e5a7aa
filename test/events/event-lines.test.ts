import { describe, expect, it } from 'vitest';
import { Classifier, type SloEvent } from '../../src/events/classifier.js';
import { EventLineReader, LineSplitter, rawEventFrom } from '../../src/events/event-lines.js';
import { rulesFrom } from './helpers.js';

function split(chunks: (string | Buffer)[], max?: number) {
  const lines: string[] = [];
  let overlong = 0;
  const splitter = new LineSplitter(
    (l) => lines.push(l),
    () => overlong++,
    max,
  );
  for (const chunk of chunks) splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  splitter.end();
  return { lines, overlong };
}

describe('LineSplitter', () => {
  it('splits across chunk boundaries, skips blank lines, keeps a last line without line feed', () => {
    expect(split(['{"a":', '1}\n\n  \n{"b"', ':2}\r\n', '{"c":3}']).lines).toEqual([
      '{"a":1}',
      '{"b":2}\r',
      '{"c":3}',
    ]);
  });

  it('drops a UTF-8 byte-order mark at the start of the stream only, even split between chunks', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    expect(split([Buffer.concat([bom, Buffer.from('{"a":1}\n')])]).lines).toEqual(['{"a":1}']);
    expect(
      split([bom.subarray(0, 1), Buffer.concat([bom.subarray(1), Buffer.from('{"a":1}\n')])]).lines,
    ).toEqual(['{"a":1}']);
    expect(split(['{"a":1}\n', Buffer.concat([bom, Buffer.from('{"b":2}\n')])]).lines).toEqual([
      '{"a":1}',
      '\ufeff{"b":2}',
    ]);
  });

  it('decodes a UTF-8 character split between chunks, and reads invalid bytes as U+FFFD', () => {
    const euro = Buffer.from('"€"\n');
    expect(split([euro.subarray(0, 2), euro.subarray(2)]).lines).toEqual(['"€"']);
    expect(split([Buffer.from([0x22, 0xff, 0xc3, 0x22, 0x0a])]).lines).toEqual(['"\ufffd\ufffd"']);
  });

  it('reads a chunk larger than its decoding piece (64 KiB) whole, a character across the piece edge too', () => {
    const first = `"${'a'.repeat(65_534)}€"`; // the euro sign's 3 bytes straddle byte 65,536
    const second = `"${'é'.repeat(50_000)}"`;
    const { lines } = split([Buffer.from(`${first}\n${second}\n{"x":1}`)], 1_000_000);
    expect(lines).toEqual([first, second, '{"x":1}']);
  });

  it('drops lines longer than the limit, once each, without keeping them whole', () => {
    const { lines, overlong } = split(['ok\n', 'x'.repeat(6), 'x'.repeat(6), '\nfine\n', 'y'.repeat(11)], 10);
    expect(lines).toEqual(['ok', 'fine']);
    expect(overlong).toBe(2);
  });
});

describe('rawEventFrom', () => {
  it('reads classification, key, quantity and result, keeping every field as metadata', () => {
    const value = {
      slo_domain: 'd',
      slo_class: 'c',
      slo_app: 'a',
      event_key: 7,
      quantity: 2,
      slo_result: 'fail',
      x: 1,
    };
    expect(rawEventFrom(value)).toEqual({
      metadata: value,
      domain: 'd',
      class: 'c',
      app: 'a',
      key: '7',
      quantity: 2,
      result: 'fail',
    });
    expect(rawEventFrom({})).toMatchObject({ key: '', quantity: 1, domain: undefined });
  });

  it.each([[[1]], ['text'], [null], [{ quantity: -1 }], [{ quantity: '3' }], [{ quantity: null }]])(
    'takes %j as malformed',
    (value) => {
      expect(rawEventFrom(value)).toBeUndefined();
    },
  );
});

describe('EventLineReader', () => {
  it('classifies valid lines and counts malformed ones', () => {
    const classifier = new Classifier(rulesFrom('rules:\n  - {}\n'));
    const out: SloEvent[] = [];
    const reader = new EventLineReader(classifier, (e) => out.push(e));
    reader.push(Buffer.from('{"slo_domain":"d","slo_class":"c","slo_app":"a"}\n{oops\n[]\n"x"\n'));
    reader.push(Buffer.from('{"slo_domain":"d","slo_class":"c","slo_app":"a","quantity":0.5}'));
    reader.end();
    expect(reader.counts).toEqual({ lines: 5, malformed: 3 });
    expect(out.map((e) => e.quantity)).toEqual([1, 0.5]);
  });
});
