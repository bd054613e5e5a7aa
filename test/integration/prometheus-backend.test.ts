/**
 * The Prometheus backend and the compute engine against a real Prometheus loaded with the deterministic
 * history of `test/helpers/prometheus.ts`. Expected values are worked out by hand from that history:
 *
 * service "api", 600 requests a minute, errors a minute by sample age: <1h 30, <12h 6, <7d 1, older 2.
 *   window   requests    errors   good        SLI
 *   1h          36000      1800      34200   0.95
 *   12h        432000      5760     426240   0.986667   (1800 + 660 min × 6)
 *   7d        6048000     15120    6032880   0.9975     (5760 + 9360 min × 1)
 *   28d      24192000     75600   24116400   0.996875   (15120 + 30240 min × 2)
 * latency histogram, per minute (before the last hour / during it): le=0.25 540/300, le=0.5 580/450.
 *   le=0.25: 1h 18000 good of 36000; 12h 18000 + 660×540 = 374400; 7d 18000 + 10020×540 = 5428800;
 *            28d 18000 + 40260×540 = 21758400.
 *   le=0.5:  1h 27000; 12h 27000 + 660×580 = 409800.
 * Prometheus 2.x range selectors include both ends, so with samples on both window edges increase() is exact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusBackend } from '../../src/backends/prometheus.js';
import type { SharedConfig } from '../../src/config/schema.js';
import type { SloConfig, SloReport, ValidReport } from '../../src/domain/types.js';
import { compute } from '../../src/engine/compute.js';
import {
  apiErrorsPerMinute,
  type CountingProxy,
  DAY,
  EVAL_TIME,
  freePort,
  HOUR,
  type PrometheusServer,
  startCountingProxy,
  startPrometheus,
} from '../helpers/prometheus.js';

const T = EVAL_TIME;
const WINDOWS = [HOUR, 12 * HOUR, 7 * DAY, 28 * DAY] as const;
const STEPS = [
  { name: '1 hour', window: HOUR, burn_rate_threshold: 9, message_alert: 'page', message_ok: 'ok' },
  { name: '12 hours', window: 12 * HOUR, burn_rate_threshold: 3, message_alert: 'page', message_ok: 'ok' },
  { name: '7 days', window: 7 * DAY, burn_rate_threshold: 1.5, message_alert: 'ticket', message_ok: 'ok' },
  { name: '28 days', window: 28 * DAY, burn_rate_threshold: 1, message_alert: 'freeze', message_ok: 'ok' },
];

/** [good, bad, sli] per window for the availability of service "api". */
const AVAILABILITY: Record<number, [number, number, number]> = {
  [HOUR]: [34200, 1800, 0.95],
  [12 * HOUR]: [426240, 5760, 0.986667],
  [7 * DAY]: [6032880, 15120, 0.9975],
  [28 * DAY]: [24116400, 75600, 0.996875],
};
/** [good, bad, sli] per window for latency <= 250 ms of service "api". */
const LATENCY_250MS: Record<number, [number, number, number]> = {
  [HOUR]: [18000, 18000, 0.5],
  [12 * HOUR]: [374400, 57600, 0.866667],
  [7 * DAY]: [5428800, 619200, 0.897619],
  [28 * DAY]: [21758400, 2433600, 0.899405],
};

const API_GOOD = 'http_requests_total{service="api", code="200"}';
const API_BAD = 'http_requests_total{service="api", code="500"}';
const API_VALID = 'http_requests_total{service="api"}';
const API_BUCKET = 'http_request_duration_seconds_bucket{service="api"}';

let prometheus: PrometheusServer;
let proxy: CountingProxy;
let downUrl: string;
let shared: SharedConfig;

function slo(
  name: string,
  method: string,
  sli: Record<string, unknown>,
  opts: { backend?: string; policy?: string } = {},
): SloConfig {
  return {
    apiVersion: 'sre.google.com/v2',
    kind: 'ServiceLevelObjective',
    metadata: { name, labels: { service_name: 'api', feature_name: 'http', slo_name: name } },
    spec: {
      description: `${name} of the api service`,
      backend: opts.backend ?? 'prometheus',
      method,
      service_level_indicator: sli,
      goal: 0.99,
      ...(opts.policy ? { error_budget_policy: opts.policy } : {}),
    },
  };
}

