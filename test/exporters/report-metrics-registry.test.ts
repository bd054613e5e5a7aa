import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../bench/lib/random.mjs';
import { ReportMetricsRegistry, type ReportSeries } from '../../src/exporters/report-metrics-registry.js';
import { ReferenceReportMetricsRegistry } from './report-metrics-registry-reference.js';

// The registry keeps less per series than it used to (no rendered lines): on the same operations it must
// render exactly what the former implementation rendered, throw where it threw, and count the same.

const NAMES = ['slo_sli', 'slo_burn_rate', 'slo_target', 'slo_events', 'bad-name', 'a:b'];
const HELPS = ['', 'The SLI.', 'Burn rate with "quotes" and \\ backslash', 'other help'];
const VALUES = [
  0,
  1,
  0.5,
  0.999,
  -0,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  1e21,
  42,
];
const LABEL_VALUES = ['checkout', 'search', 'a "quoted" value', 'back\\slash', 'new\nline', ''];
const ODD_VALUES = [undefined, null, 'null', Number.NaN, 'NaN', 1, '1', true, 'true'];

describe('ReportMetricsRegistry against its former implementation', () => {
  it('tells label sets apart by their text, whatever the types of their values', () => {
    const odd = (labels: Record<string, unknown>) => labels as Record<string, string>;
    const series = [
      { a: 'x' },
      { a: 'x', b: undefined },
      { a: Number.NaN },
      { a: null },
      { a: 1 },
      { a: '1' },
    ];
    const registry = new ReportMetricsRegistry();
    const reference = new ReferenceReportMetricsRegistry();
    const entries = series.map((labels, i) => ({ name: 'm', help: '', labels: odd(labels), value: i }));
    registry.replace('r', entries);
    reference.replace('r', entries);
    expect(registry.render()).toBe(reference.render());
    expect(registry.seriesCount).toBe(5); // {a: 1} and {a: "1"} are one series, as in text
  });

  it('renders, counts and throws alike over 3,000 random replace and delete operations', () => {
    const next = seededRandom(11);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const registry = new ReportMetricsRegistry();
    const reference = new ReferenceReportMetricsRegistry();
    const reports = Array.from({ length: 12 }, (_, i) => JSON.stringify([`slo-${i % 6}`, `step ${i % 2}`]));
    const labels = () => {
      const set: Record<string, string> = {};
      if (next() < 0.9) set.slo = pick(['slo-0', 'slo-1', 'slo-2']);
      if (next() < 0.7) set.service_name = pick(LABEL_VALUES);
      if (next() < 0.3) set.window = pick(['3600', '86400']);
      if (next() < 0.05) set['bad label'] = 'x';
      // Values of other types (a plugin's, through the public API) render as String(value): label sets
      // that look alike in JSON (undefined vs absent, NaN vs null, 1 vs "1") must not be taken for each other.
      if (next() < 0.2) (set as Record<string, unknown>).odd = pick(ODD_VALUES);
      return set;
    };
    let throws = 0;
    for (let op = 0; op < 3000; op++) {
      const key = pick(reports);
      if (next() < 0.1) {
        expect(registry.delete(key)).toBe(reference.delete(key));
      } else {
        const count = Math.floor(next() * 8);
        const shared = labels(); // a report's metrics mostly share one label set
        const variant = () => {
          const r = next();
          if (r < 0.6) return { ...shared };
          // the shared set and one more label of any type: alike in JSON for undefined, unlike in text
          if (r < 0.8) return { ...shared, odd: pick(ODD_VALUES) } as unknown as Record<string, string>;
          return labels();
        };
        const series: ReportSeries[] = Array.from({ length: count }, () => ({
          name: pick(NAMES.slice(0, next() < 0.97 ? 4 : NAMES.length)),
          help: pick(HELPS),
          labels: variant(),
          value: pick(VALUES),
        }));
        let error: unknown;
        let referenceError: unknown;
        try {
          registry.replace(key, series);
        } catch (e) {
          error = e;
        }
        try {
          reference.replace(key, series);
        } catch (e) {
          referenceError = e;
        }
        expect(String(error)).toBe(String(referenceError));
        if (error) throws++;
      }
      expect(registry.render()).toBe(reference.render());
      expect([registry.seriesCount, registry.reportCount]).toEqual([
        reference.seriesCount,
        reference.reportCount,
      ]);
    }
    expect(throws).toBeGreaterThan(10); // conflicts and bad names were exercised
    expect(registry.seriesCount).toBeGreaterThan(10);
    registry.clear();
    reference.clear();
    expect(registry.render()).toBe(reference.render());
  });
});
