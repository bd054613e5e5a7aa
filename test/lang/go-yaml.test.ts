/**
 * toYaml cases the Go differential corpus cannot carry: values JSON cannot hold (NaN, infinities) and
 * times (Go's `now` differs between the two runs). Everything else about toYaml is checked against real Go
 * in go-template.differential.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { GoTime } from '../../src/lang/go-template-fmt.js';
import { toYaml } from '../../src/lang/go-yaml.js';

describe('toYaml', () => {
  it('yields "" for NaN or an infinity anywhere in the value, as json.Marshal fails on them', () => {
    expect(toYaml(Number.NaN)).toBe('');
    expect(toYaml({ a: [1, Number.POSITIVE_INFINITY] })).toBe('');
    expect(toYaml([{ b: Number.NEGATIVE_INFINITY }])).toBe('');
    expect(toYaml({ a: [1, 2.5] })).toBe('a:\n- 1\n- 2.5');
  });

  it('writes a time as JSON does (RFC 3339, trailing fraction zeros dropped), quoted as a timestamp', () => {
    const ms = Date.UTC(2020, 1, 1, 9, 44, 40);
    expect(toYaml(new GoTime(ms))).toBe('"2020-02-01T09:44:40Z"');
    expect(toYaml({ t: new GoTime(ms + 120) })).toBe('t: "2020-02-01T09:44:40.12Z"');
  });
});