/** Runs one SLO through the engine at `timestamp` (default the history's end) and returns its reports. */
async function reportsOf(config: SloConfig, timestamp = T): Promise<SloReport[]> {
  const result = await compute([config], shared, { timestamp });
  return result.results[0]!.reports;
}

/** The report of an SLO under the "one-hour" policy (its only step), at the history's end. */
async function oneHourReport(
  name: string,
  method: string,
  sli: Record<string, unknown>,
  backend?: string,
): Promise<SloReport | undefined> {
  const [report] = await reportsOf(slo(name, method, sli, { backend, policy: 'one-hour' }));
  return report;
}

function valid(report: SloReport | undefined): ValidReport {
  expect(report?.valid, JSON.stringify(report)).toBe(true);
  return report as ValidReport;
}

function expectCounts(reports: SloReport[], expected: Record<number, [number, number, number]>) {
  expect(reports.map((r) => r.error_budget_policy_step_name)).toEqual(STEPS.map((s) => s.name));
  for (const report of reports) {
    const r = valid(report);
    const [good, bad, sli] = expected[r.window]!;
    expect({
      window: r.window,
      good: r.good_events_count,
      bad: r.bad_events_count,
      sli: r.sli_measurement,
    }).toEqual({ window: r.window, good, bad, sli });
    expect(r.events_count).toBe(good + bad);
    expect(r.timestamp).toBe(T);
    expect(r.errors).toEqual([]);
  }
}

beforeAll(async () => {
  prometheus = await startPrometheus();
  proxy = await startCountingProxy(prometheus.url);
  downUrl = `http://127.0.0.1:${await freePort()}`;
  shared = {
    backends: {
      prometheus: { url: prometheus.url },
      'prometheus/counted': { url: proxy.url },
      'prometheus/down': { url: downUrl, timeout: 5 },
    },
    exporters: {},
    error_budget_policies: { default: { steps: STEPS }, 'one-hour': { steps: [STEPS[0]!] } },
    default_exporters: [],
  };
});

afterAll(async () => {
  await proxy?.stop();
  await prometheus?.stop();
});

describe('good_bad_ratio', () => {
  it('filter_good + filter_valid: exact counts for 1h, 12h, 7d and 28d', async () => {
    const reports = await reportsOf(
      slo('availability', 'good_bad_ratio', { filter_good: API_GOOD, filter_valid: API_VALID }),
    );
    expectCounts(reports, AVAILABILITY);
    const oneHour = valid(reports[0]);
    expect(oneHour.error_budget_burn_rate).toBe(5);
    expect(oneHour.alert).toBe(false);
    expect(oneHour.consequence_message).toBe('Missed for this measurement window, but not enough to alert');
  });

  it('filter_good + filter_bad gives the same counts', async () => {
    const reports = await reportsOf(
      slo('availability-bad', 'good_bad_ratio', { filter_good: API_GOOD, filter_bad: API_BAD }),
    );
    expectCounts(reports, AVAILABILITY);
  });

  it('selectors filter: the "web" service (120 requests a minute, no errors) is counted apart', async () => {
    const reports = await reportsOf(
      slo('web', 'good_bad_ratio', {
        filter_good: 'http_requests_total{service="web", code="200"}',
        filter_valid: 'http_requests_total{service="web"}',
      }),
    );
    expect(reports.map((r) => [valid(r).good_events_count, valid(r).bad_events_count])).toEqual(
      WINDOWS.map((w) => [(w / 60) * 120, 0]),
    );
  });

  it('custom operators ["rate", "sum"] give per-second rates (counts truncated by int())', async () => {
    const config = slo('availability-rate', 'good_bad_ratio', {
      filter_good: API_GOOD,
      filter_valid: API_VALID,
      operators: ['rate', 'sum'],
    });
    const backend = new PrometheusBackend({ url: prometheus.url });
    // 34200 / 3600 = 9.5 good a second out of 36000 / 3600 = 10.
    expect(await backend.good_bad_ratio(T, HOUR, config)).toEqual([9.5, 0.5]);
    const [oneHour, twelveHours] = await reportsOf(config);
    expect(valid(oneHour)).toMatchObject({
      good_events_count: 9,
      bad_events_count: 0,
      events_count: 10,
      sli_measurement: 0.95,
    });
    // 12h: good 9.866666666666667, bad 10 - good = 0.13333333333333286; their float sum is just below 10,
    // so events_count = int(good + bad) = 9, as in slo-generator.
    expect(valid(twelveHours)).toMatchObject({
      good_events_count: 9,
      bad_events_count: 0,
      events_count: 9,
      sli_measurement: 0.986667,
    });
  });

  it('operators [] with the whole expression and [window] written by the user', async () => {
    const reports = await reportsOf(
      slo('availability-explicit', 'good_bad_ratio', {
        filter_good: `sum(increase(${API_GOOD}[window]))`,
        filter_valid: `sum(increase(${API_VALID}[window]))`,
        operators: [],
      }),
    );
    expectCounts(reports, AVAILABILITY);
  });

  it('without a placeholder, [Ns] is appended to the filter before the operators wrap it', async () => {
    proxy.reset();
    await compute(
      [
        slo(
          'appended',
          'good_bad_ratio',
          { filter_good: API_GOOD, filter_bad: API_BAD },
          { backend: 'prometheus/counted' },
        ),
      ],
      shared,
      { timestamp: T },
    );
    expect(new Set(proxy.queries())).toEqual(
      new Set(
        WINDOWS.flatMap((w) => [`sum(increase(${API_GOOD}[${w}s]))`, `sum(increase(${API_BAD}[${w}s]))`]),
      ),
    );
  });
});

