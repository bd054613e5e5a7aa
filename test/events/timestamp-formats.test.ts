import { describe, expect, it } from 'vitest';
import { TIMESTAMP_PARSERS } from '../../src/events/pipeline-config/timestamp-formats.js';

const { clf, rfc3339, unix, unix_ms } = TIMESTAMP_PARSERS;

describe('timestamp formats', () => {
  it('clf: the Common Log Format time with its offset', () => {
    // 10/Oct/2000:13:55:36 -0700 is 20:55:36 UTC.
    expect(clf('10/Oct/2000:13:55:36 -0700')).toBe(Date.UTC(2000, 9, 10, 20, 55, 36) / 1000);
    expect(clf('01/Jan/2026:00:00:00 +0000')).toBe(Date.UTC(2026, 0, 1) / 1000);
    expect(clf('01/Jan/2026:05:30:00 +0530')).toBe(Date.UTC(2026, 0, 1) / 1000);
  });

  it('clf: refuses other shapes and impossible dates instead of rolling them over', () => {
    expect(clf('10/Foo/2000:13:55:36 -0700')).toBeUndefined();
    expect(clf('31/Feb/2026:00:00:00 +0000')).toBeUndefined();
    expect(clf('10/Oct/2000:24:00:00 +0000')).toBeUndefined();
    expect(clf('10/Oct/2000:13:55:36')).toBeUndefined();
    expect(clf('-')).toBeUndefined();
  });

  it('rfc3339: Z or an offset, fractional seconds kept', () => {
    expect(rfc3339('2000-10-10T13:55:36Z')).toBe(Date.UTC(2000, 9, 10, 13, 55, 36) / 1000);
    expect(rfc3339('2000-10-10T13:55:36.25+02:00')).toBe(Date.UTC(2000, 9, 10, 11, 55, 36) / 1000 + 0.25);
    expect(rfc3339('2000-10-10 13:55:36z')).toBe(Date.UTC(2000, 9, 10, 13, 55, 36) / 1000);
    expect(rfc3339('2000-10-10T13:55:36')).toBeUndefined();
    expect(rfc3339('2000-13-10T13:55:36Z')).toBeUndefined();
  });

  it('unix and unix_ms: decimal numbers only', () => {
    expect(unix('971186136')).toBe(971186136);
    expect(unix('971186136.5')).toBe(971186136.5);
    expect(unix_ms('971186136500')).toBe(971186136.5);
    expect(unix('1e9')).toBeUndefined();
    expect(unix('')).toBeUndefined();
    expect(unix_ms('-5')).toBeUndefined();
  });
});
