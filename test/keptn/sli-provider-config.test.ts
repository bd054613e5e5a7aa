/** The `keptn` section: schema (positioned errors through config/validate.ts) and resolution. */
import { describe, expect, it } from 'vitest';
import { validateWith } from '../../src/config/validate.js';
import { parseSource } from '../../src/config/yaml-source.js';
import { KeptnConfigError, keptnSectionSchema, resolveKeptnSection } from '../../src/keptn/keptn-config.js';
import {
  goQueryEscape,
  ResourceServiceClient,
  ResourceServiceError,
} from '../../src/keptn/resource-service.js';
import { tempDir } from '../helpers/tmp.js';

const minimal = {
  sli_providers: ['prometheus'],
  events: { distributor_url: 'http://127.0.0.1:8081' },
  sli: { resource_service_url: 'http://resource-service:8080' },
};

function issues(yaml: string) {
  const { doc } = parseSource(yaml, 'slokit.yaml');
  return validateWith(keptnSectionSchema, (doc.value as { keptn: unknown }).keptn, doc, ['keptn']).issues;
}

describe('keptnSectionSchema', () => {
  it('fills the defaults', () => {
    expect(keptnSectionSchema.parse(minimal)).toMatchObject({
      source: 'slokit',
      events: { attempts: 3, backoff_ms: 200, timeout: 10 },
      sli: { timeout: 10 },
      metric_providers: {},
      query_timeout: 30,
      concurrency: 8,
      max_body_bytes: 1024 * 1024,
      remembered_events: 10_000,
    });
  });

  it('positions its errors: two destinations, a bad Prometheus URL, an unknown field', () => {
    const found = issues(`keptn:
  sli_providers: [prometheus]
  events:
    distributor_url: http://127.0.0.1:8081
    api_url: https://keptn.example.com/api
  sli: { file: sli.yaml }
  prometheus: { url: ftp://prometheus }
  timeout: 3
`);
    expect(found.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`)).toEqual([
      '5:14 keptn.events.api_url: give exactly one of `distributor_url`, `api_url` (where started/finished events are sent)',
      '7:22 keptn.prometheus.url: expected an http:// or https:// URL, not ftp:',
      '8:3 keptn.timeout: unknown field "timeout" (expected one of: sli_providers, source, events, api_token, sli, prometheus, backend, metric_providers, query_timeout, concurrency, max_body_bytes, remembered_events)',
    ]);
  });

  it('wants at least one provider name and one SLI source', () => {
    const found = issues(
      'keptn:\n  sli_providers: []\n  events: { distributor_url: "http://d" }\n  sli: {}\n',
    );
    expect(found.map((i) => i.path)).toEqual(['keptn.sli_providers', 'keptn.sli']);
  });
});

describe('resolveKeptnSection', () => {
  const dir = tempDir();

  it('reads the token from the environment or a file (trailing newline dropped)', () => {
    const section = keptnSectionSchema.parse({ ...minimal, api_token: { env: 'T' } });
    expect(resolveKeptnSection(section, { env: { T: 'secret-1' } }).apiToken).toBe('secret-1');
    dir.write('token', 'secret-2\n');
    const fromFile = keptnSectionSchema.parse({ ...minimal, api_token: { file: 'token' } });
    expect(resolveKeptnSection(fromFile, { baseDir: dir.root }).apiToken).toBe('secret-2');
  });

  it('says which variable is unset, and that the API needs a token', () => {
    const section = keptnSectionSchema.parse({ ...minimal, api_token: { env: 'UNSET_VAR' } });
    expect(() => resolveKeptnSection(section, { env: {} })).toThrow(
      'keptn.api_token.env: environment variable UNSET_VAR is not set',
    );
    const api = keptnSectionSchema.parse({ ...minimal, events: { api_url: 'https://keptn/api' } });
    expect(() => resolveKeptnSection(api, { env: {} })).toThrow(KeptnConfigError);
  });

  it('finds a prometheus backend of the shared config by key', () => {
    const backends = { 'prometheus/prod': { url: 'http://p:9090' }, 'datadog/x': {} };
    const section = keptnSectionSchema.parse({ ...minimal, backend: 'prometheus/prod' });
    expect(resolveKeptnSection(section, { backends }).prometheus).toEqual({
      config: { url: 'http://p:9090' },
      key: 'prometheus/prod',
    });
    const typo = keptnSectionSchema.parse({ ...minimal, backend: 'prometheus/prd' });
    expect(() => resolveKeptnSection(typo, { backends })).toThrow('did you mean "prometheus/prod"?');
    const other = keptnSectionSchema.parse({ ...minimal, backend: 'datadog/x' });
    expect(() => resolveKeptnSection(other, { backends })).toThrow('is not a prometheus backend');
  });

  it('resolves the local sli file and provider paths against the config directory, not URLs', () => {
    const section = keptnSectionSchema.parse({
      ...minimal,
      sli: { file: 'sli.yaml' },
      metric_providers: { a: { provider: 'p.yaml' }, b: { provider: 'https://h/p.yaml' } },
    });
    const settings = resolveKeptnSection(section, { baseDir: '/etc/slokit' });
    expect(settings.sliFile).toBe('/etc/slokit/sli.yaml');
    expect(settings.metricProviders).toEqual({
      a: { provider: '/etc/slokit/p.yaml', values: {} },
      b: { provider: 'https://h/p.yaml', values: {} },
    });
  });
});

describe('resource service paths', () => {
  it('escapes as Go url.QueryEscape', () => {
    expect(goQueryEscape('prometheus/sli.yaml')).toBe('prometheus%2Fsli.yaml');
    expect(goQueryEscape("a b!'()*~")).toBe('a+b%21%27%28%29%2A~');
  });

  it('builds the documented URL pattern per level', () => {
    expect(
      ResourceServiceClient.path('prometheus/sli.yaml', {
        project: 'sockshop',
        stage: 'dev',
        service: 'carts',
      }),
    ).toBe('/v1/project/sockshop/stage/dev/service/carts/resource/prometheus%2Fsli.yaml');
    expect(ResourceServiceClient.path('dynatrace/sli.yaml', { project: 'p' })).toBe(
      '/v1/project/p/resource/dynatrace%2Fsli.yaml',
    );
    expect(ResourceServiceClient.path('x', { project: '../p' })).toBe('/v1/project/..%2Fp/resource/x');
  });

  it.each([
    [{ project: '..' }, 'project ".." cannot be a resource service path segment'],
    [{ project: 'p', stage: '.' }, 'stage "." cannot be a resource service path segment'],
    [{ project: 'p', stage: 's', service: '..' }, 'service ".." cannot be a resource service path segment'],
  ])('never builds a URL with a dot segment: %j', (level, reason) => {
    expect(() => ResourceServiceClient.path('prometheus/sli.yaml', level)).toThrow(ResourceServiceError);
    expect(() => ResourceServiceClient.path('prometheus/sli.yaml', level)).toThrow(reason);
  });
});
