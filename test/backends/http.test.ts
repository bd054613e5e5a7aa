/** The `http` backend: compute() against a real local provider server, and its validation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SharedConfig } from '../../src/config/schema.js';
import type { InvalidReport, SloConfig, ValidReport } from '../../src/domain/types.js';
import { compute } from '../../src/engine/compute.js';
import { policyStep } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';
import { validateSlo } from '../helpers/validate-slo.js';
import { type ProviderServer, promAnswer, startProviderServer } from '../providers/server.js';

const dir = tempDir('slokit-http-backend-');
let server: ProviderServer;
const NOW = 1_800_000_000;

/** Answers `<metric>[<seconds>s]` queries: good 990, bad 10, valid 1000 (per hour of window), ratio 0.995. */
function answer(query: string): { status?: number; body: string } {
  const m = /^(\w+)\{(.*)\}\[(\d+)s\]$/.exec(query.trim());
  if (!m) return { status: 400, body: '{"error":"bad query"}' };
  const [, name, labels, seconds] = m as unknown as [string, string, string, string];
  const hours = Number(seconds) / 3600;
  if (!labels.includes('app="web"')) return { body: promAnswer('0') };
  const values: Record<string, string> = {
    good: String(990 * hours),
    bad: String(10 * hours),
    valid: String(1000 * hours),
    ratio: '0.995',
  };
  if (name === 'broken') return { status: 503, body: 'overloaded' };
  return values[name] === undefined
    ? { body: '{"data":{"result":[]}}' }
    : { body: promAnswer(values[name]!) };
}

let providerFile: string;
beforeAll(async () => {
  server = await startProviderServer((req) =>
    answer(new URL(req.url, 'http://x').searchParams.get('query') ?? ''),
  );
  providerFile = dir.write(
    'providers/prom.tpl',
    `url: {{ .url }}/api/v1/query
provider: test
method: GET
headers:
  Authorization: Bearer {{ .token }}
metrics:
{{- range $name := list "good" "bad" "valid" "ratio" "broken" "missing" }}
- name: {{ $name }}
  type: counter
  params:
  - name: query
    value: '{{ $name }}{app="{{ $.app }}",since="{{ $.startingTime }}"}[{{ $.elapsedTimeSeconds }}s]'
  jqExpression: .data.result[0].value[1]
{{- end }}
`,
  );
});
afterAll(async () => {
  await server.close();
  dir.cleanup();
});

const shared = (values: Record<string, unknown> = {}): SharedConfig => ({
  backends: {
    'http/test': {
      provider: providerFile,
      values: { url: server.base, token: 'sekret-token-42', app: 'web', ...values },
    },
  },
  exporters: {},
  default_exporters: [],
  error_budget_policies: { default: { steps: [policyStep('1h', 3600), policyStep('1d', 86_400)] } },
});
const slo = (name: string, sli: Record<string, unknown>, method = 'good_bad_ratio'): SloConfig => ({
  apiVersion: 'sre.google.com/v2',
  kind: 'ServiceLevelObjective',
  metadata: { name },
  spec: { description: name, backend: 'http/test', method, service_level_indicator: sli, goal: 0.99 },
});
const counts = (reports: readonly unknown[]) =>
  (reports as ValidReport[]).map((r) => [
    r.error_budget_policy_step_name,
    r.good_events_count,
    r.bad_events_count,
  ]);

