import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { compileGoRegexp, GoRegexpSyntaxError } from '../../src/lang/re2.js';

describe('compileGoRegexp', () => {
  it('matches unanchored, with Go syntax', () => {
    expect(compileGoRegexp('b+').test('abbc')).toBe(true);
    expect(compileGoRegexp('^b').test('abc')).toBe(false);
    expect(compileGoRegexp('(?P<code>5)\\d\\d').test('HTTP 503')).toBe(true);
    expect(compileGoRegexp('(?i)TimeOut').test('read timeout')).toBe(true);
    expect(compileGoRegexp('[[:digit:]]{3}').test('x404')).toBe(true);
    expect(compileGoRegexp('\\pL+').test('žluť')).toBe(true);
  });

  it('gives RE2 answers through its shortcuts: literals, the empty pattern, repeated and long values', () => {
    const values = ['', 'shop', 'my-shop', 'sho', 'SHOP', 'shop-shop', `${'x'.repeat(300)}shop`];
    for (const pattern of ['shop', '', 'my-shop', 'sh.p', 'shop$']) {
      const ours = compileGoRegexp(pattern);
      const re2 = RE2JS.compile(pattern);
      for (let round = 0; round < 3; round++) {
        for (const value of values) expect(ours.test(value), `${pattern} on ${value}`).toBe(re2.test(value));
      }
    }
  });

  it("rejects what Go's regexp rejects, with Go's message", () => {
    for (const pattern of ['(a', 'a(?=b)', '(a)\\1', 'a**', '\\C']) {
      expect(() => compileGoRegexp(pattern)).toThrow(GoRegexpSyntaxError);
    }
    expect(() => compileGoRegexp('(a')).toThrow('error parsing regexp: missing closing ): `(a`');
  });
});
