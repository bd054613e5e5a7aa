/**
 * The built CLI (`node dist/cli/main.js`, built by `npm test` before vitest runs) against a real Prometheus
 * holding the deterministic history of `test/helpers/prometheus.ts`: exit codes, JSON output, timestamps,
 * positioned config errors.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SloReport, ValidReport } from '../../src/domain/types.js';
import { REPO, runCli } from '../cli/run-cli.js';
import { POLICY_STEPS, policyStepsYaml, sloYaml } from '../helpers/fixtures.js';
import {
  DAY,
  EVAL_TIME,
  freePort,
  HOUR,
  type PrometheusServer,
  startPrometheus,
} from '../helpers/prometheus.js';
import { tempDir } from '../helpers/tmp.js';

const T = EVAL_TIME;
const ENV = { TZ: 'UTC', MIN_VALID_EVENTS: '' };

let prometheus: PrometheusServer;
let dir: ReturnType<typeof tempDir>;

const config = (url: string, backend = 'prometheus') => `backends:
  ${backend}:
    url: ${url}
exporters: {}
error_budget_policies:
  default:
    steps:
${policyStepsYaml(POLICY_STEPS)}`;

/** An SLO of service "api" (labels, description and goal 0.99 like the others), one SLI field a line. */
function apiSlo(
  name: string,
  method: string,
  sli: Record<string, string | number>,
  backend?: string,
): string {
  return sloYaml({
    name,
    labels: { service_name: 'api', feature_name: 'http', slo_name: name },
    description: `${name} of the api service`,
    backend,
    method,
    sli,
    goal: 0.99,
  });
}

const AVAILABILITY_SLI = {
  filter_good: 'http_requests_total{service="api", code="200"}',
  filter_valid: 'http_requests_total{service="api"}',
};
const AVAILABILITY = apiSlo('api-availability', 'good_bad_ratio', AVAILABILITY_SLI);
const LATENCY = apiSlo('api-latency', 'distribution_cut', {
  expression: 'http_request_duration_seconds_bucket{service="api"}',
  threshold_bucket: 0.25,
});
const BROKEN = apiSlo('api-broken', 'good_bad_ratio', {
  ...AVAILABILITY_SLI,
  // Valid PromQL syntax that Prometheus refuses (a range of an aggregation), so only this SLO fails.
  filter_good: 'sum(http_requests_total{service="api"})[window]',
});

const compute = (...extra: string[]) =>
  runCli(['compute', '-f', join(dir.root, 'slos'), '-c', join(dir.root, 'config.yaml'), ...extra], {
    env: ENV,
  });
const parseReports = (stdout: string) => JSON.parse(stdout) as SloReport[];
const counts = (r: SloReport) => [(r as ValidReport).good_events_count, (r as ValidReport).bad_events_count];

beforeAll(async () => {
  if (!existsSync(join(REPO, 'dist/cli/main.js')))
    throw new Error('dist/ is missing: run `npm run build` first');
  prometheus = await startPrometheus();
});
afterAll(async () => {
  await prometheus?.stop();
});
beforeEach(() => {
  dir = tempDir('slokit-cli-prometheus-');
  dir.write('config.yaml', config(prometheus.url));
  dir.write('slos/api-availability.yaml', AVAILABILITY);
  dir.write('slos/api-latency.yaml', LATENCY);
});
afterEach(() => dir.cleanup());

