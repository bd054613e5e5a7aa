/**
 * Report history write and query speed.
 *
 *   npm run build && node bench/history.mjs [reports]   (default 20000 reports)
 *
 * In-process timings (this process, better-sqlite3 on real files in the temporary directory).
 * Writes the same reports (50 SLOs x 4 policy steps x N/200 timestamps, 5 minutes apart) into fresh database
 * files, BENCH_ROUNDS (3) interleaved rounds of: the `history` exporter, one report per call (one transaction
 * each, as `compute` does), then `HistoryStore.insertMany` (one transaction); both files must then hold every
 * report. Then times queries on the filled file, each repeated over the same rounds: a range query of one
 * SLO (all steps, half the time span), the same without the full report JSON, `latest()` over every SLO and
 * `listSlos()`. Min and median of the rounds.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeExporterContext, createExporterContext } from '../dist/exporters/context.js';
import { historyExporter } from '../dist/exporters/history.js';
import { HistoryStore } from '../dist/history/store.js';
import { POLICY_STEPS as STEPS, sloConfig, sloResults, T0 } from './lib/reports.mjs';
import { formatMs, interleaved, mean, roundsFromEnv, summary, time } from './lib/timing.mjs';

const TOTAL = Number(process.argv[2] ?? 20_000);
const ROUNDS = roundsFromEnv(3);
const SLOS = 50;
const STEP_SECONDS = 300;
const TIMESTAMPS = Math.ceil(TOTAL / (SLOS * STEPS.length));

function makeReports() {
  const slos = Array.from({ length: SLOS }, (_, i) =>
    sloConfig(
      `service-${i}-availability`,
      { service_name: `service-${i}`, feature_name: 'api', slo_name: 'availability' },
      { description: `Availability of service ${i}` },
    ),
  );
  const reports = [];
  for (let t = 0; t < TIMESTAMPS; t++) {
    const results = sloResults(slos, {
      timestamp: T0 + t * STEP_SECONDS,
      limit: TOTAL - reports.length,
      counts: (_, step) => {
        const bad = (t * 7 + step.window) % 50;
        return [100_000 - bad, bad];
      },
    });
    for (const result of results) reports.push(...result.reports);
  }
  return reports;
}

const rate = (n, ms) => Math.round(n / (ms / 1000)).toLocaleString('en-US');
const cells = (s) => `${formatMs(s.min).padStart(10)} ${formatMs(s.median).padStart(10)}`;

const dir = mkdtempSync(join(tmpdir(), 'slokit-bench-history-'));
try {
  const reports = makeReports();
  console.log(
    `history (in-process): ${reports.length} reports (${SLOS} SLOs x ${STEPS.length} steps x ${TIMESTAMPS} timestamps), ${ROUNDS} interleaved rounds; node ${process.version}`,
  );

  const failures = [];
  const writes = await interleaved(
    [
      {
        name: 'exporter, one by one',
        run: async (round) => {
          const path = join(dir, `exporter-${round}.db`);
          const context = createExporterContext({ pluginDirs: [] });
          const exporter = historyExporter.create({ path }, context);
          const config = { path, name: 'history' };
          const { ms } = time(() => {
            for (const report of reports) exporter.export(report, config);
          });
          closeExporterContext(context);
          return { ms, path };
        },
      },
      {
        name: 'insertMany, 1 transaction',
        run: async (round) => {
          const path = join(dir, `batch-${round}.db`);
          const store = new HistoryStore(path);
          const { ms, result } = time(() => store.insertMany(reports));
          store.close();
          if (result !== reports.length) failures.push(`insertMany stored ${result}`);
          return { ms, path };
        },
      },
    ],
    ROUNDS,
  );
  for (const runs of writes.values()) {
    for (const { path } of runs) {
      const store = new HistoryStore(path);
      const rows = store.listSlos().length;
      const latest = store.latest().length;
      store.close();
      if (rows !== SLOS || latest !== SLOS * STEPS.length)
        failures.push(`${path}: ${rows} SLOs, ${latest} latest`);
    }
  }
  console.log(
    `\n  ${'writes'.padEnd(26)} ${'min'.padStart(10)} ${'median'.padStart(10)}   reports/s (median)`,
  );
  const [oneByOne, batch] = [...writes.values()].map((runs) => summary(runs.map((r) => r.ms)));
  for (const [name, s] of [...writes.keys()].map((k, i) => [k, [oneByOne, batch][i]])) {
    console.log(`  ${name.padEnd(26)} ${cells(s)}   ${rate(reports.length, s.median)}`);
  }
  if (failures.length) throw new Error(`checks failed: ${failures.join('; ')}`);
  console.log(`  insertMany speed-up: ${(oneByOne.median / batch.median).toFixed(1)}x (median)`);

  const batchPath = join(dir, 'batch-1.db');
  const store = new HistoryStore(batchPath);
  const slo = 'service-7-availability';
  const from = T0 + Math.floor(TIMESTAMPS / 4) * STEP_SECONDS;
  const to = T0 + Math.floor((3 * TIMESTAMPS) / 4) * STEP_SECONDS;
  const rows = store.reports({ slo, from, to }).length;
  const queries = await interleaved(
    [
      ['range query, 1 SLO', () => store.reports({ slo, from, to }), 200, `${rows} rows, full reports`],
      ['  without report JSON', () => store.reports({ slo, from, to, includeReport: false }), 200, ''],
      [
        '  one step',
        () => store.reports({ slo, step: '1 hour', from, to }),
        200,
        `${rows / STEPS.length} rows`,
      ],
      ['latest(), all SLOs', () => store.latest(), 20, `${store.latest().length} rows`],
      ['listSlos()', () => store.listSlos(), 20, ''],
    ].map(([name, fn, calls, note]) => ({ name, run: async () => ({ ms: mean(fn, calls), note }) })),
    ROUNDS,
  );
  console.log(`\n  ${'queries (mean per call)'.padEnd(26)} ${'min'.padStart(10)} ${'median'.padStart(10)}`);
  for (const [name, runs] of queries) {
    console.log(`  ${name.padEnd(26)} ${cells(summary(runs.map((r) => r.ms)))}   ${runs[0].note}`.trimEnd());
  }
  store.close(); // checkpoints the WAL into the file
  const size = [batchPath, `${batchPath}-wal`].filter(existsSync).reduce((n, f) => n + statSync(f).size, 0);
  const json = reports.reduce((n, r) => n + JSON.stringify(r).length, 0) / reports.length;
  console.log(
    `\n  database size: ${(size / 1024 / 1024).toFixed(1)} MiB (${Math.round(size / reports.length)} B/report; report JSON ${Math.round(json)} B)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
