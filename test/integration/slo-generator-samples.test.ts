/**
 * slo-generator's samples as a user runs them: a shared config with a backend and an exporter of every
 * upstream type (test/fixtures/slo-generator-samples/config.yaml, written from the documented format) and the
 * four Prometheus SLOs, against a real Prometheus holding the series those SLOs query. The built CLI must
 * validate (warning about the entries it cannot use) and compute every report.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SloReport, ValidReport } from '../../src/domain/types.js';
import { REPO, runCli } from '../cli/run-cli.js';
import { DAY, EVAL_TIME, type PrometheusServer, startPrometheus } from '../helpers/prometheus.js';
import { tempDir } from '../helpers/tmp.js';

const SAMPLES = join(REPO, 'test/fixtures/slo-generator-samples');
const SLOS = join(SAMPLES, 'prometheus');
const CONFIG = join(SAMPLES, 'config.yaml');
const STEP = 300;

let prometheus: PrometheusServer;

/** Per 5-minute step: 100 requests to /metrics, 1 of them failing; 90 of the 100 within 0.25 s. */
beforeAll(async () => {
  if (!existsSync(join(REPO, 'dist/cli/main.js')))
    throw new Error('dist/ is missing: run `npm run build` first');
  const metrics = { handler: '/metrics' };
  prometheus = await startPrometheus({
    start: EVAL_TIME - 30 * DAY,
    end: EVAL_TIME,
    step: STEP,
    families: [
      {
        name: 'prometheus_http_requests',
        type: 'counter',
        help: 'Requests.',
        series: [
          {
            name: 'prometheus_http_requests_total',
            labels: { ...metrics, code: '200' },
            increment: () => 99,
          },
          { name: 'prometheus_http_requests_total', labels: { ...metrics, code: '500' }, increment: () => 1 },
        ],
      },
      {
        name: 'http_request_duration_seconds',
        type: 'histogram',
        help: 'Latency.',
        series: [
          {
            name: 'http_request_duration_seconds_bucket',
            labels: { ...metrics, code: '200', le: '0.25' },
            increment: () => 90,
          },
          {
            name: 'http_request_duration_seconds_bucket',
            labels: { ...metrics, code: '200', le: '+Inf' },
            increment: () => 100,
          },
          {
            name: 'http_request_duration_seconds_count',
            labels: { ...metrics, code: '200' },
            increment: () => 100,
          },
          {
            name: 'http_request_duration_seconds_sum',
            labels: { ...metrics, code: '200' },
            increment: () => 10,
          },
        ],
      },
    ],
  });
});
afterAll(async () => {
  await prometheus?.stop();
});

/** The variables slo-generator's sample needs for the entries these SLOs use; all others stay unset. */
const env = () => ({
  TZ: 'UTC',
  MIN_VALID_EVENTS: '',
  PROMETHEUS_URL: prometheus.url,
  PROMETHEUS_PUSHGATEWAY_URL: 'http://127.0.0.1:9',
});