describe('slokit compute against Prometheus', () => {
  it('exits 0 when every report is valid; --output json -t <ts> evaluates at ts', async () => {
    const { code, stdout, stderr } = await compute('--output', 'json', '-t', String(T));
    expect(code, stderr).toBe(0);
    const reports = parseReports(stdout);
    expect(reports.map((r) => [(r as ValidReport).name, (r as ValidReport).window])).toEqual([
      ['api-availability', HOUR],
      ['api-availability', 12 * HOUR],
      ['api-availability', 7 * DAY],
      ['api-availability', 28 * DAY],
      ['api-latency', HOUR],
      ['api-latency', 12 * HOUR],
      ['api-latency', 7 * DAY],
      ['api-latency', 28 * DAY],
    ]);
    expect(reports.every((r) => r.valid && r.timestamp === T)).toBe(true);
    expect(reports.map(counts)).toEqual([
      [34200, 1800],
      [426240, 5760],
      [6032880, 15120],
      [24116400, 75600],
      [18000, 18000],
      [374400, 57600],
      [5428800, 619200],
      [21758400, 2433600],
    ]);
    expect((reports[0] as ValidReport).timestamp_human).toBe('2023-11-15T00:00:00+00:00');
  });

  it('-t moves the evaluation time: one hour earlier the last hour had 6 errors a minute', async () => {
    const { code, stdout } = await compute('--output', 'json', '-t', String(T - HOUR));
    expect(code).toBe(0);
    const [oneHour] = parseReports(stdout);
    expect(counts(oneHour!)).toEqual([35640, 360]);
    expect(oneHour).toMatchObject({ timestamp: T - HOUR, sli_measurement: 0.99 });
  });

  it('a fractional -t gives timestamp int(ts) and keeps the fraction in timestamp_human', async () => {
    const { code, stdout } = await compute('--output', 'json', '-t', `${T - HOUR}.75`);
    expect(code).toBe(0);
    const reports = parseReports(stdout);
    for (const report of reports) {
      expect(report).toMatchObject({
        valid: true,
        timestamp: T - HOUR,
        timestamp_human: '2023-11-14T23:00:00.750000+00:00',
      });
    }
  });

  it("exits 1 when one SLO's query fails; the other SLOs' reports are still printed", async () => {
    dir.write('slos/api-broken.yaml', BROKEN);
    const { code, stdout } = await compute('--output', 'json', '-t', String(T));
    expect(code).toBe(1);
    const reports = parseReports(stdout);
    expect(reports).toHaveLength(12);
    const broken = reports.filter((r) => r.metadata.name === 'api-broken');
    expect(broken).toHaveLength(4);
    for (const report of broken) {
      expect(report.valid).toBe(false);
      expect(report.errors[0]).toMatch(
        /^PrometheusQueryError: Prometheus backend "prometheus" query failed \(bad_data: .*parse error/,
      );
    }
    const others = reports.filter((r) => r.metadata.name !== 'api-broken');
    expect(others.every((r) => r.valid)).toBe(true);
    expect(others.map(counts).slice(0, 1)).toEqual([[34200, 1800]]);
  });

  it('exits 1 with invalid reports, not a crash, when Prometheus is unreachable', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    dir.write('config.yaml', config(down));
    const { code, stdout, stderr } = await compute('--output', 'json', '-t', String(T));
    expect(code).toBe(1);
    expect(stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    const reports = parseReports(stdout);
    expect(reports).toHaveLength(8);
    for (const report of reports) {
      expect(report.valid).toBe(false);
      expect(report.errors[0]).toContain(
        `query to Prometheus backend "prometheus" at ${down}/api/v1/query could not be sent: connect ECONNREFUSED`,
      );
    }
  });

  it('exits 2 on an unknown field in an SLO, naming file:line:column', async () => {
    const file = dir.write(
      'slos/api-typo.yaml',
      apiSlo('api-typo', 'good_bad_ratio', {
        filter_good: AVAILABILITY_SLI.filter_good,
        filter_vaild: AVAILABILITY_SLI.filter_valid,
      }),
    );
    const { code, stdout, stderr } = await compute('--output', 'json', '-t', String(T));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    // filter_vaild is on line 14, indented by 4.
    expect(stderr).toContain(`${file}:14:5`);
    expect(stderr).toContain('filter_vaild');
  });

  it('exits 2 when an SLO names a backend the config does not define, naming file:line:column', async () => {
    const file = dir.write(
      'slos/api-staging.yaml',
      apiSlo('api-staging', 'good_bad_ratio', AVAILABILITY_SLI, 'prometheus/staging'),
    );
    const { code, stderr } = await compute('--output', 'json');
    expect(code).toBe(2);
    // `backend:` is on line 11; the value starts at column 12.
    expect(stderr).toMatch(
      new RegExp(`${escapeRegExp(file)}:11:\\d+: spec\\.backend: backend "prometheus/staging"`),
    );
  });
});

describe('slokit validate', () => {
  const validate = () =>
    runCli(['validate', '-f', join(dir.root, 'slos'), '-c', join(dir.root, 'config.yaml')], { env: ENV });

  it('exits 0 on valid files without querying Prometheus', async () => {
    dir.write('config.yaml', config(`http://127.0.0.1:${await freePort()}`));
    const { code, stdout } = await validate();
    expect(code).toBe(0);
    expect(stdout).toContain('2 SLO(s)');
  });

  it('exits 2 with file:line:column on a config error', async () => {
    const file = dir.write(
      'slos/api-latency.yaml',
      LATENCY.replace('threshold_bucket: 0.25', 'threshold: 0.25'),
    );
    const { code, stderr } = await validate();
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`${escapeRegExp(file)}:\\d+:\\d+: spec\\.service_level_indicator`));
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