/** Average over the subquery points of the 5m success ratio, computed from the history definition. */
function expectedSubqueryAverage(window: number): number {
  let sum = 0;
  let points = 0;
  // Prometheus 2.x: subquery points at multiples of 5m in [T - window, T], both ends included.
  for (let t = T - window; t <= T; t += 300) {
    let errors = 0;
    for (let s = t - 240; s <= t; s += 60) errors += apiErrorsPerMinute(s);
    sum += (3000 - errors) / 3000;
    points++;
  }
  return sum / points;
}

describe('query_sli', () => {
  it('expression with [window]: the ratio of rates is the SLI', async () => {
    const reports = await reportsOf(
      slo('ratio', 'query_sli', {
        expression: `sum(rate(${API_GOOD}[window])) / sum(rate(${API_VALID}[window]))`,
      }),
    );
    expect(reports.map((r) => valid(r).sli_measurement)).toEqual(WINDOWS.map((w) => AVAILABILITY[w]![2]));
    for (const report of reports) {
      expect(valid(report)).toMatchObject({ good_events_count: -1, bad_events_count: -1, events_count: -2 });
    }
  });

  it("sends every character of the query as Prometheus reads it (+, *, !, ', spaces, newlines)", async () => {
    // The form body is built with encodeURIComponent, which leaves ! ' ( ) * ~ as they are: Go's
    // url.ParseQuery takes them literally, and a + must arrive as a plus, not a space.
    const expression = `(sum(rate(${API_GOOD}[window])) + 0 * count(vector(1)))\n  / sum(rate(http_requests_total{service=~'api', code!~"x*"}[window]))`;
    const report = await oneHourReport('encoded', 'query_sli', { expression });
    expect(valid(report).sli_measurement).toBe(AVAILABILITY[HOUR]![2]);
  });

  it('subquery [window:5m]: every [window is replaced, the resolution kept', async () => {
    const expression = `avg_over_time((sum(rate(${API_GOOD}[5m])) / sum(rate(${API_VALID}[5m])))[window:5m])`;
    proxy.reset();
    const [result] = (
      await compute(
        [slo('subquery', 'query_sli', { expression }, { backend: 'prometheus/counted' })],
        shared,
        {
          timestamp: T,
        },
      )
    ).results;
    expect(proxy.queries().sort()).toEqual(
      WINDOWS.map((w) => expression.replace('[window:', `[${w}s:`)).sort(),
    );
    // 1h: 12 points in the incident hour (0.95) and one at T-1h (0.99): (12 × 0.95 + 0.99) / 13.
    expect(expectedSubqueryAverage(HOUR)).toBeCloseTo((12 * 0.95 + 0.99) / 13, 12);
    result!.reports.forEach((report, i) => {
      expect(valid(report).sli_measurement).toBeCloseTo(expectedSubqueryAverage(WINDOWS[i]!), 5);
    });
    expect(valid(result!.reports[0]).sli_measurement).toBe(0.953077);
  });

  it('a selector without placeholder gets [Ns] appended: a range vector, an error saying so', async () => {
    proxy.reset();
    const report = await oneHourReport(
      'no-placeholder',
      'query_sli',
      { expression: 'http_request_duration_seconds_count{service="api"}' },
      'prometheus/counted',
    );
    expect(proxy.queries()).toEqual(['http_request_duration_seconds_count{service="api"}[3600s]']);
    expect(report).toEqual({
      metadata: expect.any(Object),
      errors: [
        `PrometheusQueryError: Prometheus backend "prometheus/counted" query failed (a range vector (resultType matrix) came back where an instant vector or scalar was expected: wrap range selectors in a function such as increase(x[window])) at ${proxy.url}/api/v1/query (query: http_request_duration_seconds_count{service="api"}[3600s])`,
        'Backend returned None.',
      ],
      error_budget_policy_step_name: '1 hour',
      valid: false,
    });
  });

  it('an expression without placeholder is refused before sending (slo-generator appends [Ns] to the whole of it)', async () => {
    proxy.reset();
    const report = await oneHourReport(
      'no-placeholder-expr',
      'query_sli',
      { expression: `sum(rate(${API_GOOD}[5m])) / sum(rate(${API_VALID}[5m]))` },
      'prometheus/counted',
    );
    expect(proxy.queries()).toEqual([]);
    expect(report?.errors).toEqual([
      'PromQLError: service_level_indicator.expression has no [window] placeholder and is not a single selector: write [window] where the range goes (e.g. rate(x[window])), it becomes [3600s]',
      'Backend returned None.',
    ]);
  });

  it('an infinite SLI is rejected as out of range with value inf, as slo-generator prints it', async () => {
    const report = await oneHourReport('infinite', 'query_sli', {
      expression: `sum(rate(${API_VALID}[window])) / 0`,
    });
    expect(report?.errors).toEqual(['SLI is not between 0 and 1 (value = inf)']);
  });
});

