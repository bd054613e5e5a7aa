/**
 * Property: sharing requests is an optimisation, so it never changes a result. Randomly generated SLO sets
 * (seeded PRNG) are computed with dedup on and off, at concurrency 1 and 16, and the reports must be deep
 * equal and byte-identical as JSON. The plugin backend answers from the whole SLO config it receives (name,
 * labels, goal, description, indicator), as slo-generator plugins may; the Prometheus SLOs draw numerators and
 * denominators from small pools so that many share queries, against the real Prometheus of the test history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../bench/lib/random.mjs';
import type { SharedConfig } from '../../src/config/schema.js';
import type { SloConfig } from '../../src/domain/types.js';
import { compute } from '../../src/engine/compute.js';
import { policyStep } from '../helpers/fixtures.js';
import { EVAL_TIME, type PrometheusServer, startPrometheus } from '../helpers/prometheus.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('slokit-property-');
let prometheus: PrometheusServer;

beforeAll(async () => {
  // Answers derive from every field of the SLO config and the window (FNV-1a of its JSON), with a small
  // hash-dependent delay so that calls finish out of order.
  dir.write(
    'custom/echo.js',
    `const fnv = (text) => { let h = 0x811c9dc5; for (const c of text) { h ^= c.charCodeAt(0); h = Math.imul(h, 0x01000193) >>> 0; } return h; };
export class EchoBackend {
  constructor(config) { this.salt = config.salt ?? ''; }
  async good_bad_ratio(timestamp, window, slo) {
    const h = fnv(this.salt + JSON.stringify([timestamp, window, slo]));
    await new Promise((r) => setTimeout(r, h % 3));
    return [100 + (h % 9000), (h >>> 13) % 97];
  }
  query_sli(timestamp, window, slo) {
    const h = fnv(this.salt + JSON.stringify([window, slo.metadata, slo.spec.goal]));
    return 0.9 + (h % 1000) / 10000;
  }
}
`,
  );
  prometheus = await startPrometheus();
});
afterAll(async () => {
  dir.cleanup();
  await prometheus?.stop();
});

/** A seeded generator with helpers, so a failing seed can be replayed. */
function prng(seed: number) {
  const next = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return { next, pick, int: (n: number) => Math.floor(next() * n) };
}

const ECHO = 'custom.echo.EchoBackend';
/** The same class under another key with another config: a different backend whose answers differ. */
const SALTED = './custom/echo.js#EchoBackend';
const GOOD = [
  'http_requests_total{service="api", code="200"}',
  'http_requests_total{service="api", code!="500"}',
  'http_requests_total{service="web"}',
];
const VALID = ['http_requests_total{service="api"}', 'http_requests_total'];
const BAD = ['http_requests_total{service="api", code="500"}'];

function randomSlo(r: ReturnType<typeof prng>, i: number): SloConfig {
  // Few names, so that distinct SLOs often share a name (alternative sample files do).
  const name = r.pick(['checkout', 'search', 'login', `slo-${i}`]);
  const metadata: SloConfig['metadata'] = { name };
  if (r.next() < 0.6) metadata.labels = { team: r.pick(['a', 'b']), tier: r.pick(['1', '2']) };
  const goal = r.pick([0.9, 0.99, 0.999]);
  const base = { description: r.pick(['', 'shop', 'api']), goal };
  const kind = r.int(5);
  const spec = (backend: string, method: string, service_level_indicator: Record<string, unknown>) => ({
    ...base,
    backend,
    method,
    service_level_indicator,
  });
  const slo = (s: SloConfig['spec']): SloConfig => ({
    apiVersion: 'sre.google.com/v2',
    kind: 'ServiceLevelObjective',
    metadata,
    spec: s,
  });
  if (kind === 0) return slo(spec(r.pick([ECHO, SALTED]), 'good_bad_ratio', {}));
  if (kind === 1) return slo(spec(ECHO, 'query_sli', r.next() < 0.5 ? {} : { x: r.int(2) }));
  if (kind === 2)
    return slo(
      spec(
        'prometheus',
        'good_bad_ratio',
        r.next() < 0.7
          ? { filter_good: r.pick(GOOD), filter_valid: r.pick(VALID) }
          : { filter_good: r.pick(GOOD), filter_bad: r.pick(BAD) },
      ),
    );
  if (kind === 3)
    return slo(
      spec('prometheus', 'query_sli', {
        expression: `sum(rate(${r.pick(GOOD)}[window])) / sum(rate(${r.pick(VALID)}[window]))`,
      }),
    );
  return slo(
    spec('prometheus', 'distribution_cut', {
      expression: 'http_request_duration_seconds_bucket{service="api"}',
      threshold_bucket: r.pick([0.25, 0.5, 1]),
    }),
  );
}

const step = (name: string, window: number) => policyStep(name, window, 2);

describe('dedup and concurrency never change a result', () => {
  it('random SLO sets: dedup on/off x concurrency 1/16 give identical reports', async () => {
    const shared: SharedConfig = {
      backends: {
        [ECHO]: {},
        [SALTED]: { salt: 'pepper' },
        prometheus: { url: prometheus.url },
      },
      exporters: {},
      default_exporters: [],
      error_budget_policies: {
        // The multiwindow step's short window (1h) is another step's window: shared with dedup on.
        default: {
          steps: [step('1h', 3600), step('1h bis', 3600), { ...step('1d', 86400), short_window: 3600 }],
        },
      },
    };
    const valid = new Map<string, number>();
    const calls = { dedup: 0, all: 0 };
    for (let seed = 1; seed <= 60; seed++) {
      const r = prng(seed);
      const slos = Array.from({ length: 2 + r.int(10) }, (_, i) => randomSlo(r, i));
      const outputs = [];
      for (const dedup of [true, false]) {
        for (const concurrency of [1, 16]) {
          const { results, backendCalls } = await compute(slos, shared, {
            timestamp: EVAL_TIME,
            dedup,
            concurrency,
            pluginDirs: [dir.root],
          });
          calls[dedup ? 'dedup' : 'all'] += backendCalls;
          outputs.push({ label: `seed ${seed}, dedup ${dedup}, concurrency ${concurrency}`, results });
        }
      }
      const [reference, ...others] = outputs;
      for (const { slo, reports } of reference!.results) {
        const n = reports.filter((x) => x.valid).length;
        valid.set(slo.spec.backend, (valid.get(slo.spec.backend) ?? 0) + n);
      }
      for (const other of others) {
        expect(other.results, `${other.label} vs ${reference!.label}`).toEqual(reference!.results);
        expect(JSON.stringify(other.results), other.label).toBe(JSON.stringify(reference!.results));
      }
    }
    // The property is only meaningful if most reports are real results, for every backend.
    expect(Object.fromEntries(valid)).toEqual({
      [ECHO]: expect.any(Number),
      [SALTED]: expect.any(Number),
      prometheus: expect.any(Number),
    });
    expect(Math.min(...valid.values())).toBeGreaterThan(20);
    // ...and if sharing happened at all (same-window policy steps, duplicate SLOs).
    expect(calls.dedup).toBeLessThan(calls.all);
  }, 120_000);
});
