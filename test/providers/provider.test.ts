import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, formatIssue } from '../../src/config/errors.js';
import {
  checkProviderText,
  detectGeneration,
  loadProvider,
  type RenderedMetric,
} from '../../src/providers/provider.js';
import { tempDir } from '../helpers/tmp.js';

let dir: ReturnType<typeof tempDir> | undefined;
afterEach(() => {
  dir?.cleanup();
  dir = undefined;
});

const files = () => {
  dir = tempDir('slokit-providers-');
  return dir;
};

/** The issues of a ConfigError thrown by `fn`, as printed, with the temp dir stripped. */
async function issues(fn: () => unknown): Promise<string[]> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof ConfigError)
      return error.issues.map(formatIssue).map((l) => (dir ? l.replaceAll(`${dir.root}/`, '') : l));
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const request = (m: RenderedMetric | undefined) => {
  if (!m || !('request' in m)) throw new Error(`no request: ${JSON.stringify(m)}`);
  return m.request;
};

// The seed's Prometheus example (reference/iter8.md §6.2), four trailing spaces included.
const SEED = `url: http://127.0.0.1:9090/api/v1/query
provider: istio
method: GET
metrics:
- name: request-count
  type: counter
  description: |
    Number of requests
  params:
  - name: query
    value: |
      sum(last_over_time(istio_requests_total{
          reporter="source",    
        {{- if .destination_workload }}
          destination_workload="{{.destination_workload}}",
        {{- end }}
        {{- if .destination_workload_namespace }}
          destination_workload_namespace="{{.destination_workload_namespace}}",
        {{- end }}
      }[{{.elapsedTimeSeconds}}s])) or on() vector(0)
  jqExpression: .data.result[0].value[1]
`;

const NOW = Date.UTC(2020, 1, 1, 10, 44, 40);

describe('generation detection', () => {
  it('tells Metric objects and urlTemplate files from templates', () => {
    expect(detectGeneration(SEED)).toBe('template');
    expect(detectGeneration('apiVersion: iter8.tools/v2alpha2\nkind: Metric\n')).toBe('metric-crd');
    expect(detectGeneration('spec:\n  urlTemplate: http://x\n')).toBe('metric-crd');
    expect(detectGeneration('{{/* authType: Basic */}}\nurl: x\n')).toBe('template');
  });
});