describe('distribution_cut', () => {
  it('threshold_bucket 0.25: good = bucket le="0.25", valid = the _count series, exact per window', async () => {
    proxy.reset();
    const reports = await reportsOf(
      slo(
        'latency',
        'distribution_cut',
        { expression: API_BUCKET, threshold_bucket: 0.25 },
        {
          backend: 'prometheus/counted',
        },
      ),
    );
    expectCounts(reports, LATENCY_250MS);
    expect(new Set(proxy.queries())).toEqual(
      new Set(
        WINDOWS.flatMap((w) => [
          `sum(increase(http_request_duration_seconds_bucket{service="api", le="0.25"}[${w}s]))`,
          `sum(increase(http_request_duration_seconds_count{service="api"}[${w}s]))`,
        ]),
      ),
    );
  });

  it('threshold_bucket 0.5 and good_below_threshold false (good and bad swap)', async () => {
    const below = await reportsOf(
      slo('latency-500', 'distribution_cut', { expression: API_BUCKET, threshold_bucket: 0.5 }),
    );
    expect(below.slice(0, 2).map((r) => [valid(r).good_events_count, valid(r).bad_events_count])).toEqual([
      [27000, 9000],
      [409800, 22200],
    ]);
    expect(valid(below[0]).sli_measurement).toBe(0.75);
    expect(valid(below[1]).sli_measurement).toBe(0.948611);
    const above = await reportsOf(
      slo('latency-above', 'distribution_cut', {
        expression: API_BUCKET,
        threshold_bucket: 0.5,
        good_below_threshold: false,
      }),
    );
    expect(above.slice(0, 2).map((r) => [valid(r).good_events_count, valid(r).bad_events_count])).toEqual([
      [9000, 27000],
      [22200, 409800],
    ]);
  });

  it('a threshold with no matching le series: invalid, listing the le values that exist', async () => {
    const report = await oneHourReport('latency-missing-le', 'distribution_cut', {
      expression: API_BUCKET,
      threshold_bucket: 0.3,
    });
    expect(report?.valid).toBe(false);
    expect(report?.errors).toEqual([
      `PrometheusResultError: threshold_bucket 0.3 matches no bucket series (le="0.3") of ${API_BUCKET} while its _count has data: the le values of the expression's buckets in that window are "0.1", "0.25", "0.5", "1", "+Inf"; threshold_bucket must be one of them, written exactly (e.g. 1.0 for le="1.0")`,
      'Backend returned None.',
    ]);
  });

  it('threshold_bucket "1.0" against buckets stored as le="1" is the same error, not SLI 0', async () => {
    const report = await oneHourReport('latency-1.0', 'distribution_cut', {
      expression: API_BUCKET,
      threshold_bucket: '1.0',
    });
    expect(report?.valid).toBe(false);
    expect(report?.errors[0]).toMatch(
      /^PrometheusResultError: threshold_bucket 1\.0 matches no bucket series \(le="1\.0"\)/,
    );
    expect(report?.errors[0]).toContain('"0.5", "1", "+Inf"');
  });

  it('a bare bucket metric name and a regexp with {2} braces get le in the right place', async () => {
    proxy.reset();
    const bare = await oneHourReport(
      'latency-bare',
      'distribution_cut',
      { expression: 'http_request_duration_seconds_bucket', threshold_bucket: 0.25 },
      'prometheus/counted',
    );
    const regexp = await oneHourReport(
      'latency-regexp',
      'distribution_cut',
      { expression: 'http_request_duration_seconds_bucket{service=~"a[p]{1}i"}', threshold_bucket: 0.25 },
      'prometheus/counted',
    );
    for (const report of [bare, regexp]) {
      expect(valid(report)).toMatchObject({ good_events_count: 18000, bad_events_count: 18000 });
    }
    expect(proxy.queries()).toEqual(
      expect.arrayContaining([
        'sum(increase(http_request_duration_seconds_bucket{le="0.25"}[3600s]))',
        'sum(increase(http_request_duration_seconds_count[3600s]))',
        'sum(increase(http_request_duration_seconds_bucket{service=~"a[p]{1}i", le="0.25"}[3600s]))',
        'sum(increase(http_request_duration_seconds_count{service=~"a[p]{1}i"}[3600s]))',
      ]),
    );
  });
});

