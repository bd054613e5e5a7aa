/** The engine's per-SLO call keys are exactly `stableKey` of the whole call input, as before they were cached. */
import { describe, expect, it } from 'vitest';
import { stableKey } from '../../src/async/stable-key.js';
import type { SloConfig } from '../../src/domain/types.js';
import { callKeys } from '../../src/engine/compute.js';

const slo = (sli: Record<string, unknown>, backend = 'prometheus', method = 'good_bad_ratio') =>
  ({
    apiVersion: 'sre.google.com/v2',
    kind: 'ServiceLevelObjective',
    metadata: { name: 'a', labels: { b: '1' } },
    spec: { description: 'd', backend, method, service_level_indicator: sli, goal: 0.99 },
  }) as unknown as SloConfig;

describe('callKeys', () => {
  it('gives stableKey([backend, method, window, timestamp, slo]) for every window, first call or cached', () => {
    const slos = [
      slo({ filter_good: 'x', filter_valid: 'y' }),
      slo({ filter_good: 'x', filter_valid: 'y', operators: ['rate', 'sum'] }, 'prometheus/b', 'query_sli'),
      slo({ threshold: Number.NaN, other: -0, big: 1e300, list: [1, '1', null, undefined] }),
      slo({ when: new Date(0) }), // not plain data: never shared
      slo({ x: 1 }, 'k"ey,[]', 'm\nethod'),
    ];
    for (const timestamp of [1_700_000_000, 1_700_000_000.5, -0]) {
      const key = callKeys(timestamp);
      for (let round = 0; round < 2; round++) {
        for (const s of slos) {
          for (const window of [3600, 2_419_200, 0.5, -0, Number.NaN]) {
            const expected = stableKey([s.spec.backend, s.spec.method, window, timestamp, s]);
            expect(key(s, window)).toBe(expected);
          }
        }
      }
    }
    expect(callKeys(1)(slos[3]!, 3600)).toBeUndefined();
  });
});
