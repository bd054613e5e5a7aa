/**
 * The `events` backend and the `prometheus` backend agree: one access log goes through `slokit events run`
 * (its windowed store on, in a temporary history database) while a real Prometheus scrapes its counters; the
 * same SLO computed by `slokit compute` on `backend: events` and on `backend: prometheus` gives the same
 * report (good and bad counts, SLI, budget, burn rate, alert), and the counts are those of the lines written.
 *
 * Time alignment, so that equality is exact and meaningful:
 * - The store counts each SLO event in the minute it was processed; the events backend sums the minutes
 *   starting in [t − window, t). The whole run takes well under an hour and ends before t (t is taken after
 *   the run exited, plus one second), so a 1-hour and a 12-hour window both hold every event.
 * - Prometheus' `increase()` (the default operators `[increase, sum]`) extrapolates from the first and last
 *   samples in the range to its edges, and a series first scraped at a non-zero value has no sample at 0, so
 *   it would give a close but not exact count. The Prometheus SLO therefore reads the counter's last value
 *   in the window (`last_over_time(...[window])`, then `sum`): the counter started at 0 in this process and
 *   never reset, so its last value is exactly the number of events since the process started, i.e. the
 *   increase over any window that holds the process' whole life.
 * - The test waits until Prometheus has scraped the final values before it stops the run. The stale markers
 *   Prometheus writes once the target is gone are not samples of a range selector, so `last_over_time` at t
 *   still returns the last real value.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SloReport, ValidReport } from '../../src/domain/types.js';
import { runCli } from '../cli/run-cli.js';
import {
  accessLines,
  type EventsRun,
  eventsRunAvailable,
  expectedCounts,
  LIVE_CONFIG,
  LIVE_RULES,
  startEventsRun,
  storeTotals,
} from '../helpers/events-run.js';
import { policyStep, policyStepsYaml, sloYaml } from '../helpers/fixtures.js';
import { type PrometheusServer, startScrapingPrometheus, type VectorSample } from '../helpers/prometheus.js';
import { tempDir } from '../helpers/tmp.js';

const value = (result: VectorSample[]) => (result.length === 1 ? Number(result[0]!.value[1]) : Number.NaN);
const STEPS = [policyStep('1 hour', 3600, 9), policyStep('12 hours', 43_200, 3)];

/** The level-3 counter of the web app's availability events with result `result`, as a PromQL selector. */
const webCounter = (result: 'success' | 'fail') =>
  `slo_domain_slo_class_slo_app:slo_events_total{slo_domain="shop",slo_class="critical",slo_app="web",slo_type="availability",result="${result}"}`;

describe.skipIf(!eventsRunAvailable())('events backend == prometheus backend', () => {
  let dir: ReturnType<typeof tempDir> | undefined;
  let run: EventsRun | undefined;
  let prometheus: PrometheusServer | undefined;
  afterEach(async () => {
    await run?.stop('SIGKILL');
    await prometheus?.stop();
    dir?.cleanup();
  });

  it('the same SLO on both backends gives the same report, counting the lines written', async () => {
    dir = tempDir('slokit-events-backend-');
    const database = join(dir.root, 'history.db');
    dir.write('slo_exporter.yaml', LIVE_CONFIG);
    dir.write('slo_rules.yaml', LIVE_RULES);
    const log = dir.write('access.log', accessLines(0, 200));
    run = await startEventsRun(
      ['--slo-exporter-config', 'slo_exporter.yaml', '--listen', '127.0.0.1:0', '--history-db', database],
      dir.root,
    );
    prometheus = await startScrapingPrometheus([{ name: 'slokit-events', targets: [run.target] }]);
    await prometheus.waitFor('slo_exporter_tailer_lines_read_total', (r) => value(r) === 200);
    appendFileSync(log, accessLines(200, 300));
    // Every event scraped: all 500 in the app-level family the Prometheus SLO reads.
    const scraped = await prometheus.waitFor(
      'sum(slo_domain_slo_class_slo_app:slo_events_total)',
      (r) => value(r) === 500,
      30_000,
    );
    expect(value(scraped)).toBe(500);
    expect(await run.stop('SIGTERM')).toBe(0);
    expect(storeTotals(database)).toEqual({
      good: expectedCounts(0, 500).good,
      bad: expectedCounts(0, 500).bad,
    });

    dir.write(
      'config.yaml',
      `backends:\n  events:\n    path: ${database}\n  prometheus:\n    url: ${prometheus.url}\nexporters: {}\nerror_budget_policies:\n  default:\n    steps:\n${policyStepsYaml(STEPS)}`,
    );
    const slo = { description: 'Availability of the shop web app', method: 'good_bad_ratio', goal: 0.95 };
    dir.write(
      'slos/events.yaml',
      sloYaml({
        ...slo,
        name: 'web-availability-events',
        backend: 'events',
        sli: { domain: 'shop', class: 'critical', app: 'web', slo_type: 'availability' },
      }),
    );
    dir.write(
      'slos/prometheus.yaml',
      sloYaml({
        ...slo,
        name: 'web-availability-prometheus',
        backend: 'prometheus',
        sli: {
          filter_good: `'last_over_time(${webCounter('success')}[window])'`,
          filter_bad: `'last_over_time(${webCounter('fail')}[window])'`,
          operators: '[sum]',
        },
      }),
    );
    const t = Math.floor(Date.now() / 1000) + 1;
    const { code, stdout, stderr } = await runCli(
      [
        'compute',
        '-f',
        join(dir.root, 'slos'),
        '-c',
        join(dir.root, 'config.yaml'),
        '-t',
        String(t),
        '-o',
        'json',
      ],
      { env: { TZ: 'UTC' } },
    );
    expect(code, stderr).toBe(0);
    const all = JSON.parse(stdout) as SloReport[];
    const reports = all.filter((r): r is ValidReport => r.valid);
    expect(reports).toHaveLength(all.length);
    const { good, bad } = expectedCounts(0, 500, 'web');
    for (const step of STEPS) {
      const [events, promql] = ['web-availability-events', 'web-availability-prometheus'].map(
        (name) => reports.find((r) => r.name === name && r.error_budget_policy_step_name === step.name)!,
      );
      expect([events!.good_events_count, events!.bad_events_count], step.name).toEqual([good, bad]);
      // Everything but what names the SLO (name, metadata.name) and its backend.
      const { name: _e, backend: _b, metadata: _m, ...eventsReport } = events!;
      const { name: _p, backend: _q, metadata: _n, ...prometheusReport } = promql!;
      expect(eventsReport, step.name).toEqual(prometheusReport);
    }
  });
});
