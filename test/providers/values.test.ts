import { describe, expect, it } from 'vitest';
import {
  deepMerge,
  elapsedSeconds,
  formatRfc3339,
  parseRfc3339,
  StartingTimeError,
  versionValues,
} from '../../src/providers/values.js';

describe('deepMerge', () => {
  it('merges nested maps key by key, the second argument winning', () => {
    const merged = deepMerge(
      { labels: { namespace: 'default', app: 'a' }, url: 'u' },
      { labels: { destination_version: 'v1', app: 'b' } },
    );
    expect(merged).toEqual({
      labels: { namespace: 'default', app: 'b', destination_version: 'v1' },
      url: 'u',
    });
  });

  it('replaces lists and scalars, and a map by a scalar', () => {
    expect(deepMerge({ a: [1, 2], b: { c: 1 } }, { a: [3], b: 'x' })).toEqual({ a: [3], b: 'x' });
  });

  it('changes neither argument and shares nothing with them', () => {
    const base = { labels: { a: '1' } };
    const over = { labels: { b: '2' }, list: [1] };
    const merged = deepMerge(base, over);
    (merged.labels as Record<string, string>).c = '3';
    (merged.list as number[]).push(2);
    expect(base).toEqual({ labels: { a: '1' } });
    expect(over).toEqual({ labels: { b: '2' }, list: [1] });
  });
});

describe('versionValues', () => {
  it('is one version from the values alone when no version values are given', () => {
    expect(versionValues({ a: 1 }, [])).toEqual([{ a: 1 }]);
  });

  it('gives each version a fresh merge: keys of version 0 do not leak into version 1 (Iter8 did leak)', () => {
    const versions = versionValues({ labels: { ns: 'default' } }, [
      { labels: { version: 'v1' }, onlyV0: true },
      { labels: { version: 'v2' } },
    ]);
    expect(versions).toEqual([
      { labels: { ns: 'default', version: 'v1' }, onlyV0: true },
      { labels: { ns: 'default', version: 'v2' } },
    ]);
  });
});

describe('RFC 3339', () => {
  it.each([
    ['2020-02-01T09:44:40Z', Date.UTC(2020, 1, 1, 9, 44, 40)],
    ['2020-02-01T09:44:40.954641934Z', Date.UTC(2020, 1, 1, 9, 44, 40, 954)],
    ['2020-02-01T10:44:40+01:00', Date.UTC(2020, 1, 1, 9, 44, 40)],
    ['2020-02-01T09:14:40-00:30', Date.UTC(2020, 1, 1, 9, 44, 40)],
  ])('reads %s', (text, ms) => {
    expect(parseRfc3339(text)).toBe(ms);
  });

  it.each([
    '1652935205',
    '2020-02-01 09:44:40Z',
    '2020-02-30T00:00:00Z',
    '2020-02-01T24:00:00Z',
    '2020-02-01T09:44:40',
  ])('refuses %s', (text) => {
    expect(parseRfc3339(text)).toBeUndefined();
  });

  it('formats timestamps in UTC, with milliseconds only when there are some', () => {
    expect(formatRfc3339(1580550280)).toBe('2020-02-01T09:44:40Z');
    expect(formatRfc3339(1580550280.25)).toBe('2020-02-01T09:44:40.250Z');
  });
});

describe('elapsedSeconds', () => {
  const now = Date.UTC(2020, 1, 1, 10, 44, 40, 900);

  it('is whole seconds since startingTime, truncated', () => {
    expect(elapsedSeconds({ startingTime: '2020-02-01T09:44:40Z' }, now)).toBe(3600);
  });

  it('is 0 without startingTime and negative for a future one', () => {
    expect(elapsedSeconds({}, now)).toBe(0);
    expect(elapsedSeconds({ startingTime: '2020-02-01T10:44:50Z' }, now)).toBe(-9);
  });

  it('refuses a startingTime that is not RFC 3339, quoting it', () => {
    expect(() => elapsedSeconds({ startingTime: 1652935205 }, now)).toThrow(StartingTimeError);
    expect(() => elapsedSeconds({ startingTime: 1652935205 }, now)).toThrow(
      'cannot parse startingTime "1652935205": expected an RFC 3339 date-time',
    );
  });
});
