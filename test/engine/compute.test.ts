import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SharedConfig } from '../../src/config/schema.js';
import type { SloConfig, ValidReport } from '../../src/domain/types.js';
import { compute } from '../../src/engine/compute.js';
import { policyStep } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

// Plugin backends are real modules on disk, loaded the way users' plugins are.
const dir = tempDir('slokit-engine-');
interface Probe {
  calls: { timestamp: number; window: number; slo: string }[];
  inFlight: number;
  maxInFlight: number;
}
const probe = (): Probe => (globalThis as unknown as { __probe: Probe }).__probe;

beforeAll(() => {
  dir.write(
    'custom/counting_backend.js',
    `export class CountingBackend {
  constructor(config) { this.config = config; }
  async good_bad_ratio(timestamp, window, slo) {
    const p = globalThis.__probe;
    p.calls.push({ timestamp, window, slo: slo.metadata.name });
    p.inFlight++; p.maxInFlight = Math.max(p.maxInFlight, p.inFlight);
    await new Promise((r) => setTimeout(r, 5));
    p.inFlight--;
    const bad = slo.spec.service_level_indicator.bad ?? 1;
    return [this.config.good ?? 99, bad];
  }
  querySli() { return 0.995; }
  boom() { throw new RangeError('backend exploded\\nwith detail'); }
  garbage() { return { good: 1 }; }
}
export const notAClass = 42;
`,
  );
  dir.write(
    'plugins/typed.ts',
    `export class TypedBackend {
  goodBadRatio(_t: number, window: number): [number, number] { return [window, 0]; }
}
`,
  );
  dir.write(
    'plugins/legacy.cjs',
    'class Legacy { good_bad_ratio() { return [3, 1]; } }\nmodule.exports = { Legacy };\n',
  );
});
afterAll(() => dir.cleanup());
beforeEach(() => {
  (globalThis as unknown as { __probe: Probe }).__probe = { calls: [], inFlight: 0, maxInFlight: 0 };
});

const COUNTING = 'custom.counting_backend.CountingBackend';
const step = policyStep;
const shared = (backends: Record<string, Record<string, unknown>> = { [COUNTING]: {} }): SharedConfig => ({
  backends,
  exporters: {},
  default_exporters: [],
  error_budget_policies: {
    default: { steps: [step('1h', 3600), step('1h again', 3600), step('1d', 86400)] },
  },
});
const slo = (name: string, spec: Partial<SloConfig['spec']> = {}): SloConfig => ({
  apiVersion: 'sre.google.com/v2',
  kind: 'ServiceLevelObjective',
  metadata: { name },
  spec: {
    description: name,
    backend: COUNTING,
    method: 'good_bad_ratio',
    service_level_indicator: {},
    goal: 0.9,
    ...spec,
  },
});
const run = (slos: SloConfig[], config = shared(), options = {}) =>
  compute(slos, config, { timestamp: 1700000000.5, pluginDirs: [dir.root], ...options });