describe('slo-generator samples', () => {
  it('validate: exit 0, one warning per entry no SLO uses, and the shared names', async () => {
    const { code, stdout, stderr } = await runCli(['validate', '-f', SLOS, '-c', CONFIG], { env: env() });
    expect(
      stderr
        .split('\n')
        .filter((l) => l.includes('not used by any SLO'))
        .map((l) => l.split(': ')[3]),
    ).toEqual([
      'backends.cloud_monitoring',
      'backends.cloud_monitoring_mql',
      'backends.cloud_service_monitoring',
      'backends.datadog',
      'backends.dynatrace',
      'backends.elasticsearch',
      'backends.splunk',
      'backends.open_search',
      'exporters.cloud_monitoring',
      'exporters.cloud_monitoring/test',
      'exporters.samples.custom.custom_exporter.CustomMetricExporter',
      'exporters.samples.custom.custom_exporter.CustomSLOExporter',
      'exporters.bigquery',
      'exporters.datadog',
      'exporters.dynatrace',
      'exporters.dynatrace/test',
      'exporters.pubsub',
    ]);
    expect(stderr).toContain(
      'backends.datadog: not used by any SLO; backend type "datadog" is a slo-generator type slokit does not implement (supported: prometheus, events, http, or a plugin module path such as custom.module.Class); environment variables not set: DATADOG_API_HOST, DATADOG_API_KEY, DATADOG_APP_KEY',
    );
    expect(stderr).toContain(
      `${SLOS}/slo_prom_metrics_availability_ratio.yaml:4:9: metadata.name: SLO name "prom-metrics-availability" is also used in ${SLOS}/slo_prom_metrics_availability_query_sli.yaml`,
    );
    expect(stdout).toBe(`ok: 4 SLO(s) and ${CONFIG} are valid\n`);
    expect(code).toBe(0);
  });

  it('compute: every report of the four Prometheus SLOs, with the right SLIs; the warnings as logs', async () => {
    const { code, stdout, stderr } = await runCli(
      [
        'compute',
        '-f',
        SLOS,
        '-c',
        CONFIG,
        '--timestamp',
        String(EVAL_TIME),
        '--output',
        'json',
        '--log-level',
        'warn',
      ],
      { env: env() },
    );
    const logs = stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: number; path: string; msg: string });
    // 15, not validate's 17: compute does not load plugins, so the two unused plugin exporters are not tried.
    expect(logs.filter((l) => l.msg.startsWith('not used by any SLO'))).toHaveLength(15);
    expect(logs.filter((l) => l.path === 'metadata.name')).toHaveLength(2);
    expect(logs.every((l) => l.level === 40)).toBe(true);
    const reports = JSON.parse(stdout) as SloReport[];
    const summary = reports.map((r) => [
      r.metadata.name,
      r.error_budget_policy_step_name,
      r.valid,
      (r as ValidReport).sli_measurement,
    ]);
    const steps = ['1 hour', '12 hours', '7 days', '28 days'];
    // Files in name order: availability query_sli, availability ratio, latency distribution_cut, latency query_sli.
    const expected = [
      ...steps.map((s) => ['prom-metrics-availability', s, true, 0.99]),
      ...steps.map((s) => ['prom-metrics-availability', s, true, 0.99]),
      ...steps.map((s) => ['prom-metrics-latency', s, true, 0.9]),
      ...steps.map((s) => ['prom-metrics-latency', s, true, 0.9]),
    ];
    expect(summary).toEqual(expected);
    expect(code).toBe(0);
  });

  it('compute without --export needs no variable of the exporters; with --export it does', async () => {
    const { PROMETHEUS_PUSHGATEWAY_URL: _, ...vars } = env();
    const args = ['compute', '-f', SLOS, '-c', CONFIG, '--timestamp', String(EVAL_TIME), '--output', 'json'];
    const computed = await runCli(args, { env: vars });
    expect(computed.code).toBe(0);
    expect(JSON.parse(computed.stdout) as SloReport[]).toHaveLength(16);
    expect(computed.stderr).toContain('environment variables not set: PROMETHEUS_PUSHGATEWAY_URL');
    const exported = await runCli([...args, '--export'], { env: vars });
    expect(exported.code).toBe(2);
    expect(exported.stderr).toMatch(
      /exporters\.prometheus: environment variable "PROMETHEUS_PUSHGATEWAY_URL" is not set/,
    );
  });

  it('compute: an SLO on a type slokit does not implement gets invalid reports naming it; the others run', async () => {
    const dir = tempDir();
    try {
      const datadog = (await import('node:fs'))
        .readFileSync(`${SLOS}/slo_prom_metrics_availability_ratio.yaml`, 'utf8')
        .replace('name: prom-metrics-availability', 'name: datadog-availability')
        .replace('backend: prometheus', 'backend: datadog');
      dir.write('slos/datadog.yaml', datadog);
      dir.write('slos/prom.yaml', readFileSync(`${SLOS}/slo_prom_metrics_latency_query_sli.yaml`, 'utf8'));
      // DATADOG_* stay unset: slokit never reads a datadog entry, so only its type is reported.
      const vars = env();
      const validated = await runCli(['validate', '-f', `${dir.root}/slos`, '-c', CONFIG], { env: vars });
      expect(validated.stderr).toContain(
        `${dir.root}/slos/datadog.yaml:11:12: spec.backend: backend type "datadog" is a slo-generator type slokit does not implement`,
      );
      expect(validated.code).toBe(2);
      const computed = await runCli(
        [
          'compute',
          '-f',
          `${dir.root}/slos`,
          '-c',
          CONFIG,
          '--timestamp',
          String(EVAL_TIME),
          '--output',
          'json',
          '--log-level',
          'error',
        ],
        { env: vars },
      );
      const reports = JSON.parse(computed.stdout) as SloReport[];
      expect(reports.map((r) => [r.metadata.name, r.valid, r.errors])).toEqual([
        ...['1 hour', '12 hours', '7 days', '28 days'].map(() => [
          'datadog-availability',
          false,
          [
            'Error: backend type "datadog" is a slo-generator type slokit does not implement (supported: prometheus, events, http, or a plugin module path such as custom.module.Class)',
            'Backend returned None.',
          ],
        ]),
        ...['1 hour', '12 hours', '7 days', '28 days'].map(() => ['prom-metrics-latency', true, []]),
      ]);
      expect(computed.code).toBe(1);
    } finally {
      dir.cleanup();
    }
  });
});
