import { describe, expect, it } from 'vitest';
import {
  compileCondition,
  findOperator,
  OPERATORS,
  ThresholdError,
  Verdict,
} from '../../src/events/operators.js';

const { True, False, Error: Err } = Verdict;

/** [operator (v6 name), threshold, event value (undefined: key missing), expected verdict] */
const CASES: [string, string, unknown, Verdict][] = [
  ['isEqualTo', '200', '200', True],
  ['isEqualTo', '200', '201', False],
  ['isEqualTo', '200', 200, True], // a JSON number reads as its text
  ['isEqualTo', '200.0', 200, False], // ... which is "200", not "200.0"
  ['isEqualTo', 'true', true, True],
  ['isEqualTo', '', '', True],
  ['isEqualTo', '200', undefined, False],
  ['isNotEqualTo', '200', '201', True],
  ['isNotEqualTo', '200', '200', False],
  ['isNotEqualTo', '200', undefined, False], // missing key is false, even negated
  ['isNotEqualTo', '200', null, False],
  ['isNotEqualTo', '200', { nested: 1 }, False],
  ['isMatchingRegexp', '^2..$', '204', True],
  ['isMatchingRegexp', '^2..$', '2040', False],
  ['isMatchingRegexp', '5', '503', True], // unanchored
  ['isMatchingRegexp', '', 'anything', True],
  ['isMatchingRegexp', '(?i)timeout', 'Read TIMEOUT', True],
  ['isMatchingRegexp', '^(?P<code>5)\\d\\d$', '503', True],
  ['isMatchingRegexp', '^2..$', undefined, False],
  ['isNotMatchingRegexp', '^2..$', '503', True],
  ['isNotMatchingRegexp', '^2..$', '200', False],
  ['isNotMatchingRegexp', '^2..$', undefined, False],
  ['numberIsEqualTo', '200', '200', True],
  ['numberIsEqualTo', '200', '200.0', True],
  ['numberIsEqualTo', '200', '2e2', True],
  ['numberIsEqualTo', '1000', '1_000', True],
  ['numberIsEqualTo', '200', 200, True],
  ['numberIsEqualTo', '200', '201', False],
  ['numberIsEqualTo', '200', ' 200', Err],
  ['numberIsEqualTo', '200', '', Err],
  ['numberIsEqualTo', '16', '0x10', Err],
  ['numberIsEqualTo', '200', true, Err],
  ['numberIsEqualTo', '200', undefined, False],
  ['numberIsEqualTo', 'NaN', 'NaN', False], // NaN equals nothing
  ['numberIsNotEqualTo', '200', '201', True],
  ['numberIsNotEqualTo', '200', '200', False],
  ['numberIsNotEqualTo', 'NaN', 'NaN', True],
  ['numberIsNotEqualTo', '200', 'abc', Err],
  ['numberIsNotEqualTo', '200', undefined, False],
  ['numberIsHigherThan', '499', '500', True],
  ['numberIsHigherThan', '499', '499', False],
  ['numberIsHigherThan', '499', '+Inf', True],
  ['numberIsHigherThan', '499', '1e400', Err], // out of range in Go
  ['numberIsHigherThan', '499', Number.POSITIVE_INFINITY, Err], // the JSON number 1e400 after JSON.parse
  ['numberIsHigherThan', '499', 'nan', False],
  ['numberIsHigherThan', '499', undefined, False],
  ['numberIsEqualOrHigherThan', '499', '499', True],
  ['numberIsEqualOrHigherThan', '499', '498.999', False],
  ['numberIsEqualOrHigherThan', '499', '500x', Err],
  ['numberIsEqualOrLessThan', '1', '1', True],
  ['numberIsEqualOrLessThan', '1', '0.5', True],
  ['numberIsEqualOrLessThan', '1', '1.0000001', False],
  ['numberIsEqualOrLessThan', '1', '-inf', True],
  ['numberIsEqualOrLessThan', '1', undefined, False],
  ['durationIsHigherThan', '1s', '1.5s', True],
  ['durationIsHigherThan', '1s', '1s', False],
  ['durationIsHigherThan', '1s', '999ms', False],
  ['durationIsHigherThan', '1s', '1000001µs', True],
  ['durationIsHigherThan', '1s', '1000001μs', True],
  ['durationIsHigherThan', '1s', '1000001us', True],
  ['durationIsHigherThan', '1s', '1h', True],
  ['durationIsHigherThan', '-1s', '0', True],
  ['durationIsHigherThan', '1s', '0.127', Err], // no unit
  ['durationIsHigherThan', '1s', '1d', Err],
  ['durationIsHigherThan', '1s', 5, Err], // "5" has no unit
  ['durationIsHigherThan', '1s', undefined, False],
  ['durationIsHigherThan', '2562047h', '2562047h47m16.854775807s', True], // beyond 2^53 ns, still exact
];

