/** `slokit validate` on Prometheus SLOs: PromQL syntax, URL and timeout ranges, with file positions. */
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { validateSlo } from '../helpers/validate-slo.js';

const dir = tempDir('slokit-prom-validate-');
afterAll(() => dir.cleanup());

const validate = (sli: string, block: string) => validateSlo(dir, { backend: 'prometheus', block, sli });

describe('validate: prometheus backend', () => {
  it('a PromQL syntax error names file, line, column, field and the position in the expression', async () => {
    expect(
      await validate(
        '    filter_good: sum(rate(http_requests_total{code="200"}[window])\n    filter_valid: http_requests_total',
        '{url: "http://h:9090"}',
      ),
    ).toEqual([
      'slo.yaml:9:18: spec.service_level_indicator.filter_good: PromQL syntax error in the expression at line 1, column 50 (at the end): sum(rate(http_requests_total{code="200"}[window])',
    ]);
  });

  it('valid PromQL with [window] placeholders passes', async () => {
    expect(
      await validate(
        '    filter_good: sum(rate(http_requests_total{code=~"2[0-9]{2}"}[window]))\n    filter_valid: http_requests_total\n    operators: []',
        '{url: "http://h:9090"}',
      ),
    ).toEqual([]);
  });

  it.each([
    ['{url: "ftp://h/x"}', 'backends.prometheus.url: expected an http:// or https:// URL, not ftp:'],
    [
      '{url: "http://h", timeout: 3000000}',
      'backends.prometheus.timeout: timeout must be between 0.01 and 86400 seconds (1 day)',
    ],
    [
      '{url: "http://h", timeout: 0.0015}',
      'backends.prometheus.timeout: timeout must be between 0.01 and 86400 seconds (1 day)',
    ],
  ])('backend %s is refused', async (backend, message) => {
    const issues = await validate('    filter_good: up\n    filter_valid: up', backend);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^config\.yaml:2:\d+: /);
    expect(issues[0]!.replace(/^config\.yaml:2:\d+: /, '')).toBe(message);
  });
});
