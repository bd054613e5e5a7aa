/**
 * A stand-in for `slokit serve` in dashboard tests: a real fastify server on 127.0.0.1 with the real
 * `dashboardRoutes` plus hand-written handlers of the serve contract's read endpoints (`GET /api/slos`,
 * `/api/slos/:name`, `/api/slos/:name/reports`, `/api/events/rules`) answering fixture data. Browser tests
 * take a base URL, so the same tests can later run against the real `serve`.
 *
 * Fixture: three SLOs with a week of hourly reports for each step of a 4-step policy (1h/12h/7d/28d
 * windows, thresholds 9/3/1.5/1, short windows 5m and 1h on the first two), built by the real report
 * code (`buildReport`) from a deterministic hourly traffic model:
 * - `checkout-availability` (goal 99.9 %): steady, `ok`;
 * - `search-latency` (goal 99 %): a slow burn over the last 36 h (burn rate ≈ 1.2), `burning`;
 * - `payments-availability` (goal 99.9 %): a sharp incident in the last 3 h (burn rate ≈ 20), `alerting`.
 * Plus an events-rules fixture whose metadata holds markup (untrusted strings must show as text).
 */

import Fastify, { type FastifyInstance } from 'fastify';
import { buildReport } from '../../src/domain/report.js';
import type { PolicyStep, SloConfig, SloReport } from '../../src/domain/types.js';
import { dashboardRoutes } from '../../src/server/dashboard-routes.js';

const HOUR = 3600;
const DAY = 24 * HOUR;

/** The fixture's error budget policy (slo-generator's usual 4 steps, with slokit short windows). */
export const FIXTURE_STEPS: readonly PolicyStep[] = [
  step('1 hour', HOUR, 9, 300),
  step('12 hours', 12 * HOUR, 3, HOUR),
  step('7 days', 7 * DAY, 1.5),
  step('28 days', 28 * DAY, 1),
];

function step(name: string, window: number, threshold: number, shortWindow?: number): PolicyStep {
  return {
    name,
    window,
    burn_rate_threshold: threshold,
    message_alert: 'Page the on-call',
    message_ok: 'Last hour on track',
    ...(shortWindow === undefined ? {} : { short_window: shortWindow }),
  };
}

/** One fixture SLO: its config, the status its latest reports must give, and its bad ratio per hour. */
interface FixtureSlo {
  config: SloConfig;
  expectedStatus: 'ok' | 'burning' | 'alerting';
  /** Share of bad events in the hour ending `hoursAgo` hours before now (0 = the newest hour). */
  badRatio(hoursAgo: number): number;
}

function sloConfig(
  name: string,
  goal: number,
  description: string,
  service: string,
  feature: string,
): SloConfig {
  return {
    apiVersion: 'sre.google.com/v2',
    kind: 'ServiceLevelObjective',
    metadata: {
      name,
      labels: { service_name: service, feature_name: feature, slo_name: name.split('-')[1]! },
    },
    spec: {
      description,
      backend: 'events',
      method: 'good_bad_ratio',
      service_level_indicator: {},
      goal,
      error_budget_policy: 'default',
    },
  };
}

/** The three SLOs, names sorted as `GET /api/slos` sorts them. */
export const FIXTURE_SLOS: readonly FixtureSlo[] = [
  {
    config: sloConfig('checkout-availability', 0.999, 'Checkout API answers without 5xx', 'shop', 'checkout'),
    expectedStatus: 'ok',
    badRatio: (hoursAgo) => 0.0002 + 0.0001 * Math.sin(hoursAgo / 5) + (hoursAgo === 100 ? 0.004 : 0),
  },
  {
    config: sloConfig(
      'payments-availability',
      0.999,
      'Payments are authorised without error',
      'shop',
      'payments',
    ),
    expectedStatus: 'alerting',
    badRatio: (hoursAgo) => {
      if (hoursAgo < 3) return 0.02;
      if (hoursAgo >= 120 && hoursAgo < 124) return 0.01;
      return 0.0003;
    },
  },
  {
    config: sloConfig('search-latency', 0.99, 'Search answers within 300 ms', 'catalog', 'search'),
    expectedStatus: 'burning',
    badRatio: (hoursAgo) => {
      if (hoursAgo < 36) return 0.0125;
      if (hoursAgo >= 72 && hoursAgo < 74) return 0.06;
      return 0.004;
    },
  },
];

/**
 * Requests in the hour ending `hoursAgo` hours before now: a daily cycle around 6000 per hour, phased by
 * `hoursAgo` rather than the clock so that every figure the tests check is the same whenever they run.
 */
function requests(hoursAgo: number): number {
  return Math.round(6000 + 3000 * Math.sin((2 * Math.PI * (hoursAgo - 8)) / 24));
}

/** Reports of one SLO: one per step per hour over the last week, oldest first. */
function reportsOf(slo: FixtureSlo, now: number): SloReport[] {
  const longest = Math.max(...FIXTURE_STEPS.map((s) => s.window)) / HOUR;
  const span = 7 * 24 + longest;
  // Hourly buckets, index = hours ago; cumulative sums make each window an O(1) difference.
  const good: number[] = [];
  const bad: number[] = [];
  for (let ago = 0; ago < span; ago++) {
    const total = requests(ago);
    const badCount = Math.round(total * slo.badRatio(ago));
    good.push(total - badCount);
    bad.push(badCount);
  }
  const sum = (values: number[], fromAgo: number, hours: number) => {
    let total = 0;
    for (let i = fromAgo; i < fromAgo + hours; i++) total += values[i] ?? 0;
    return total;
  };
  const reports: SloReport[] = [];
  for (let ago = 7 * 24 - 1; ago >= 0; ago--) {
    for (const policyStep of FIXTURE_STEPS) {
      const hours = policyStep.window / HOUR;
      const short = policyStep.short_window;
      const shortFraction = short === undefined ? 1 : short / HOUR;
      reports.push(
        buildReport({
          slo: slo.config,
          step: policyStep,
          timestamp: now - ago * HOUR,
          result: [sum(good, ago, hours), sum(bad, ago, hours)],
          ...(short === undefined
            ? {}
            : {
                shortWindow: {
                  result: [
                    Math.round((good[ago] ?? 0) * shortFraction),
                    Math.round((bad[ago] ?? 0) * shortFraction),
                  ],
                },
              }),
        }),
      );
    }
  }
  return reports;
}