describe('newer generation (templates)', () => {
  it("renders the seed's example with the values and elapsedTimeSeconds since startingTime", async () => {
    const d = files();
    const provider = await loadProvider(d.write('istio.yaml', SEED), { timeoutSeconds: 5 });
    expect(provider.generation).toBe('template');
    const [metric] = provider.render(
      { destination_workload: 'reviews-v2', startingTime: '2020-02-01T09:44:40Z' },
      NOW,
      0,
    );
    expect(metric!.name).toBe('request-count');
    expect(metric!.jqExpression).toBe('.data.result[0].value[1]');
    const query = new URL(request(metric).url).searchParams.get('query');
    expect(query).toBe(
      'sum(last_over_time(istio_requests_total{\n    reporter="source",\n    destination_workload="reviews-v2",\n}[3600s])) or on() vector(0)\n',
    );
    expect(request(metric).method).toBe('GET');
  });

  it('renders each version with its own values', async () => {
    const d = files();
    const provider = await loadProvider(d.write('p.tpl', SEED), { timeoutSeconds: 5 });
    const q = (values: Record<string, unknown>) =>
      new URL(request(provider.render(values, NOW, 0)[0]).url).searchParams.get('query')!;
    expect(q({ destination_workload: 'v1' })).toContain('destination_workload="v1"');
    expect(q({})).not.toContain('destination_workload');
    expect(q({})).toContain('[0s]');
  });

  it('takes url, method, headers and body from the rendered YAML', async () => {
    const d = files();
    const provider = await loadProvider(
      d.write(
        'ce.tpl',
        `url: {{ .url }}
method: POST
headers:
  Authorization: Bearer {{ .token }}
  IBMInstanceID: test-guid
metrics:
- name: m
  type: gauge
  body: |
    {"last": {{ .elapsedTimeSeconds }}}
  params:
  - {name: b, value: "2"}
  - {name: a, value: "x y"}
  - {name: b, value: "1"}
  jqExpression: .x
`,
      ),
      { timeoutSeconds: 5 },
    );
    const r = request(provider.render({ url: 'http://h/q?z=9', token: 'sekret-token' }, NOW, 0)[0]);
    expect(r).toMatchObject({
      method: 'POST',
      url: 'http://h/q?a=x+y&b=2&b=1&z=9',
      body: '{"last": 0}\n',
      headers: [
        ['Authorization', 'Bearer sekret-token'],
        ['Ibminstanceid', 'test-guid'],
        ['Content-Type', 'application/json;charset=utf-8'],
      ],
    });
    expect(r.secrets).toContain('sekret-token');
  });

  it('makes a metric with a type other than counter/gauge, or a URL without scheme, unavailable', async () => {
    const d = files();
    const provider = await loadProvider(
      d.write(
        'p.tpl',
        `url: {{ .url }}
metrics:
- {name: a, type: Counter, jqExpression: .x}
- {name: b, type: gauge, jqExpression: .x}
`,
      ),
      { timeoutSeconds: 5 },
    );
    expect(provider.render({ url: 'http://h/q' }, NOW, 0)[0]).toEqual({
      name: 'a',
      jqExpression: '.x',
      problem: 'type must be counter or gauge, got "Counter"',
    });
    expect(provider.render({ url: 'test-database.com/q' }, NOW, 0)[1]).toEqual({
      name: 'b',
      jqExpression: '.x',
      problem: 'url is not an absolute http:// or https:// URL',
    });
    expect(provider.render({}, NOW, 0)[1]).toEqual({
      name: 'b',
      jqExpression: '.x',
      problem:
        'url is not an absolute http:// or https:// URL (it contains <no value>: a value the template uses is not set)',
    });
  });

  it('reports template syntax errors with the template position', async () => {
    const d = files();
    const file = d.write('bad.tpl', 'url: x\nmetrics:\n- name: {{ .a \n');
    expect(await issues(() => loadProvider(file, { timeoutSeconds: 5 }))).toEqual([
      'bad.tpl:4:1: template syntax error: unclosed action',
    ]);
    // The 1-based column of the offending token (`}}`, after `if `), where Go's parse errors give none.
    expect(checkProviderText('url: é{{ if }}', 'p.tpl')).toEqual([
      expect.objectContaining({
        file: 'p.tpl',
        line: 1,
        column: 13,
        message: expect.stringContaining('missing value for if'),
      }),
    ]);
  });

  it('reports execution errors (sprig fail) with the version and template position, secrets redacted', async () => {
    const d = files();
    const provider = await loadProvider(
      d.write(
        'p.tpl',
        'url: http://h\n{{- if .token }}\n{{ fail (printf "bad label %s" .token) }}\n{{- end }}\n',
      ),
      { timeoutSeconds: 5 },
    );
    const found = await issues(() => provider.render({ token: 'topsecretvalue' }, NOW, 1));
    expect(found).toEqual([
      'p.tpl:3:4: version 1: template execution error: executing "p.tpl": error calling fail: bad label ***',
    ]);
  });

  it('reports YAML and field errors of the rendered text with the rendered line', async () => {
    const d = files();
    const provider = await loadProvider(
      d.write('p.tpl', 'url: http://h\nmetrics:\n- name: m\n  params: {{ .params }}\n  jqExpression: .x\n'),
      { timeoutSeconds: 5 },
    );
    expect(await issues(() => provider.render({ params: 'oops' }, NOW, 0))).toEqual([
      `p.tpl (as rendered for version 0):4:11: metrics[0].params: expected array, got string "oops" (rendered line: "params: oops")`,
    ]);
  });

  it('names the template line of a rendered line no action produced', async () => {
    const d = files();
    const provider = await loadProvider(
      d.write(
        'p.tpl',
        'url: http://h\nmetrics:\n{{- if .x }}\n- name: a\n  params: none\n  jqExpression: .x\n{{- end }}\n',
      ),
      { timeoutSeconds: 5 },
    );
    expect(await issues(() => provider.render({ x: true }, NOW, 0))).toEqual([
      'p.tpl (as rendered for version 0):4:11: metrics[0].params: expected array, got string "none" (rendered line: "params: none", template line 5)',
    ]);
  });

  it('never quotes a rendered line whose key names a secret', async () => {
    const d = files();
    const provider = await loadProvider(
      d.write('p.tpl', 'url: http://h\nheaders:\n  Authorization: Bearer {{ .tok }}\nmetrics: []\n'),
      { timeoutSeconds: 5 },
    );
    const found = await issues(() => provider.render({ tok: 'abc: def' }, NOW, 0));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^p\.tpl \(as rendered for version 0\):3:/);
    expect(found[0]).not.toContain('abc');
  });

  it('reports an unreadable startingTime as an error of the whole provider', async () => {
    const d = files();
    const provider = await loadProvider(d.write('p.tpl', SEED), { timeoutSeconds: 5 });
    expect(await issues(() => provider.render({ startingTime: '1652935205' }, NOW, 2))).toEqual([
      'p.tpl: startingTime: version 2: cannot parse startingTime "1652935205": expected an RFC 3339 date-time such as 2020-02-01T09:44:40Z',
    ]);
  });

  it('reports a missing file', async () => {
    files();
    expect(await issues(() => loadProvider('nope.tpl', { cwd: dir!.root, timeoutSeconds: 5 }))).toEqual([
      'nope.tpl: cannot read provider file: no such file',
    ]);
  });
});