describe('operators (both names)', () => {
  it('has ten operators, each with a v6 name and a seed alias', () => {
    expect(OPERATORS.map((op) => [op.name, op.alias])).toEqual([
      ['isEqualTo', 'equalTo'],
      ['isNotEqualTo', 'notEqualTo'],
      ['isMatchingRegexp', 'matchesRegexp'],
      ['isNotMatchingRegexp', 'notMatchesRegexp'],
      ['numberIsEqualTo', 'numberEqualTo'],
      ['numberIsNotEqualTo', 'numberNotEqualTo'],
      ['numberIsHigherThan', 'numberHigherThan'],
      ['numberIsEqualOrHigherThan', 'numberEqualOrHigherThan'],
      ['numberIsEqualOrLessThan', 'numberEqualOrLessThan'],
      ['durationIsHigherThan', 'durationHigherThan'],
    ]);
    expect(OPERATORS.filter((op) => op.equality).map((op) => op.name)).toEqual([
      'isEqualTo',
      'numberIsEqualTo',
    ]);
  });

  it('covers every operator in the table', () => {
    expect(new Set(CASES.map(([name]) => name))).toEqual(new Set(OPERATORS.map((op) => op.name)));
  });

  describe.each([
    ['v6 name', (op: { name: string }) => op.name],
    ['seed name', (op: { alias: string }) => op.alias],
  ])('under its %s', (_, nameOf) => {
    it.each(CASES)('%s %j on %j', (v6name, threshold, value, expected) => {
      const operator = findOperator(v6name)!;
      const condition = compileCondition(nameOf(operator), 'k', threshold);
      const metadata = value === undefined ? { other: '1' } : { k: value };
      expect(condition.test(metadata)).toBe(expected);
    });
  });

  it('ignores inherited properties: a key named like an Object method is missing', () => {
    expect(compileCondition('isNotEqualTo', 'constructor', 'x').test({})).toBe(False);
    expect(compileCondition('numberEqualTo', 'toString', '1').test({})).toBe(False);
  });

  it('parses number thresholds once, as Go does', () => {
    expect(compileCondition('numberHigherThan', 'k', '1_000').threshold).toBe(1000);
    expect(compileCondition('numberHigherThan', 'k', '0x1p4').threshold).toBe(16);
    expect(compileCondition('isEqualTo', 'k', '1').threshold).toBeUndefined();
  });

  it.each([
    ['numberHigherThan', ' 12', /expected a number .*got " 12"/],
    ['numberEqualTo', '0x10', /expected a number/],
    ['numberEqualTo', '1e400', /expected a number/],
    ['durationHigherThan', '1', /expected a duration .*got "1"/],
    ['durationIsHigherThan', '1d', /expected a duration/],
    ['matchesRegexp', '(a', /invalid regexp "\(a": error parsing regexp: missing closing \)/],
    ['isMatchingRegexp', 'a(?=b)', /invalid regexp/],
    ['isMatchingRegexp', '(a)\\1', /invalid regexp/],
    ['isEqualToo', 'x', /unknown operator "isEqualToo"/],
  ])('%s rejects threshold %j', (operator, threshold, message) => {
    expect(() => compileCondition(operator, 'k', threshold)).toThrow(ThresholdError);
    expect(() => compileCondition(operator, 'k', threshold)).toThrow(message);
  });
});
