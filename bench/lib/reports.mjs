/**
 * SLO configs and reports for the benchmarks, built by the real report code in `dist/` (run `npm run build`
 * first).
 */
import { buildReport } from '../../dist/domain/report.js';
import { POLICY_STEPS, sloConfig } from './slo-config.mjs';

export { POLICY_STEPS, sloConfig };

/** Timestamp of the first reports: 2023-11-14T22:13:20Z. */
export const T0 = 1_700_000_000;

/**
 * One report per SLO and policy step at `timestamp`, SLO by SLO, `limit` reports at most, as the
 * `{ slo, reports }` results `compute` returns. `counts(index, step)` gives the [good, bad] result of the SLO
 * at `index` of `slos` for `step`.
 */
export function sloResults(
  slos,
  { timestamp, counts, steps = POLICY_STEPS, limit = Number.POSITIVE_INFINITY },
) {
  const results = [];
  let made = 0;
  for (const [index, slo] of slos.entries()) {
    if (made >= limit) break;
    const reports = [];
    for (const step of steps) {
      if (made >= limit) break;
      made++;
      reports.push(buildReport({ slo, step, timestamp, result: counts(index, step) }));
    }
    results.push({ slo, reports });
  }
  return results;
}

/**
 * An availability SLO of the exporter benchmarks: 100 services, one feature per SLO, `env` prod/staging.
 * @param {number} i
 */
export function exporterSlo(i) {
  return sloConfig(
    `svc${i % 100}-feature${i}-availability`,
    {
      service_name: `svc${i % 100}`,
      feature_name: `feature${i}`,
      slo_name: 'availability',
      env: i % 2 ? 'prod' : 'staging',
    },
    { description: 'availability', exporters: ['prometheus'] },
  );
}

/**
 * `count` reports (one per policy step, SLO by SLO, over `exporterSlo`s) as `compute` results; `seed` varies
 * the timestamp and the good/bad counts, so two seeds give every series a new value.
 */
export function exporterResults(count, seed = 0) {
  const slos = Array.from({ length: Math.ceil(count / POLICY_STEPS.length) }, (_, i) => exporterSlo(i));
  return sloResults(slos, {
    timestamp: T0 + seed * 60,
    limit: count,
    counts: (i) => [100_000 + ((i * 7919 + seed * 104_729) % 50_000), (i * 31 + seed * 17) % 300],
  });
}
