/** Go's `Regexp.Expand` rules (https://pkg.go.dev/regexp#Regexp.Expand), as the relabel replacement uses them. */
import { describe, expect, it } from 'vitest';
import { GoSubmatchRegexp } from '../../src/events/go-submatch.js';
import { GoRegexpSyntaxError } from '../../src/lang/re2.js';

describe('GoSubmatchRegexp', () => {
  const re = new GoSubmatchRegexp('(?P<first>a+)(b)?(?P<third>c*)', true);

  it.each([
    ['$1', 'aa'],
    ['${1}x', 'aax'],
    ['$1x', ''], // the group named "1x"
    ['$first-$3', 'aa-cc'],
    ['${first}_', 'aa_'],
    ['$first_', ''], // the group named "first_"
    ['$third', 'cc'],
    ['$čtvrtý', ''], // a reference name takes Unicode letters (no such group)
    ['$2', ''], // did not take part
    ['$9', ''], // no such group
    ['$01', ''], // a leading zero makes it a name
    ['$0', 'aacc'],
    ['$$1', '$1'],
    ['a$', 'a$'],
    ['${1', '${1'],
    ['$-', '$-'],
  ])('expands %s to %s', (template, expected) => {
    expect(re.expand(template, re.exec('aacc')!)).toBe(expected);
  });

  it('anchored matches the whole text only; unanchored finds the leftmost match', () => {
    expect(re.exec('xaacc')).toBeUndefined();
    expect(new GoSubmatchRegexp('a+').exec('xaay')).toEqual(['aa']);
    expect(re.groupNames).toEqual(['', 'first', '', 'third']);
  });

  it('gives the same answers from its memo, across a memo reset and for long texts', () => {
    const path = new GoSubmatchRegexp('/api/(v\\d+)/(.*)', true);
    const values = Array.from({ length: 5000 }, (_, i) => (i % 3 ? `/api/v${i}/x${i}` : `/other/${i}`));
    values.push(`/api/v1/${'y'.repeat(300)}`);
    const expected = (v: string) => {
      const m = /^\/api\/(v\d+)\/(.*)$/.exec(v);
      return m ? [...m] : undefined;
    };
    for (let round = 0; round < 2; round++) {
      for (const v of values) {
        expect(path.exec(v)).toEqual(expected(v));
        expect(path.test(v)).toBe(expected(v) !== undefined);
      }
    }
  });

  it('throws GoRegexpSyntaxError on syntax Go rejects', () => {
    expect(() => new GoSubmatchRegexp('a(?=b)')).toThrow(GoRegexpSyntaxError);
  });
});
