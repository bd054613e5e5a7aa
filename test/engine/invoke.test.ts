import { describe, expect, it } from 'vitest';
import { snapshotResult } from '../../src/engine/invoke.js';

describe('snapshotResult', () => {
  it('copies a pair and keeps primitives', () => {
    const pair = [10, 2];
    const copy = snapshotResult(pair);
    expect(copy).toEqual([10, 2]);
    expect(copy).not.toBe(pair);
    expect(snapshotResult(0.999)).toBe(0.999);
    expect(snapshotResult(null)).toBe(null);
  });

  it('keeps only the kind of other objects and of items that are objects', () => {
    expect(snapshotResult({ good: 1 })).toEqual({});
    expect(snapshotResult([{ a: 1 }, 2])).toEqual([{}, 2]);
  });

  it('keeps only the length of an array that is not a pair, without reading its items', () => {
    const items = new Proxy([1, 2, 3], {
      get(target, key) {
        if (key === 'length') return target.length;
        throw new Error(`item ${String(key)} read`);
      },
    });
    expect(snapshotResult(items)).toHaveLength(3);
    expect(snapshotResult(new Array(2 ** 32 - 1))).toHaveLength(2 ** 32 - 1);
  });

  it('throws what reading the result throws, for the caller to attribute to the backend', () => {
    const pair = [1, 2];
    Object.defineProperty(pair, 0, {
      get() {
        throw new Error('unreadable');
      },
    });
    expect(() => snapshotResult(pair)).toThrow('unreadable');
  });
});
