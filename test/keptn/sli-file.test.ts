/** sli.yaml reading and the project → stage → service merge (reference/keptn.md §2.6). */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { mergeSliFiles, parseSliFile, providerMetricRef } from '../../src/keptn/sli-file.js';

const file = (name: string, indicators: Record<string, string>) => ({
  file: name,
  text: `spec_version: '1.0'\nindicators:\n${Object.entries(indicators)
    .map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)
    .join('\n')}\n`,
});

describe('mergeSliFiles', () => {
  it('merges key by key, later levels winning (the documented example)', () => {
    const merged = mergeSliFiles([
      file('project', { throughput: 'A-1', error_rate: 'B-1', response_time_p95: 'C-1' }),
      file('stage', { response_time_p95: 'C-2', response_time_p99: 'D-2' }),
      file('service', { response_time_p99: 'D-3', 'sql-statements': 'E-3' }),
    ]);
    expect(merged).toEqual({
      throughput: 'A-1',
      error_rate: 'B-1',
      response_time_p95: 'C-2',
      response_time_p99: 'D-3',
      'sql-statements': 'E-3',
    });
  });

  it('is empty without files', () => {
    expect(mergeSliFiles([])).toEqual({});
  });

  it('refuses a found file that leaves no indicators', () => {
    expect(() => mergeSliFiles([{ file: 'p/sli.yaml', text: "spec_version: '1.0'\n" }])).toThrow(
      'p/sli.yaml: indicators: missing required field: indicators',
    );
  });

  it('accepts a level without indicators once an earlier one had some', () => {
    expect(mergeSliFiles([file('p', { a: 'x' }), { file: 's', text: 'indicators: {}\n' }])).toEqual({
      a: 'x',
    });
  });
});

describe('parseSliFile', () => {
  it('names file, line and column of a query that is not a string', () => {
    try {
      parseSliFile('indicators:\n  throughput:\n    query: x\n', 'sli.yaml');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues[0]).toMatchObject({
        file: 'sli.yaml',
        line: 3,
        path: 'indicators.throughput',
      });
    }
  });

  it('reports YAML syntax errors with their position', () => {
    expect(() => parseSliFile('indicators: [unclosed\n', 'bad.yaml')).toThrow(
      /bad\.yaml:\d+:\d+: invalid YAML/,
    );
  });

  it('keeps a __proto__ indicator as a plain key', () => {
    expect(Object.keys(parseSliFile('indicators:\n  __proto__: up\n', 'f'))).toEqual(['__proto__']);
  });
});

describe('providerMetricRef', () => {
  it.each([
    ['provider:newrelic/apdex', { provider: 'newrelic', metric: 'apdex' }],
    [' provider:p.1/request-count ', { provider: 'p.1', metric: 'request-count' }],
    ['provider:x / y', undefined],
    ['sum(rate(x[5m]))', undefined],
  ])('%s', (query, expected) => {
    expect(providerMetricRef(query)).toEqual(expected);
  });
});