describe('several series', () => {
  it('good_bad_ratio without an aggregation: an error naming the query and the series count', async () => {
    const report = await oneHourReport('not-aggregated', 'good_bad_ratio', {
      filter_good: API_GOOD,
      filter_valid: API_VALID,
      operators: ['increase'],
    });
    expect(report?.valid).toBe(false);
    expect(report?.errors[0]).toBe(
      `PrometheusResultError: Prometheus backend "prometheus" at ${prometheus.url}/api/v1/query returned 2 series where one was expected: aggregate the query (e.g. sum(...) or sum by () (...)) so it gives one number (query: increase(${API_VALID}[3600s]))`,
    );
  });

  it('query_sli returning one series per code: the same error', async () => {
    const report = await oneHourReport('sli-by-code', 'query_sli', {
      expression: `sum by (code) (rate(${API_VALID}[window])) / scalar(sum(rate(${API_VALID}[window])))`,
    });
    expect(report?.errors[0]).toMatch(
      /^PrometheusResultError: Prometheus backend "prometheus" at .* returned 2 series where one was expected/,
    );
  });
});

describe('evaluation timestamp', () => {
  it('queries are evaluated at the run timestamp, not at the server time', async () => {
    const availability = slo(
      'availability-at',
      'good_bad_ratio',
      { filter_good: API_GOOD, filter_valid: API_VALID },
      { backend: 'prometheus/counted' },
    );
    proxy.reset();
    const now = await reportsOf(availability, T);
    const hourAgo = await reportsOf(availability, T - HOUR);
    const dayAgo = await reportsOf(availability, T - DAY);
    // At T the last hour had 30 errors a minute; the hour before 6; a day ago the 12 hours before had 1.
    expect([valid(now[0]).good_events_count, valid(now[0]).bad_events_count]).toEqual([34200, 1800]);
    expect([valid(hourAgo[0]).good_events_count, valid(hourAgo[0]).bad_events_count]).toEqual([35640, 360]);
    expect(valid(hourAgo[0]).sli_measurement).toBe(0.99);
    expect([valid(dayAgo[1]).good_events_count, valid(dayAgo[1]).bad_events_count]).toEqual([431280, 720]);
    expect(valid(dayAgo[1]).timestamp).toBe(T - DAY);
    // Each run sent every one of its queries with its own timestamp.
    const times = proxy.requests.map((r) => r.time);
    expect(times).toEqual([
      ...Array(8).fill(String(T)),
      ...Array(8).fill(String(T - HOUR)),
      ...Array(8).fill(String(T - DAY)),
    ]);
  });
});

