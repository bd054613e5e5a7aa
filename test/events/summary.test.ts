import { describe, expect, it } from 'vitest';
import type { SloEvent } from '../../src/events/classifier.js';
import { EventSummary } from '../../src/events/summary.js';

const event = (domain: string, result: 'success' | 'fail', quantity = 1) =>
  ({ result, domain, class: 'critical', app: 'web', key: 'k', quantity, metadata: {} }) as SloEvent;
const stats = { processed: 3, unclassified: 0, unmatched: 0, evaluationErrors: 0, sloEvents: 3 };
const tsv = (rows: string[][]) => `${rows.map((r) => r.join('\t')).join('\n')}\n`;

describe('EventSummary.render', () => {
  it('quotes untrusted cells holding whitespace or control characters, so they cannot fake a row', () => {
    const summary = new EventSummary();
    summary.add(event('test-domain\nFAKE  ROW  x  999', 'fail'));
    summary.add(event('red\u001b[31m', 'success'));
    summary.add(event('plain', 'success'));
    summary.add(event('c1\u009bx\u2028y', 'success'));
    const text = summary.render(stats, { lines: 4, malformed: 0 }, tsv);
    const rows = text.split('\n');
    expect(rows.slice(0, 5)).toEqual([
      'DOMAIN\tCLASS\tAPP\tSUCCESS\tFAIL',
      '"c1\\u009bx\\u2028y"\tcritical\tweb\t1\t0',
      'plain\tcritical\tweb\t1\t0',
      '"red\\u001b[31m"\tcritical\tweb\t1\t0',
      '"test-domain\\nFAKE  ROW  x  999"\tcritical\tweb\t0\t1',
    ]);
  });

  it('shows an overflowing sum as infinity, as the metrics output does', () => {
    const summary = new EventSummary();
    summary.add(event('d', 'fail', 1e308));
    summary.add(event('d', 'fail', 1e308));
    expect(summary.render(stats, { lines: 2, malformed: 0 }, tsv).split('\n')[1]).toBe(
      'd\tcritical\tweb\t0\tInfinity',
    );
  });
});