/** The contract's status from the latest report of each step. */
function statusOf(latest: (SloReport | null)[]): string {
  if (latest.every((r) => r === null)) return 'no_data';
  if (latest.some((r) => r !== null && !r.valid)) return 'invalid';
  if (latest.some((r) => r?.valid && r.alert)) return 'alerting';
  if (latest.some((r) => r?.valid && r.error_budget_burn_rate > 1)) return 'burning';
  return 'ok';
}

/** The events page fixture (`GET /api/events/rules`). */
export const FIXTURE_EVENT_RULES = {
  rules: [
    {
      index: 0,
      file: 'rules/checkout.yaml',
      line: 3,
      slo_matcher: { domain: 'shop', class: 'critical' },
      additional_metadata: { slo_type: 'availability', slo_version: '6' },
      success: 1_523_004,
      fail: 412,
    },
    {
      index: 1,
      file: 'rules/checkout.yaml',
      line: 18,
      slo_matcher: { domain: 'shop', class: 'critical' },
      additional_metadata: { slo_type: 'latency90', slo_version: '6' },
      success: 1_498_221,
      fail: 25_195,
    },
    {
      index: 2,
      file: 'rules/search.yaml',
      line: 3,
      slo_matcher: { domain: 'catalog' },
      additional_metadata: { slo_type: 'latency99', note: '<img src=x onerror="window.__injected=1">' },
      success: 804_112,
      fail: 9_870,
    },
  ],
  stats: {
    processed: 3_900_000,
    unclassified: 1_204,
    unmatched: 26_982,
    evaluation_errors: 0,
    slo_events: 3_860_814,
    malformed: 7,
  },
};

/** A running fixture API. */
export interface DashboardFixtureApi {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The generation time of the fixture's newest reports, Unix seconds (a whole hour). */
  now: number;
  /** Expected status per SLO name. */
  expectedStatuses: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts the fixture API on an ephemeral loopback port. `now` (Unix seconds) is the time of the newest
 * reports; default: the current hour, so the dashboard's "last 7 days" range holds the whole week.
 */
export async function startDashboardFixtureApi(options: { now?: number } = {}): Promise<DashboardFixtureApi> {
  const now = options.now ?? Math.floor(Date.now() / 1000 / HOUR) * HOUR;
  const data = new Map(
    FIXTURE_SLOS.map((slo) => [slo.config.metadata.name, { slo, reports: reportsOf(slo, now) }]),
  );

  const summaryOf = (name: string) => {
    const { slo, reports } = data.get(name)!;
    const steps = FIXTURE_STEPS.map((s) => {
      const own = reports.filter((r) => r.error_budget_policy_step_name === s.name);
      return {
        step: s.name,
        window: s.window,
        burn_rate_threshold: s.burn_rate_threshold,
        latest: own.at(-1) ?? null,
      };
    });
    const labels = slo.config.metadata.labels ?? {};
    return {
      name,
      service_name: labels.service_name,
      feature_name: labels.feature_name,
      slo_name: labels.slo_name,
      description: slo.config.spec.description,
      goal: slo.config.spec.goal,
      backend: slo.config.spec.backend,
      status: statusOf(steps.map((s) => s.latest)),
      steps,
    };
  };

  const app: FastifyInstance = Fastify({ logger: false });
  await app.register(dashboardRoutes);
  app.get('/api/slos', async () => ({
    slos: [...data.keys()].sort().map(summaryOf),
    generated_at: now,
  }));
  app.get<{ Params: { name: string } }>('/api/slos/:name', async (request, reply) => {
    if (!data.has(request.params.name)) return reply.code(404).send({ error: 'unknown SLO' });
    return summaryOf(request.params.name);
  });
  app.get<{ Params: { name: string }; Querystring: { step?: string; from?: string; to?: string } }>(
    '/api/slos/:name/reports',
    async (request, reply) => {
      const entry = data.get(request.params.name);
      if (!entry) return reply.code(404).send({ error: 'unknown SLO' });
      const to = request.query.to === undefined ? Date.now() / 1000 : Number(request.query.to);
      const from = request.query.from === undefined ? to - 7 * DAY : Number(request.query.from);
      if (!Number.isFinite(from) || !Number.isFinite(to)) {
        return reply.code(400).send({ error: 'from and to must be Unix seconds' });
      }
      const reports = entry.reports.filter(
        (r) =>
          r.valid &&
          r.timestamp >= from &&
          r.timestamp <= to &&
          (request.query.step === undefined || r.error_budget_policy_step_name === request.query.step),
      );
      return { reports };
    },
  );
  app.get('/api/events/rules', async () => FIXTURE_EVENT_RULES);

  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('fixture API: no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    now,
    expectedStatuses: Object.fromEntries(FIXTURE_SLOS.map((s) => [s.config.metadata.name, s.expectedStatus])),
    close: () => app.close(),
  };
}
