import { describe, expect, it } from 'vitest';
import { renderRuleFile } from '../../src/alerting/rule-file.js';

describe('rule file rendering', () => {
  it('writes keys in documentation order, names sorted, multi-line expressions as literal blocks', () => {
    const text = renderRuleFile(
      [
        {
          name: 'g',
          interval: '1m',
          rules: [
            { record: 'a:b:ratio', expr: '(x)\n/\n(y)\n', labels: { z: '1', a: '2' } },
            {
              alert: 'A',
              expr: 'a:b:ratio > 1',
              for: '5m',
              annotations: { summary: 's' },
              labels: { severity: 'page' },
            },
          ],
        },
      ],
      ['generated'],
    );
    expect(text).toBe(
      '# generated\ngroups:\n- name: g\n  interval: 1m\n  rules:\n  - record: a:b:ratio\n    expr: |\n      (x)\n      /\n      (y)\n    labels:\n      a: "2"\n      z: "1"\n  - alert: A\n    expr: a:b:ratio > 1\n    for: 5m\n    labels:\n      severity: page\n    annotations:\n      summary: s\n',
    );
  });

  it('quotes values a YAML 1.1 reader would not read as text', () => {
    const text = renderRuleFile([
      {
        name: 'g',
        rules: [{ record: 'r', expr: '1', labels: { a: 'yes', b: 'off', c: '1.0', d: '~', e: 'plain' } }],
      },
    ]);
    expect(text).toContain('a: "yes"\n      b: "off"\n      c: "1.0"\n      d: "~"\n      e: plain\n');
  });
});
