/**
 * A real Prometheus (Debian package) scrapes `slokit events run` while it follows a growing access log: the
 * counters it stores are the events written, `/metrics` passes `promtool check metrics` (apart from the `:`
 * in the counter names, which slo-exporter's own names have), and SIGTERM ends the run with exit 0.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  accessLines,
  type EventsRun,
  eventsRunAvailable,
  expectedCounts,
  LIVE_CONFIG,
  LIVE_RULES,
  startEventsRun,
  total,
  waitForMetrics,
} from '../helpers/events-run.js';
import { type PrometheusServer, startScrapingPrometheus, type VectorSample } from '../helpers/prometheus.js';
import { tempDir } from '../helpers/tmp.js';

const PROMTOOL = process.env.PROMTOOL_BIN ?? 'promtool';
const COUNTER_FAMILIES = [
  'slo_domain:slo_events_total',
  'slo_domain_slo_class:slo_events_total',
  'slo_domain_slo_class_slo_app:slo_events_total',
  'slo_domain_slo_class_slo_app_event_key:slo_events_total',
];

/** promtool's complaints that are not the documented `:` in the counter names. */
function unexpectedLintProblems(exposition: string): string[] {
  const result = spawnSync(PROMTOOL, ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  if (result.error) throw result.error;
  const problems = `${result.stdout}\n${result.stderr}`.split('\n').filter((line) => line.trim() !== '');
  const colon = problems.filter((line) =>
    COUNTER_FAMILIES.some((name) => line === `${name} metric names should not contain ':'`),
  );
  // Exit 0: no problem at all; 3: lint problems only (then they must all be the colon ones).
  if (result.status !== 0 && result.status !== 3) return [`promtool exited ${result.status}`, ...problems];
  return problems.filter((line) => !colon.includes(line));
}

const value = (result: VectorSample[]) => (result.length === 1 ? Number(result[0]!.value[1]) : Number.NaN);

describe.skipIf(!eventsRunAvailable())('Prometheus scrapes events run', () => {
  let dir: ReturnType<typeof tempDir> | undefined;
  let run: EventsRun | undefined;
  let prometheus: PrometheusServer | undefined;
  afterEach(async () => {
    await run?.stop('SIGKILL');
    await prometheus?.stop();
    dir?.cleanup();
  });

  it('sees the counters of the lines appended while it scrapes; /metrics passes promtool; SIGTERM exits 0', async () => {
    dir = tempDir('slokit-events-scrape-');
    dir.write('slo_exporter.yaml', LIVE_CONFIG);
    dir.write('slo_rules.yaml', LIVE_RULES);
    const log = dir.write('access.log', accessLines(0, 40));
    run = await startEventsRun(
      ['--slo-exporter-config', 'slo_exporter.yaml', '--listen', '127.0.0.1:0', '--no-store'],
      dir.root,
    );
    prometheus = await startScrapingPrometheus([{ name: 'slokit-events', targets: [run.target] }]);
    expect((await fetch(`${run.url}/liveness`)).status).toBe(200);
    expect((await fetch(`${run.url}/readiness`)).status).toBe(200);

    // Lines arrive while Prometheus scrapes: the later ones after it has seen the first.
    await prometheus.waitFor('slo_exporter_tailer_lines_read_total', (r) => value(r) === 40);
    appendFileSync(log, accessLines(40, 60));
    const { good, bad } = expectedCounts(0, 100);
    const byResult =
      'sum by (result) (slo_domain:slo_events_total{slo_domain="shop",slo_type="availability"})';
    const seen = await prometheus.waitFor(
      byResult,
      (r) =>
        r.length === 2 &&
        r.every((s) => Number(s.value[1]) > 0) &&
        r.reduce((sum, s) => sum + Number(s.value[1]), 0) === 100,
      30_000,
    );
    const counts = Object.fromEntries(seen.map((s) => [s.metric.result, Number(s.value[1])]));
    expect(counts).toEqual({ success: good, fail: bad });
    // Every level of the cascade was scraped with the same totals.
    for (const family of COUNTER_FAMILIES)
      expect(value(await prometheus.query(`sum(${family})`)), family).toBe(100);
    expect(value(await prometheus.query('slo_exporter_tailer_lines_read_total'))).toBe(100);

    const text = await (await fetch(`${run.url}/metrics`)).text();
    expect(unexpectedLintProblems(text)).toEqual([]);
    await waitForMetrics(run.url, (samples) =>
      expect(total(samples, 'slo_domain:slo_events_total')).toBe(100),
    );

    expect(await run.stop('SIGTERM')).toBe(0);
  });
});
