import { describe, expect, it } from 'vitest';
import { ExactSum } from '../../src/events/exact-sum.js';

const sum = (values: number[]) => {
  const s = new ExactSum();
  for (const v of values) s.add(v);
  return s;
};

describe('ExactSum', () => {
  it('gives the correctly rounded exact sum (values from Python math.fsum)', () => {
    expect(sum([]).value).toBe(0);
    expect(sum(Array(10).fill(0.1)).value).toBe(1); // plain addition gives 0.9999999999999999
    expect(sum([1e100, 1, -1e100]).value).toBe(1);
    expect(sum([2 ** 53, 1, 1]).value).toBe(2 ** 53 + 2); // plain addition gives 2^53
    expect(sum([1, 1e-16, 1e-16]).value).toBe(1.0000000000000002);
  });

  it('does not depend on the order of additions or on how sums are merged', () => {
    const values = [0.1, 0.7, 1e16, 3.3, -1e16, 2.5e-8, 17, 0.3, 1 / 3];
    const whole = sum(values).value;
    expect(whole).toBe(21.733333358333333); // math.fsum
    expect(sum([...values].reverse()).value).toBe(whole);
    const left = sum(values.slice(0, 4));
    const right = sum(values.slice(4));
    right.addSum(left.terms);
    expect(right.value).toBe(whole);
  });
});

describe('ExactSum past the float range', () => {
  it('gives the infinity plain addition gives, never NaN, merged or not', () => {
    const sum = new ExactSum();
    sum.add(1e308);
    sum.add(1e308);
    expect(sum.value).toBe(Number.POSITIVE_INFINITY);
    sum.add(5);
    expect(sum.value).toBe(Number.POSITIVE_INFINITY);
    const merged = new ExactSum();
    merged.add(1);
    merged.addSum(sum.terms);
    expect(merged.value).toBe(Number.POSITIVE_INFINITY);
    const negative = new ExactSum();
    negative.add(-1e308);
    negative.add(-1e308);
    expect(negative.value).toBe(Number.NEGATIVE_INFINITY);
  });
});