describe('compute with plugin backends', () => {
  it('builds one report per SLO and policy step, in order', async () => {
    const result = await run([slo('a'), slo('b')]);
    expect(
      result.results.map((r) => r.reports.map((x) => (x as ValidReport).error_budget_policy_step_name)),
    ).toEqual([
      ['1h', '1h again', '1d'],
      ['1h', '1h again', '1d'],
    ]);
    const report = result.results[0]!.reports[0] as ValidReport;
    expect(report).toMatchObject({
      valid: true,
      good_events_count: 99,
      bad_events_count: 1,
      sli_measurement: 0.99,
      timestamp: 1700000000,
    });
  });

  it('passes the same evaluation timestamp and each window to every call', async () => {
    await run([slo('a')]);
    expect(new Set(probe().calls.map((c) => c.timestamp))).toEqual(new Set([1700000000.5]));
    expect(
      probe()
        .calls.map((c) => c.window)
        .sort(),
    ).toEqual([3600, 86400]);
  });

  it('makes a request once only when everything the backend receives is identical', async () => {
    // Two copies of SLO a (alternative files sharing a name) are the same request; b differs by name only,
    // c by indicator. The policy's two 1h steps share within an SLO: 2 windows x 3 distinct SLO configs.
    const slos = [slo('a'), slo('a'), slo('b'), slo('c', { service_level_indicator: { bad: 2 } })];
    const result = await run(slos);
    expect(probe().calls).toHaveLength(6);
    expect(result.backendCalls).toBe(6);
    expect(probe().calls.filter((c) => c.slo === 'a')).toHaveLength(2);
    expect((result.results[3]!.reports[0] as ValidReport).bad_events_count).toBe(2);
  });

  it('gives SLOs with the same indicator their own answers when the plugin reads other fields (issue 7)', async () => {
    dir.write(
      'custom/by_name.js',
      `const GOOD = { checkout: 990, search: 900, login: 999 };
export class ByName { good_bad_ratio(t, w, slo) { const g = GOOD[slo.metadata.name]; return [g, 1000 - g]; } }
`,
    );
    const backend = 'custom.by_name.ByName';
    const slos = ['checkout', 'search', 'login'].map((name) => slo(name, { backend }));
    for (const dedup of [true, false]) {
      const result = await run(slos, shared({ [backend]: {} }), { dedup });
      expect(result.results.map((r) => (r.reports[0] as ValidReport).sli_measurement)).toEqual([
        0.99, 0.9, 0.999,
      ]);
    }
  });

  it('sends every request when deduplication is off', async () => {
    await run([slo('a'), slo('b')], shared(), { dedup: false });
    expect(probe().calls).toHaveLength(6);
  });

  it('keeps at most `concurrency` backend calls in flight', async () => {
    const slos = Array.from({ length: 12 }, (_, i) =>
      slo(`s${i}`, { service_level_indicator: { bad: i + 1 } }),
    );
    await run(slos, shared(), { concurrency: 3 });
    expect(probe().maxInFlight).toBe(3);
    probe().maxInFlight = 0;
    await run(slos, shared(), { concurrency: 1, dedup: false });
    expect(probe().maxInFlight).toBe(1);
  });

  it('isolates failures: a throwing method, a bad result, a missing method', async () => {
    const result = await run([
      slo('ok'),
      slo('throws', { method: 'boom' }),
      slo('garbage', { method: 'garbage' }),
      slo('missing', { method: 'nope' }),
    ]);
    const first = (i: number) => result.results[i]!.reports[0]!;
    expect(first(0).valid).toBe(true);
    expect(first(1).errors).toEqual(['RangeError: backend exploded with detail', 'Backend returned None.']);
    expect(first(2).errors).toEqual([
      'Backend method returned an object of type dict. It should instead return a tuple (good_count, bad_count) or a numeric SLI value (float / int).',
    ]);
    expect(first(3).errors[0]).toBe(
      `TypeError: backend "${COUNTING}" has no method "nope" (available: good_bad_ratio, querySli, boom, garbage)`,
    );
  });

  it('accepts camelCase methods for snake_case names', async () => {
    const result = await run([slo('sli', { method: 'query_sli' })]);
    expect((result.results[0]!.reports[0] as ValidReport).sli_measurement).toBe(0.995);
  });

  it('loads file#Class plugins, TypeScript and CommonJS included', async () => {
    const config = shared({ './plugins/typed.ts#TypedBackend': {}, 'plugins/legacy.cjs#Legacy': {} });
    const result = await run(
      [
        slo('ts', { backend: './plugins/typed.ts#TypedBackend' }),
        slo('cjs', { backend: 'plugins/legacy.cjs#Legacy' }),
      ],
      config,
    );
    expect((result.results[0]!.reports[2] as ValidReport).good_events_count).toBe(86400);
    expect((result.results[1]!.reports[0] as ValidReport).sli_measurement).toBe(0.75);
  });

  it('passes the backend config block to the constructor', async () => {
    const result = await run([slo('a')], shared({ [COUNTING]: { good: 9 } }));
    expect((result.results[0]!.reports[0] as ValidReport).sli_measurement).toBe(0.9);
  });

  it('explains what was tried when a plugin cannot be loaded', async () => {
    const config = shared({
      'custom.absent.Backend': {},
      'custom.counting_backend.Nope': {},
      'custom.counting_backend.notAClass': {},
    });
    const result = await run(
      [
        slo('absent', { backend: 'custom.absent.Backend' }),
        slo('noclass', { backend: 'custom.counting_backend.Nope' }),
        slo('notclass', { backend: 'custom.counting_backend.notAClass' }),
      ],
      config,
    );
    const error = (i: number) => result.results[i]!.reports[0]!.errors[0];
    expect(error(0)).toMatch(
      /^PluginLoadError: plugin "custom.absent.Backend" not found; tried: .*custom\/absent\.js, .*custom\/absent\.ts/,
    );
    expect(error(1)).toMatch(/has no exported class "Nope" \(exports: CountingBackend, notAClass\)$/);
    expect(error(2)).toMatch(/has no exported class "notAClass"/);
  });

  it('reports an undefined backend or policy on every affected step without stopping the others', async () => {
    const result = await run([
      slo('typo', { backend: 'custom.counting_backend.CountingBackand' }),
      slo('nopolicy', { error_budget_policy: 'strict' }),
      slo('fine'),
    ]);
    expect(result.results[0]!.reports.map((r) => r.valid)).toEqual([false, false, false]);
    expect(result.results[0]!.reports[0]!.errors[0]).toContain(
      'did you mean "custom.counting_backend.CountingBackend"?',
    );
    expect(result.results[1]!.reports[0]!.errors[0]).toBe(
      'error budget policy "strict" is not defined in the shared config (defined: default)',
    );
    expect(result.results[2]!.reports.every((r) => r.valid)).toBe(true);
  });
});