describe('http backend in compute()', () => {
  it('good_bad_ratio with good and bad, and with good and valid, over each window', async () => {
    const { results } = await compute(
      [slo('gb', { good: 'good', bad: 'bad' }), slo('gv', { good: 'good', valid: 'valid' })],
      shared(),
      { timestamp: NOW },
    );
    expect(counts(results[0]!.reports)).toEqual([
      ['1h', 990, 10],
      ['1d', 990 * 24, 10 * 24],
    ]);
    expect(counts(results[1]!.reports)).toEqual(counts(results[0]!.reports));
    expect(results[0]!.reports[0]).toMatchObject({ valid: true, sli_measurement: 0.99 });
  });

  it('sends the request the provider renders: startingTime = timestamp − window, elapsedTimeSeconds = window', async () => {
    const before = server.requests.length;
    await compute([slo('q', { metric: 'ratio' }, 'query_sli')], shared(), { timestamp: NOW + 0.5 });
    const sent = server.requests.slice(before);
    expect(sent.map((r) => new URL(r.url, 'http://x').searchParams.get('query')).sort()).toEqual([
      'ratio{app="web",since="2027-01-14T08:00:00.500Z"}[86400s]',
      'ratio{app="web",since="2027-01-15T07:00:00.500Z"}[3600s]',
    ]);
    expect(sent[0]).toMatchObject({
      method: 'GET',
      body: '',
      headers: expect.objectContaining({
        authorization: 'Bearer sekret-token-42',
        'content-type': 'application/json;charset=utf-8',
      }),
    });
    expect(sent[0]!.url).toMatch(/^\/api\/v1\/query\?query=ratio%7Bapp%3D%22web%22%2Csince%3D%222027/);
  });

  it('query_sli: the metric is the SLI; SLO values override the backend values', async () => {
    const { results } = await compute(
      [
        slo('q', { metric: 'ratio' }, 'query_sli'),
        slo('other-app', { metric: 'ratio', values: { app: 'api' } }, 'query_sli'),
      ],
      shared(),
      { timestamp: NOW },
    );
    expect(results[0]!.reports[0]).toMatchObject({ valid: true, sli_measurement: 0.995 });
    expect(results[1]!.reports[0]).toMatchObject({ valid: true, sli_measurement: 0 });
  });

  it('an unavailable metric makes only that SLO invalid, with the reason and no secret', async () => {
    const { results } = await compute(
      [
        slo('broken', { good: 'good', bad: 'broken' }),
        slo('missing', { metric: 'missing' }, 'query_sli'),
        slo('fine', { good: 'good', bad: 'bad' }),
      ],
      shared(),
      { timestamp: NOW },
    );
    expect((results[0]!.reports[0] as InvalidReport).errors[0]).toEqual(
      `HttpBackendError: http backend "http/test": metric "broken" (service_level_indicator.bad) is unavailable: GET ${server.base}/api/v1/query: HTTP 503 Service Unavailable: overloaded`,
    );
    expect((results[1]!.reports[0] as InvalidReport).errors[0]).toEqual(
      `HttpBackendError: http backend "http/test": metric "missing" (service_level_indicator.metric) is unavailable: GET ${server.base}/api/v1/query: jq result is null, not a number`,
    );
    expect(results[2]!.reports.every((r) => r.valid)).toBe(true);
    expect(JSON.stringify(results)).not.toContain('sekret-token-42');
  });

  it('valid below good names both metrics and their values; other SLOs unaffected', async () => {
    const { results } = await compute(
      [slo('swapped', { good: 'valid', valid: 'good' }), slo('fine', { good: 'good', valid: 'valid' })],
      shared(),
      { timestamp: NOW },
    );
    expect((results[0]!.reports[0] as InvalidReport).errors[0]).toBe(
      'HttpBackendError: http backend "http/test": metric "valid" (service_level_indicator.good) = 1000 exceeds metric "good" (service_level_indicator.valid) = 990: good events cannot outnumber valid events',
    );
    expect(results[1]!.reports.every((r) => r.valid)).toBe(true);
  });

  it('a metric the provider does not have is named, with a suggestion', async () => {
    const { results } = await compute([slo('typo', { good: 'godo', bad: 'bad' })], shared(), {
      timestamp: NOW,
    });
    expect((results[0]!.reports[0] as InvalidReport).errors[0]).toBe(
      'HttpBackendError: http backend "http/test": the provider file has no metric "godo" (service_level_indicator.good; it has: good, bad, valid, ratio, broken, missing); did you mean "good"?',
    );
  });

  it('a failing provider template makes the SLO invalid, with the template position', async () => {
    const failing = dir.write('providers/fail.tpl', 'url: http://h\n{{ fail "no metrics for you" }}\n');
    const config: SharedConfig = { ...shared(), backends: { 'http/test': { provider: failing } } };
    const { results } = await compute([slo('f', { metric: 'x' }, 'query_sli')], config, { timestamp: NOW });
    expect((results[0]!.reports[0] as InvalidReport).errors[0]).toBe(
      `HttpBackendError: http backend "http/test": provider file error: ${failing}:2:4: version 0: template execution error: executing "${failing}": error calling fail: no metrics for you`,
    );
  });

  it('identical requests of a run are sent once (SLOs sharing the valid metric)', async () => {
    const before = server.requests.length;
    await compute(
      [slo('a', { good: 'good', valid: 'valid' }), slo('b', { good: 'bad', valid: 'valid' })],
      { ...shared(), error_budget_policies: { default: { steps: [policyStep('1h', 3600)] } } },
      { timestamp: NOW },
    );
    expect(server.requests.length - before).toBe(3);
  });
});

describe('http backend validation', () => {
  const block = (provider: string) => `{provider: ${provider}, values: {a: 1}}`;
  it('accepts a good config', async () => {
    expect(
      await validateSlo(dir, {
        backend: 'http/x',
        block: block(providerFile),
        sli: '    good: good\n    bad: bad',
      }),
    ).toEqual([]);
  });

  it('positions a missing provider file, a template syntax error in it, and bad indicators', async () => {
    const broken = dir.write('providers/broken.tpl', 'url: x\n{{ if }}\n');
    expect(
      await validateSlo(dir, {
        backend: 'http/x',
        block: block('nope.tpl'),
        sli: '    good: good\n    bad: bad\n    valid: v',
      }),
    ).toEqual([
      'config.yaml:2:22: backends.http/x.provider: cannot read provider file nope.tpl: no such file',
      'slo.yaml:9:5: spec.service_level_indicator: give exactly one of `bad` and `valid` (a metric name)',
    ]);
    expect(
      await validateSlo(dir, {
        backend: 'http/x',
        block: block(broken),
        sli: '    metric: m\n    valuse: {}',
        method: 'query_sli',
      }),
    ).toEqual([
      `config.yaml:2:22: backends.http/x.provider: provider file ${broken}:2:7: template syntax error: missing value for if`,
      'slo.yaml:10:5: spec.service_level_indicator.valuse: unknown field "valuse"; did you mean "values"?',
    ]);
  });

  it('refuses an unknown method', async () => {
    expect(
      await validateSlo(dir, {
        backend: 'http/x',
        block: block(providerFile),
        method: 'distribution_cut',
        sli: '    good: g',
      }),
    ).toEqual([
      'slo.yaml:7:11: spec.method: backend "http/x" has no method "distribution_cut" (expected one of: good_bad_ratio, query_sli)',
    ]);
  });
});