const CRD = (spec: string, name = 'm') => `apiVersion: iter8.tools/v2alpha2
kind: Metric
metadata:
  name: ${name}
spec:
${spec}`;

describe('older generation (Metric objects)', () => {
  it('fills params and body from values and elapsedTime (at least 1), sends headers literally without auth', async () => {
    const d = files();
    const file = d.write(
      'm.yaml',
      `${CRD(`  params:
  - name: nrql
    value: SELECT count(appName) FROM PageView WHERE revisionName='\${revision}' SINCE \${elapsedTime} seconds ago $unknown
  headerTemplates:
  - name: X-Query-Key
    value: t0p-secret-api-key
  jqExpression: .results[0].count | tonumber
  urlTemplate: http://h/v1/accounts/1
  body: '{"rev": "$revision"}'
`)}---
${CRD('  urlTemplate: http://h/two\n  jqExpression: .x\n', 'second')}`,
    );
    const provider = await loadProvider(file, { timeoutSeconds: 5, env: {} });
    expect(provider.generation).toBe('metric-crd');
    const [first, second] = provider.render({ revision: 'v2' }, NOW, 0);
    const r = request(first);
    expect(new URL(r.url).searchParams.get('nrql')).toBe(
      "SELECT count(appName) FROM PageView WHERE revisionName='v2' SINCE 1 seconds ago $unknown",
    );
    expect(r.body).toBe('{"rev": "v2"}');
    expect(r.headers[0]).toEqual(['X-Query-Key', 't0p-secret-api-key']);
    expect(second!.name).toBe('second');
  });

  it('Basic: Authorization from the username and password of an env secret', async () => {
    const d = files();
    const file = d.write(
      'm.yaml',
      CRD('  authType: Basic\n  secret: env:PROM_\n  urlTemplate: https://prom/api/v1\n  jqExpression: .x\n'),
    );
    const provider = await loadProvider(file, {
      timeoutSeconds: 5,
      env: { PROM_username: 'produser', PROM_password: 't0p-secret', OTHER: 'x' },
    });
    const r = request(provider.render({}, NOW, 0)[0]);
    expect(r.headers).toContainEqual([
      'Authorization',
      `Basic ${Buffer.from('produser:t0p-secret').toString('base64')}`,
    ]);
    expect(r.secrets).toContain('t0p-secret');
  });

  it('Basic without both fields is an error at the secret field, naming neither value', async () => {
    const d = files();
    const file = d.write(
      'm.yaml',
      CRD('  authType: Basic\n  secret: env:PROM_\n  urlTemplate: https://p\n  jqExpression: .x\n'),
    );
    const found = await issues(() =>
      loadProvider(file, { timeoutSeconds: 5, env: { PROM_username: 'produser' } }),
    );
    expect(found).toEqual([
      'm.yaml:7:11: spec.secret: authType Basic needs the secret fields username and password; missing: password',
    ]);
  });

  it('Bearer: header templates and the URL take the fields of a secret file', async () => {
    const d = files();
    d.write('secrets/sd.yaml', 'token: 87654321-1234\naccount: acct9\n');
    const file = d.write(
      'm.yaml',
      CRD(`  authType: Bearer
  secret: file:secrets/sd.yaml
  method: POST
  body: '{"last": $elapsedTime}'
  headerTemplates:
  - {name: Accept, value: application/json}
  - {name: Authorization, value: 'Bearer \${token}'}
  urlTemplate: https://secure.sysdig.com/\${account}/data
  jqExpression: .data[0].d[0] | tonumber
`),
    );
    const provider = await loadProvider(file, { timeoutSeconds: 5, env: {} });
    const r = request(provider.render({ startingTime: '2020-02-01T10:43:40Z' }, NOW, 0)[0]);
    expect(r.url).toBe('https://secure.sysdig.com/acct9/data');
    expect(r.body).toBe('{"last": 60}');
    expect(r.headers.slice(0, 2)).toEqual([
      ['Accept', 'application/json'],
      ['Authorization', 'Bearer 87654321-1234'],
    ]);
    expect(r.secretHeaders.has('authorization')).toBe(true);
  });

  it('APIKey: a custom header filled from the secret is secret whatever its name', async () => {
    const d = files();
    const file = d.write(
      'm.yaml',
      CRD(`  authType: APIKey
  secret: env:NR_
  headerTemplates:
  - {name: X-Insights, value: '\${mykey}'}
  urlTemplate: https://insights/v1
  jqExpression: .x
`),
    );
    const provider = await loadProvider(file, { timeoutSeconds: 5, env: { NR_mykey: 't0p-secret-api-key' } });
    const r = request(provider.render({}, NOW, 0)[0]);
    expect(r.headers[0]).toEqual(['X-Insights', 't0p-secret-api-key']);
    expect(r.secretHeaders.has('x-insights')).toBe(true);
  });

  it('refuses Kubernetes secret names and bad fields, with positions', async () => {
    const d = files();
    const file = d.write(
      'm.yaml',
      CRD('  authType: Token\n  secret: myns/promcredentials\n  urlTemplat: x\n  jqExpression: .x\n'),
    );
    expect(await issues(() => loadProvider(file, { timeoutSeconds: 5, env: {} }))).toEqual([
      'm.yaml:6:3: spec.urlTemplate: required field is missing (expected string)',
      'm.yaml:6:13: spec.authType: Invalid option: expected one of "Basic"|"Bearer"|"APIKey"',
      'm.yaml:7:11: spec.secret: expected env:PREFIX_ (environment variables) or file:path.yaml (a YAML map of fields); Kubernetes secrets are not read',
      'm.yaml:8:3: spec.urlTemplat: unknown field "urlTemplat"; did you mean "urlTemplate"?',
    ]);
  });

  it('skips empty and comment-only documents and positions errors in later documents in the whole file', async () => {
    const d = files();
    const file = d.write(
      'm.yaml',
      `---\n# metrics of the shop\n---\n${CRD('  urlTemplate: https://a\n  jqExpression: .x\n', 'a')}---\n${CRD('  urlTemplate: https://b\n  jqExpression: 5\n', 'b')}`,
    );
    expect(await issues(() => loadProvider(file, { timeoutSeconds: 5, env: {} }))).toEqual([
      'm.yaml:18:17: spec.jqExpression: expected string, got number',
    ]);
  });

  it('reports an empty secret file field set without quoting the file', async () => {
    const d = files();
    d.write('s.yaml', '- not-a-map-secret\n');
    const file = d.write(
      'm.yaml',
      CRD('  authType: Bearer\n  secret: file:s.yaml\n  urlTemplate: https://p\n  jqExpression: .x\n'),
    );
    const found = await issues(() => loadProvider(file, { timeoutSeconds: 5, env: {} }));
    expect(found).toEqual([
      'm.yaml:7:11: spec.secret: secret file s.yaml must be a YAML map of fields (name: value)',
    ]);
  });
});

describe('the example provider file', () => {
  it('compiles and renders its three metrics with the labels given', async () => {
    const provider = await loadProvider('examples/providers/prometheus.tpl', {
      cwd: new URL('../..', import.meta.url).pathname,
      timeoutSeconds: 5,
    });
    const metrics = provider.render({ labels: { job: 'api' }, startingTime: '2020-02-01T10:43:40Z' }, NOW, 0);
    expect(metrics.map((m) => m.name)).toEqual(['requests', 'errors', 'error-ratio']);
    expect(new URL(request(metrics[1]).url).searchParams.get('query')).toBe(
      'sum(increase(http_requests_total{job="api",code=~"5.."}[60s])) or vector(0)',
    );
    expect(new URL(request(metrics[0]).url).origin).toBe('http://localhost:9090');
  });
});
