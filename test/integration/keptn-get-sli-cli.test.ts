/**
 * `slokit keptn get-sli` (the built CLI) with the example sli.yaml and get-sli.triggered event against a real
 * Prometheus loaded with the test history: over the last hour service "api" has 36000 requests, 5% errors,
 * and its latency buckets (per minute in the last hour: le=0.5 450, le=1 570 of 600) put the 95th percentile
 * (rank 570) at the top of the (0.5, 1] bucket: 0.5 + 0.5 × (570 − 450) / (570 − 450) = 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { type PrometheusServer, startPrometheus } from '../helpers/prometheus.js';
import { tempDir } from '../helpers/tmp.js';

let prometheus: PrometheusServer;
const dir = tempDir('slokit-keptn-cli-');
const SLI = 'examples/keptn/sli.yaml';
const EVENT = 'examples/keptn/get-sli.triggered.json';

beforeAll(async () => {
  prometheus = await startPrometheus();
}, 120_000);
afterAll(async () => {
  await prometheus?.stop();
  dir.cleanup();
});

describe('slokit keptn get-sli', () => {
  it('prints the finished data (--output json) and exits 0 when every indicator has a value', async () => {
    const { code, stdout, stderr } = await runCli([
      'keptn',
      'get-sli',
      '--sli',
      SLI,
      '--event',
      EVENT,
      '--prometheus',
      prometheus.url,
      '--output',
      'json',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const data = JSON.parse(stdout);
    expect(data).toMatchObject({
      project: 'sockshop',
      stage: 'staging',
      service: 'api',
      labels: { buildId: '17' },
      status: 'succeeded',
      result: 'pass',
      'get-sli': {
        start: '2023-11-14T23:00:00.000Z',
        end: '2023-11-15T00:00:00.000Z',
        indicatorValues: [
          { metric: 'throughput', value: 36000, success: true },
          { metric: 'error_rate', value: 0.05, success: true },
          { metric: 'response_time_p95', success: true },
        ],
      },
    });
    expect(data['get-sli'].indicatorValues[2].value).toBeCloseTo(1, 9);
  });

  it('reads bare data too, prints a table and exits 1 when an indicator failed', async () => {
    const event = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(EVENT, 'utf8')));
    event.data['get-sli'].indicators.push('latency_p99');
    const file = dir.write('data.json', JSON.stringify(event.data));
    const { code, stdout } = await runCli([
      'keptn',
      'get-sli',
      '--sli',
      SLI,
      '--event',
      file,
      '--prometheus',
      prometheus.url,
    ]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^SLI +VALUE +SUCCESS +MESSAGE\n/);
    expect(stdout).toMatch(/\nthroughput +36000 +ok\n/);
    expect(stdout).toMatch(/\nlatency_p99 +- +failed +unable to get metric query: unsupported SLI\n/);
    expect(stdout).toMatch(/\nstatus: succeeded, result: warning\n$/);
  });

  it('exits 2 naming the file and field of a malformed event', async () => {
    const file = dir.write(
      'bad.json',
      JSON.stringify({ 'get-sli': { sliProvider: 'prometheus', end: 'x' } }),
    );
    const { code, stderr } = await runCli(['keptn', 'get-sli', '--sli', SLI, '--event', file]);
    expect(code).toBe(2);
    expect(stderr).toBe(`slokit: ${file}: data.get-sli.start: required, expected a string\n`);
  });

  it('exits 2 on a Prometheus URL that is not http(s)', async () => {
    const { code, stderr } = await runCli([
      'keptn',
      'get-sli',
      '--sli',
      SLI,
      '--event',
      EVENT,
      '--prometheus',
      'localhost:9090',
    ]);
    expect(code).toBe(2);
    expect(stderr).toBe('slokit: --prometheus: expected an absolute http:// or https:// URL\n');
  });

  it('exits 2 on a missing sli file', async () => {
    const { code, stderr } = await runCli(['keptn', 'get-sli', '--sli', 'nope.yaml', '--event', EVENT]);
    expect(code).toBe(2);
    expect(stderr).toContain('nope.yaml: no such file');
  });
});