describe('NO_DATA', () => {
  it('good missing while valid has data: zero good events (slo-generator: bad = valid + 1)', async () => {
    const report = await oneHourReport('good-missing', 'good_bad_ratio', {
      filter_good: 'http_requests_total{service="api", code="404"}',
      filter_valid: API_VALID,
    });
    expect(valid(report)).toMatchObject({
      sli_measurement: 0,
      good_events_count: 0,
      bad_events_count: 36000,
      events_count: 36000,
    });
  });

  it('good missing while bad has data: zero good events', async () => {
    const backend = new PrometheusBackend({ url: prometheus.url });
    const config = slo('good-missing-bad', 'good_bad_ratio', {
      filter_good: 'http_requests_total{service="api", code="404"}',
      filter_bad: API_BAD,
    });
    expect(await backend.good_bad_ratio(T, HOUR, config)).toEqual([0, 1800]);
  });

  it('good and bad missing: invalid, NO_DATA tuple', async () => {
    const report = await oneHourReport('both-missing', 'good_bad_ratio', {
      filter_good: 'nothing_total{service="api"}',
      filter_bad: 'nothing_total{service="nope"}',
    });
    expect(report?.valid).toBe(false);
    expect(report?.errors).toEqual([
      'Backend method returned a valid tuple (-1, -1) but the good and bad count is NO_DATA (-1).',
    ]);
  });

  it('valid missing: NO_DATA for both (slo-generator: good and -1 - good)', async () => {
    const report = await oneHourReport('valid-missing', 'good_bad_ratio', {
      filter_good: API_GOOD,
      filter_valid: 'http_requests_total{service="nope"}',
    });
    expect(report?.errors).toEqual([
      'Backend method returned a valid tuple (-1, -1) but the good and bad count is NO_DATA (-1).',
    ]);
  });
});