describe('compute isolates what plugins do', () => {
  const FAULTY = 'custom.faulty.Faulty';
  beforeAll(() => {
    dir.write(
      'custom/faulty.js',
      `export class Faulty {
  never() { return new Promise(() => {}); }
  mutates(t, w, slo) { slo.metadata.name = 'hijacked'; slo.spec.goal = 0.1; slo.spec.service_level_indicator.x = 1; return [9, 1]; }
  getterThrows() { return Object.defineProperty([0, 0], 0, { get() { throw new Error('read me not'); } }); }
  revoked() { const { proxy, revoke } = Proxy.revocable([1, 2], {}); revoke(); return proxy; }
}
`,
    );
  });
  const faulty = (name: string, method: string) => slo(name, { backend: FAULTY, method });
  const config = () => shared({ [COUNTING]: {}, [FAULTY]: {} });

  it('times out a call that never answers: that report invalid, the others valid', async () => {
    const result = await run([faulty('hangs', 'never'), slo('fine')], config(), {
      callTimeout: 0.2,
    });
    expect(result.results[0]!.reports[0]!.errors).toEqual([
      `TimeoutError: backend call never of backend ${FAULTY} timed out after 0.2 s`,
      'Backend returned None.',
    ]);
    expect(result.results[1]!.reports.every((r) => r.valid)).toBe(true);
  });

  it('gives each call its own copy of the SLO config: what a plugin changes there changes no report', async () => {
    const slos = [faulty('mutated', 'mutates'), faulty('mutated', 'mutates')];
    const result = await run(slos, config());
    for (const { reports } of result.results) {
      expect(reports.map((r) => [r.metadata.name, (r as ValidReport).goal])).toEqual([
        ['mutated', 0.9],
        ['mutated', 0.9],
        ['mutated', 0.9],
      ]);
    }
    expect(slos[0]!.spec.service_level_indicator).toEqual({});
  });

  it('makes a result whose elements throw when read an invalid report, not a crash', async () => {
    const result = await run(
      [faulty('getter', 'getterThrows'), faulty('revoked', 'revoked'), slo('fine')],
      config(),
    );
    expect(result.results[0]!.reports[0]!.errors[0]).toBe('Error: read me not');
    expect(result.results[1]!.reports[0]!.errors[0]).toMatch(/^TypeError: .*revoked/);
    expect(result.results[2]!.reports.every((r) => r.valid)).toBe(true);
  });
});

describe('compute keeps secrets and prototypes out', () => {
  it('redacts backend config secrets from errors, for plugins and for Prometheus URLs with credentials', async () => {
    dir.write(
      'custom/leaky.js',
      'export class Leaky { constructor(c) { this.c = c; } good_bad_ratio() { throw new Error(`login failed for ${this.c.password}`); } }\n',
    );
    const config = shared({
      'custom.leaky.Leaky': { password: 8675309 },
      prometheus: { url: 'http://admin:s3cr3tpw@127.0.0.1:1', timeout: 2 },
    });
    const result = await run(
      [
        slo('leaky', { backend: 'custom.leaky.Leaky' }),
        slo('prom', {
          backend: 'prometheus',
          method: 'query_sli',
          service_level_indicator: { expression: 'up' },
        }),
      ],
      config,
    );
    const [leaky, prom] = result.results.map((r) => r.reports[0]!.errors[0]!);
    expect(leaky).toBe('Error: login failed for ***');
    expect(leaky).not.toContain('8675309');
    expect(prom).toMatch(
      /^PrometheusQueryError: query to Prometheus backend "prometheus" at http:\/\/127\.0\.0\.1:1\/api\/v1\/query could not be sent: /,
    );
    expect(prom).not.toContain('s3cr3tpw');
    expect(prom).not.toContain('admin');
  });

  it('treats keys such as "constructor" as undefined names, not as Object.prototype members', async () => {
    const result = await run([
      slo('proto', { error_budget_policy: 'constructor', backend: 'toString' }),
      slo('method', { method: 'toString' }),
    ]);
    expect(result.results[0]!.reports[0]!.errors[0]).toBe(
      'error budget policy "constructor" is not defined in the shared config (defined: default)',
    );
    expect(result.results[1]!.reports[0]!.errors[0]).toMatch(
      /has no method "toString" \(available: good_bad_ratio,/,
    );
  });
});
