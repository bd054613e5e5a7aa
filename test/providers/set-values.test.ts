import { describe, expect, it } from 'vitest';
import { applySetArgument, SetValueError, typedSetValue } from '../../src/providers/set-values.js';
import type { Values } from '../../src/providers/values.js';

const set = (...args: string[]) => {
  const values: Values = {};
  for (const arg of args) applySetArgument(values, arg);
  return values;
};

describe('--set as Helm reads it', () => {
  it.each([
    ['true', true],
    ['FALSE', false],
    ['Null', null],
    ['0', 0],
    ['42', 42],
    ['-7', -7],
    ['+3', 3],
    ['007', '007'],
    ['1.5', '1.5'],
    ['9223372036854775808', '9223372036854775808'],
    ['2020-02-01T09:44:40Z', '2020-02-01T09:44:40Z'],
    ['', ''],
  ])('types %j as %j', (text, value) => {
    expect(typedSetValue(text)).toEqual(value);
  });

  it('sets dotted paths, several assignments per argument, later ones winning', () => {
    expect(set('labels.destination_workload=reviews-v2,labels.ns=default', 'labels.ns=prod', 'n=3')).toEqual({
      labels: { destination_workload: 'reviews-v2', ns: 'prod' },
      n: 3,
    });
  });

  it('sets list items and {a,b} lists', () => {
    expect(set('latencyPercentiles={50,90}', 'names[1]=b')).toEqual({
      latencyPercentiles: [50, 90],
      names: [null, 'b'],
    });
  });

  it('honours backslash escapes of commas, dots and equals signs', () => {
    expect(set('query=a\\,b', 'a\\.b=c\\=d')).toEqual({ query: 'a,b', 'a.b': 'c=d' });
  });

  it('refuses an assignment without = and an empty name', () => {
    expect(() => set('labels')).toThrow(SetValueError);
    expect(() => set('labels')).toThrow('--set labels: expected key=value, got "labels"');
    expect(() => set('a..b=1')).toThrow('empty name in key "a..b"');
  });
});
