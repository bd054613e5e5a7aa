import { describe, expect, it } from 'vitest';
import { didYouMean } from '../../src/config/did-you-mean.js';
import { interpolate } from '../../src/config/interpolate.js';

describe('interpolate', () => {
  const env = { HOST: 'prom', PORT: '9090', EMPTY: '' };
  it.each([
    ['url: http://${HOST}:${PORT}', 'url: http://prom:9090'],
    ['a: ${MISSING:-fallback}', 'a: fallback'],
    ['a: ${MISSING:-}', 'a: '],
    ['a: ${EMPTY:-x}', 'a: '], // set but empty is kept, as the variable is set
    ['a: $HOST ${ HOST }', 'a: $HOST ${ HOST }'], // only ${NAME} is a placeholder, as in slo-generator
    ['  # commented: ${MISSING}', '  # commented: ${MISSING}'],
  ])('%s', (text, expected) => {
    expect(interpolate(text, env, 'f.yaml')).toEqual({ text: expected, issues: [], placeholders: [] });
  });

  it('looks variables up as own properties: ${toString}, ${constructor}, ${__proto__} are unset', () => {
    const { text, issues } = interpolate(
      'a: ${toString}\nb: ${constructor}\nc: ${__proto__}\n',
      {},
      'f.yaml',
    );
    expect(text).toBe('a: $(toString)\nb: $(constructor)\nc: $(__proto__)\n');
    expect(issues.map((i) => [i.line, i.column, i.message.split(' is ')[0]])).toEqual([
      [1, 4, 'environment variable "toString"'],
      [2, 4, 'environment variable "constructor"'],
      [3, 4, 'environment variable "__proto__"'],
    ]);
  });

  it('gives each missing placeholder its offset in the output text, after earlier substitutions', () => {
    const { text, placeholders } = interpolate(
      'a: ${LONG} ${GONE}\nb: ${GONE}',
      { LONG: 'abcdefghijkl' },
      'f.yaml',
    );
    expect(placeholders.map((p) => text.slice(p.offset, p.offset + 7))).toEqual(['$(GONE)', '$(GONE)']);
    expect(placeholders).toEqual([
      { name: 'GONE', offset: 16 },
      { name: 'GONE', offset: 27 },
    ]);
  });

  it('reports every missing variable with its line and column', () => {
    const { issues } = interpolate('a: 1\nb: ${ONE} ${TWO}\n', {}, 'f.yaml');
    expect(issues.map((i) => [i.line, i.column, i.message.split(' is ')[0]])).toEqual([
      [2, 4, 'environment variable "ONE"'],
      [2, 11, 'environment variable "TWO"'],
    ]);
  });
});

describe('didYouMean', () => {
  it.each([
    ['methdo', ['method', 'backend'], 'method'],
    ['exporterz', ['exporters', 'backends'], 'exporters'],
    ['Backend', ['backend'], 'backend'],
    ['zzzzzz', ['method', 'backend'], undefined],
  ])('%s → %s', (word, candidates, expected) => {
    expect(didYouMean(word, candidates)).toBe(expected);
  });
});
