/** `slokit metrics get` as a process, against a real local provider server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { type ProviderServer, promAnswer, startProviderServer } from '../providers/server.js';
import { runCli } from './run-cli.js';

const dir = tempDir('slokit-metrics-get-');
let server: ProviderServer;

beforeAll(async () => {
  server = await startProviderServer((req) => {
    if (req.url.startsWith('/api/data')) return { body: '{"data":[{"t":1582756200,"d":[6.481]}]}' };
    const query = new URL(req.url, 'http://x').searchParams.get('query') ?? '';
    if (query.includes('errors')) return { status: 500, body: 'internal failure' };
    return { body: promAnswer(query.includes('reviews-v2') ? '21.5' : '7') };
  });
  dir.write(
    'providers/istio-prom.tpl',
    `url: {{ .url }}/api/v1/query
method: GET
metrics:
- name: request-count
  type: counter
  params:
  - name: query
    value: sum(requests{ {{- range $k, $v := .labels }}{{ $k }}="{{ $v }}",{{ end -}} }[{{ .elapsedTimeSeconds }}s])
  jqExpression: .data.result[0].value[1] | tonumber
- name: error-count
  type: counter
  params:
  - name: query
    value: sum(errors[{{ .elapsedTimeSeconds }}s])
  jqExpression: .data.result.[0].value.[1]
`,
  );
  dir.write(
    'providers/sysdig.yaml',
    `kind: Metric
metadata: {name: cpu}
spec:
  method: POST
  authType: Bearer
  secret: env:SD_
  body: '{"last": $elapsedTime, "filter": "rev = ''$revision''"}'
  headerTemplates:
  - {name: Authorization, value: 'Bearer \${token}'}
  urlTemplate: ${server.base}/api/data
  jqExpression: .data[0].d[0]
`,
  );
  dir.write('values.yaml', `url: ${server.base}\nlabels: {namespace: default}\nrevision: r0\n`);
  dir.write('v1.yaml', 'labels: {destination_workload: reviews-v1}\nrevision: r1\n');
  dir.write('v2.yaml', 'labels: {destination_workload: reviews-v2}\nrevision: r2\n');
});
afterAll(async () => {
  await server.close();
  dir.cleanup();
});

const env = () => ({ SD_token: 'sd-secret-token-1' });
const run = (args: string[]) => runCli(['metrics', 'get', ...args], { cwd: dir.root, env: env() });

describe('slokit metrics get', () => {
  it('prints each metric per version as JSON, exit 1 when one is unavailable', async () => {
    const before = server.requests.length;
    const { code, stdout, stderr } = await run([
      '-p',
      'istio-prom=providers/istio-prom.tpl',
      '-p',
      'providers/sysdig.yaml',
      '--values',
      'values.yaml',
      '--version-values',
      'v1.yaml',
      '--version-values',
      'v2.yaml',
      '--set',
      'startingTime=2020-02-01T09:44:40Z',
      '--output',
      'json',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const errorReason = `GET ${server.base}/api/v1/query: HTTP 500 Internal Server Error: internal failure`;
    expect(JSON.parse(stdout)).toEqual([
      { version: 0, name: 'istio-prom/request-count', value: 7, error: null },
      { version: 0, name: 'istio-prom/error-count', value: null, error: errorReason },
      { version: 0, name: 'sysdig/cpu', value: 6.481, error: null },
      { version: 1, name: 'istio-prom/request-count', value: 21.5, error: null },
      { version: 1, name: 'istio-prom/error-count', value: null, error: errorReason },
      { version: 1, name: 'sysdig/cpu', value: 6.481, error: null },
    ]);
    const sent = server.requests.slice(before);
    // error-count renders identically for both versions: sent once.
    expect(sent).toHaveLength(5);
    const queries = sent
      .filter((r) => r.url.startsWith('/api/v1/query'))
      .map((r) => r.url)
      .sort();
    expect(queries[0]).toMatch(/^\/api\/v1\/query\?query=sum%28errors%5B\d+s%5D%29$/);
    expect(queries.slice(1)).toEqual([
      expect.stringMatching(
        /^\/api\/v1\/query\?query=sum%28requests%7Bdestination_workload%3D%22reviews-v1%22%2Cnamespace%3D%22default%22%2C%7D%5B\d+s%5D%29$/,
      ),
      expect.stringMatching(/reviews-v2/),
    ]);
    const posts = sent.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.body.replace(/\d{6,}/, 'N')).sort()).toEqual([
      `{"last": N, "filter": "rev = 'r1'"}`,
      `{"last": N, "filter": "rev = 'r2'"}`,
    ]);
    expect(posts[0]!.headers).toMatchObject({
      authorization: 'Bearer sd-secret-token-1',
      'content-type': 'application/json;charset=utf-8',
    });
  });

  it('--dry-run prints the requests, secrets masked, and sends nothing', async () => {
    const before = server.requests.length;
    const { code, stdout } = await run([
      '-p',
      'providers/sysdig.yaml',
      '-p',
      'prom=providers/istio-prom.tpl',
      '--set',
      `url=${server.base},labels.app=a\\,b,revision=r9`,
      '--dry-run',
      '-o',
      'json',
    ]);
    expect(code).toBe(0);
    expect(server.requests.length).toBe(before);
    expect(JSON.parse(stdout)).toEqual([
      {
        version: 0,
        metric: 'sysdig/cpu',
        method: 'POST',
        url: `${server.base}/api/data`,
        headers: { Authorization: '***', 'Content-Type': 'application/json;charset=utf-8' },
        body: `{"last": 1, "filter": "rev = 'r9'"}`,
      },
      {
        version: 0,
        metric: 'prom/request-count',
        method: 'GET',
        url: `${server.base}/api/v1/query?query=sum%28requests%7Bapp%3D%22a%2Cb%22%2C%7D%5B0s%5D%29`,
        headers: { 'Content-Type': 'application/json;charset=utf-8' },
        body: null,
      },
      {
        version: 0,
        metric: 'prom/error-count',
        method: 'GET',
        url: `${server.base}/api/v1/query?query=sum%28errors%5B0s%5D%29`,
        headers: { 'Content-Type': 'application/json;charset=utf-8' },
        body: null,
      },
    ]);
    expect(stdout).not.toContain('sd-secret-token-1');
  });

  it('prints a table, exit 0 when every metric is available', async () => {
    const { code, stdout } = await run(['-p', 'providers/sysdig.yaml', '--set', 'revision=r1']);
    expect(code).toBe(0);
    expect(stdout).toBe('VERSION  NAME        VALUE  ERROR\n0        sysdig/cpu  6.481\n');
  });

  it('a provider file error is exit 2 with file and position; other providers still print', async () => {
    dir.write('providers/broken.tpl', 'url: x\nmetrics:\n{{ fail "unfinished provider" }}\n');
    const { code, stdout, stderr } = await run([
      '-p',
      'providers/broken.tpl',
      '-p',
      'providers/sysdig.yaml',
      '-o',
      'json',
    ]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'slokit: providers/broken.tpl:3:4: version 0: template execution error: executing "providers/broken.tpl": error calling fail: unfinished provider\n',
    );
    expect(JSON.parse(stdout)).toEqual([{ version: 0, name: 'sysdig/cpu', value: 6.481, error: null }]);
  });

  it('an unreadable startingTime is reported where it was written, once per version', async () => {
    dir.write('values.yaml', 'labels: {app: reviews}\nstartingTime: 1652935205\n');
    dir.write('v1.yaml', 'labels: {version: v1}\n');
    dir.write('v2.yaml', '# version 2 starts later\nstartingTime: "yesterday"\n');
    const common = ['-p', 'providers/istio-prom.tpl', '-p', 'providers/sysdig.yaml', '--dry-run'];
    const files = await run([
      ...common,
      '--values',
      'values.yaml',
      '--version-values',
      'v1.yaml',
      '--version-values',
      'v2.yaml',
    ]);
    expect(files.code).toBe(2);
    expect(files.stderr).toBe(
      'slokit: values.yaml:2:15: startingTime: version 0: cannot parse startingTime "1652935205": expected an RFC 3339 date-time such as 2020-02-01T09:44:40Z\n' +
        'slokit: v2.yaml:2:15: startingTime: version 1: cannot parse startingTime "yesterday": expected an RFC 3339 date-time such as 2020-02-01T09:44:40Z\n',
    );
    const set = await run([...common, '--values', 'values.yaml', '--set', 'startingTime=soon']);
    expect(set.code).toBe(2);
    expect(set.stderr).toBe(
      'slokit: --set: startingTime: version 0: cannot parse startingTime "soon": expected an RFC 3339 date-time such as 2020-02-01T09:44:40Z\n',
    );
  });

  it('writes infinite values as "+Inf"/"-Inf" in JSON and the table', async () => {
    dir.write(
      'providers/inf.tpl',
      `url: {{ .url }}/api/v1/query\nmetrics:\n- {name: up, type: gauge, jqExpression: '"+Inf"'}\n- {name: down, type: gauge, jqExpression: '"-inf"'}\n`,
    );
    const json = await run(['-p', 'providers/inf.tpl', '--set', `url=${server.base}`, '-o', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      { version: 0, name: 'inf/up', value: '+Inf', error: null },
      { version: 0, name: 'inf/down', value: '-Inf', error: null },
    ]);
    const table = await run(['-p', 'providers/inf.tpl', '--set', `url=${server.base}`]);
    expect(table.stdout).toBe(
      'VERSION  NAME      VALUE  ERROR\n0        inf/up    +Inf\n0        inf/down  -Inf\n',
    );
  });

  it.each([
    [['-p', 'providers/sysdig.yaml', '--set', 'novalue'], '--set novalue: expected key=value, got "novalue"'],
    [
      ['-p', 'a=providers/sysdig.yaml', '-p', 'a=providers/istio-prom.tpl'],
      'provider key "a" is given twice',
    ],
    [
      ['-p', 'providers/sysdig.yaml', '--timeout', '0'],
      "option '--timeout <seconds>' argument '0' is invalid",
    ],
    [['-p', 'providers/sysdig.yaml', '--values', 'nope.yaml'], 'nope.yaml: no such file'],
  ])('usage and input errors exit 2: %j', async (args, message) => {
    const { code, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