describe('failures', () => {
  it('invalid PromQL: a syntax error naming the field, the other SLOs of the run are fine', async () => {
    const result = await compute(
      [
        slo('ok-before', 'good_bad_ratio', { filter_good: API_GOOD, filter_valid: API_VALID }),
        slo('broken', 'good_bad_ratio', {
          filter_good: 'http_requests_total{service="api"',
          filter_valid: API_VALID,
        }),
        slo('ok-after', 'distribution_cut', { expression: API_BUCKET, threshold_bucket: 0.25 }),
      ],
      shared,
      { timestamp: T },
    );
    const [before, broken, after] = result.results;
    expectCounts(before!.reports, AVAILABILITY);
    expectCounts(after!.reports, LATENCY_250MS);
    expect(broken!.reports).toHaveLength(4);
    broken!.reports.forEach((report, i) => {
      expect(report.valid).toBe(false);
      expect(report.errors).toHaveLength(2);
      expect(i).toBeLessThan(4);
      expect(report.errors[0]).toBe(
        'PromQLError: PromQL syntax error in service_level_indicator.filter_good at line 1, column 34 (at the end): http_requests_total{service="api"',
      );
      expect(report.errors[1]).toBe('Backend returned None.');
    });
  });

  it("an execution error (many-to-many matching) carries Prometheus' errorType and message", async () => {
    const report = await oneHourReport('execution-error', 'query_sli', {
      expression: `sum(rate(${API_VALID}[window])) / on() rate(${API_VALID}[window])`,
    });
    expect(report?.valid).toBe(false);
    expect(report?.errors[0]).toMatch(
      /^PrometheusQueryError: Prometheus backend "prometheus" query failed \(execution: .*matching/,
    );
  });

  it('unreachable Prometheus: invalid reports naming the URL and the cause, no exception', async () => {
    const result = await compute(
      [
        slo(
          'unreachable',
          'good_bad_ratio',
          { filter_good: API_GOOD, filter_valid: API_VALID },
          {
            backend: 'prometheus/down',
          },
        ),
        slo('reachable', 'good_bad_ratio', { filter_good: API_GOOD, filter_valid: API_VALID }),
      ],
      shared,
      { timestamp: T },
    );
    const [down, up] = result.results;
    for (const report of down!.reports) {
      expect(report.valid).toBe(false);
      expect(report.errors[0]).toMatch(
        new RegExp(
          `^PrometheusQueryError: query to Prometheus backend "prometheus/down" at ${downUrl}/api/v1/query could not be sent: .*ECONNREFUSED.* \\(query: sum\\(increase`,
        ),
      );
      expect(report.errors[1]).toBe('Backend returned None.');
    }
    expectCounts(up!.reports, AVAILABILITY);
  });
});

describe('query deduplication', () => {
  const availability = slo(
    'dedup-availability',
    'good_bad_ratio',
    { filter_good: API_GOOD, filter_valid: API_VALID },
    { backend: 'prometheus/counted' },
  );
  const errorsOnly = slo(
    'dedup-no-5xx',
    'good_bad_ratio',
    { filter_good: 'http_requests_total{service="api", code!~"5.."}', filter_valid: API_VALID },
    { backend: 'prometheus/counted' },
  );
  const validQueries = WINDOWS.map((w) => `sum(increase(${API_VALID}[${w}s]))`);

  it('two SLOs sharing filter_valid send it once per window', async () => {
    proxy.reset();
    const result = await compute([availability, errorsOnly], shared, { timestamp: T });
    const sent = proxy.queries();
    expect(sent).toHaveLength(12); // 2 × 4 good queries + 4 shared valid queries
    expect(new Set(sent).size).toBe(12);
    for (const query of validQueries) expect(sent.filter((q) => q === query)).toHaveLength(1);
    expect(proxy.requests.every((r) => r.time === String(T))).toBe(true);
    expectCounts(result.results[0]!.reports, AVAILABILITY);
    expectCounts(result.results[1]!.reports, AVAILABILITY);
  });

  it('with dedup off every SLO sends its own (16 queries) and the reports are identical', async () => {
    const deduped = await compute([availability, errorsOnly], shared, { timestamp: T });
    proxy.reset();
    const plain = await compute([availability, errorsOnly], shared, {
      timestamp: T,
      dedup: false,
      concurrency: 1,
    });
    const sent = proxy.queries();
    expect(sent).toHaveLength(16);
    for (const query of validQueries) expect(sent.filter((q) => q === query)).toHaveLength(2);
    expect(plain.results.map((r) => r.reports)).toEqual(deduped.results.map((r) => r.reports));
  });

  it('identical SLIs in two SLOs (other names) send each PromQL query once per window', async () => {
    proxy.reset();
    const twin = { ...availability, metadata: { ...availability.metadata, name: 'dedup-twin' } };
    const result = await compute([availability, twin], shared, { timestamp: T });
    // The SLO configs differ (name), so the engine calls the backend for each; the backend instance sends
    // each distinct query (good, valid) once per window.
    expect(result.backendCalls).toBe(8);
    expect(proxy.queries()).toHaveLength(8);
    expect(result.results[1]!.reports.map((r) => (r as ValidReport).name)).toEqual(
      Array(4).fill('dedup-twin'),
    );
  });
});
