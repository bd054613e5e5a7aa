import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/lang/duration.js';

describe('parseDuration (Prometheus syntax)', () => {
  it.each([
    ['1h', 3600],
    ['12h', 43200],
    ['7d', 604800],
    ['28d', 2419200],
    ['4w', 2419200],
    ['1y', 31536000],
    ['1h30m', 5400],
    ['90s', 90],
    ['1m500ms', 60.5],
    ['0', 0],
  ])('%s = %d s', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', '1', 'h', '1x', '30m1h', '1h1h', '1.5h', '-1h', ' 1h', '1H'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [3600, '1h'],
    [5400, '1h30m'],
    [2419200, '28d'],
    [86400 * 3, '3d'],
    [0, '0s'],
    [0.25, '250ms'],
  ])('%d s = %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});
