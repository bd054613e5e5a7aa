import { describe, expect, it } from 'vitest';
import { pythonRound } from '../../src/domain/rounding.js';

// Expected values are what Python 3's round() returns for the same doubles.
describe('pythonRound', () => {
  it.each([
    [0.25, 1, 0.2],
    [0.35, 1, 0.3], // 0.35 is stored as 0.34999..., so it rounds down
    [2.25, 1, 2.2],
    [0.75, 1, 0.8],
    [2.5, 0, 2],
    [3.5, 0, 4],
    [-2.5, 0, -2],
    [-0.25, 1, -0.2],
    [0.5000005, 6, 0.5],
    [0.0000005, 6, 0],
    [0.1234565, 6, 0.123456],
    [0.9999995, 6, 1],
    [0.999001, 6, 0.999001],
    [1 / 3, 6, 0.333333],
    [49.99999999999996, 1, 50],
    [56.24999999999995, 1, 56.2],
    [1e300, 1, 1e300],
    [5e-324, 6, 0],
  ])('round(%d, %d) = %d', (x, digits, expected) => {
    expect(pythonRound(x, digits)).toBe(expected);
  });

  it('differs from JavaScript rounding on exact ties', () => {
    expect(Math.round(0.25 * 10) / 10).toBe(0.3);
    expect(pythonRound(0.25, 1)).toBe(0.2);
  });

  it('passes NaN and infinities through', () => {
    expect(pythonRound(Number.NaN, 1)).toBeNaN();
    expect(pythonRound(Number.POSITIVE_INFINITY, 1)).toBe(Number.POSITIVE_INFINITY);
  });
});
