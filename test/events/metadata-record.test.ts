import { describe, expect, it } from 'vitest';
import { jsonLineParser, regexpLineParser } from '../../src/events/line-parsers.js';
import { inheritsNothing, metadataRecord } from '../../src/events/metadata-record.js';

describe('metadata records', () => {
  it('inherit nothing: names of Object members read as absent or as data', () => {
    const record = metadataRecord();
    for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf'])
      expect(record[name]).toBeUndefined();
    // A field named __proto__ is data too (there is no inherited accessor to set a prototype through).
    const name = '__proto__';
    record[name] = 'x';
    expect(Object.entries(record)).toEqual([['__proto__', 'x']]);
    expect(inheritsNothing(record)).toBe(true);
    expect(inheritsNothing(Object.create(null))).toBe(true);
    expect(inheritsNothing({})).toBe(false);
  });

  it('are what the line parsers give, with groups or fields named like Object members as data', () => {
    const fromRegexp = regexpLineParser('(?P<constructor>a+) (?P<toString>b*)')('aa b')!;
    expect(inheritsNothing(fromRegexp)).toBe(true);
    expect(Object.entries(fromRegexp)).toEqual([
      ['constructor', 'aa'],
      ['toString', 'b'],
    ]);
    const fromJson = jsonLineParser('{"valueOf": "1", "n": 2}')!;
    expect(inheritsNothing(fromJson)).toBe(true);
    expect(fromJson.valueOf).toBe('1');
    expect(fromJson.constructor).toBeUndefined();
  });
});
