import { describe, expect, it } from 'vitest';
import { pythonFloatRepr } from '../../src/domain/python-float.js';

// Expected strings are what Python 3 prints for repr(float(x)).
describe('pythonFloatRepr', () => {
  it.each([
    [1, '1.0'],
    [0.25, '0.25'],
    [1.052632, '1.052632'],
    [100, '100.0'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [1e16, '1e+16'],
    [123456789012345680, '1.2345678901234568e+17'],
    [1e15, '1000000000000000.0'],
    [-2.5, '-2.5'],
    [0, '0.0'],
    [Number.NaN, 'nan'],
    [Number.POSITIVE_INFINITY, 'inf'],
    [Number.NEGATIVE_INFINITY, '-inf'],
  ])('%d → %s', (x, expected) => {
    expect(pythonFloatRepr(x)).toBe(expected);
  });
});
