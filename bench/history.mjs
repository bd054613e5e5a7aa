/**
 * Report history write and query speed.
 *
 *   npm run build && node bench/history.mjs [reports]   (default 20000 reports)
 *
 * Writes the same reports (50 SLOs x 4 policy steps x N/200 timestamps, 5 minutes apart) into a fresh
 * database file twice: once through the `history` exporter, one report per call (one transaction each, as
 * `compute` does), and once through `HistoryStore.insertMany` (one transaction). Then times queries on the
 * filled file: a range query of one SLO (all steps, half the time span), the same without the full report
 * JSON, `latest()` over every SLO and `listSlos()`.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeExporterContext, createExporterContext } from '../dist/exporters/context.js';
import { historyExporter } from '../dist/exporters/history.js';
import { HistoryStore } from '../dist/history/store.js';
import { POLICY_STEPS as STEPS, sloConfig, sloResults, T0 } from './lib/reports.mjs';
import { mean, time } from './lib/timing.mjs';

const TOTAL = Number(process.argv[2] ?? 20_000);
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
const fmt = (ms) => `${ms.toFixed(ms < 10 ? 3 : 1)} ms`;

const dir = mkdtempSync(join(tmpdir(), 'slokit-bench-history-'));
const context = createExporterContext({ pluginDirs: [] });
try {
  const reports = makeReports();
  console.log(
    `history bench: ${reports.length} reports (${SLOS} SLOs x ${STEPS.length} steps x ${TIMESTAMPS} timestamps), node ${process.version}`,
  );

  const exporterPath = join(dir, 'exporter.db');
  const exporterConfig = { path: exporterPath };
  const exporter = historyExporter.create(exporterConfig, context);
  const config = { ...exporterConfig, name: 'history' };
  const oneByOne = time(() => {
    for (const report of reports) exporter.export(report, config);
  });
  closeExporterContext(context);

  const batchPath = join(dir, 'batch.db');
  const store = new HistoryStore(batchPath);
  const batch = time(() => store.insertMany(reports));
  if (batch.result !== reports.length) throw new Error(`insertMany stored ${batch.result}`);

  console.log(
    `exporter, one by one : ${fmt(oneByOne.ms).padStart(10)}  ${rate(reports.length, oneByOne.ms)} reports/s`,
  );
  console.log(
    `insertMany, 1 txn    : ${fmt(batch.ms).padStart(10)}  ${rate(reports.length, batch.ms)} reports/s`,
  );
  console.log(`insertMany speed-up  : ${(oneByOne.ms / batch.ms).toFixed(1)}x`);

  const slo = 'service-7-availability';
  const from = T0 + Math.floor(TIMESTAMPS / 4) * STEP_SECONDS;
  const to = T0 + Math.floor((3 * TIMESTAMPS) / 4) * STEP_SECONDS;
  const rows = store.reports({ slo, from, to }).length;
  const full = mean(() => store.reports({ slo, from, to }), 200);
  const summary = mean(() => store.reports({ slo, from, to, includeReport: false }), 200);
  const oneStep = mean(() => store.reports({ slo, step: '1 hour', from, to }), 200);
  const latest = mean(() => store.latest(), 20);
  const list = mean(() => store.listSlos(), 20);
  console.log(`range query, 1 SLO   : ${fmt(full).padStart(10)}  (${rows} rows, full reports)`);
  console.log(`  without report JSON: ${fmt(summary).padStart(10)}`);
  console.log(`  one step           : ${fmt(oneStep).padStart(10)}  (${rows / STEPS.length} rows)`);
  console.log(`latest(), all SLOs   : ${fmt(latest).padStart(10)}  (${store.latest().length} rows)`);
  console.log(`listSlos()           : ${fmt(list).padStart(10)}`);
  store.close(); // checkpoints the WAL into the file
  const size = [batchPath, `${batchPath}-wal`].filter(existsSync).reduce((n, f) => n + statSync(f).size, 0);
  const json = reports.reduce((n, r) => n + JSON.stringify(r).length, 0) / reports.length;
  console.log(
    `database size        : ${(size / 1024 / 1024).toFixed(1)} MiB (${Math.round(size / reports.length)} B/report; report JSON ${Math.round(json)} B)`,
  );
} finally {
  closeExporterContext(context);
  rmSync(dir, { recursive: true, force: true });
}
