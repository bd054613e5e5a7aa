/**
 * The data path of `npm start` on a fixed week, at a fifth of the quickstart's traffic (with less, a single
 * error in a quiet night hour pages): generate the log → `slokit events run -c` → `slokit backfill` →
 * `slokit compute` on the `events` backend.
 * The incident must page on the 1-hour step at its hour, the slow burn alert on a longer step only, login
 * never.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidReport } from '../../src/domain/types.js';
import { HistoryStore } from '../../src/history/store.js';
import { tempDir } from '../helpers/tmp.js';
import { REPO, runCli } from './run-cli.js';

const HOUR = 3600;
const DAY = 86_400;
const END = 1_764_460_800; // 2025-11-30T00:00:00Z
const START = END - 7 * DAY;
/** The hour after the checkout incident (13:10-13:50 UTC on day 5). */
const AFTER_INCIDENT = START + 4 * DAY + 14 * HOUR;
const SLOS = [
  'checkout-availability',
  'checkout-latency',
  'search-availability',
  'search-latency',
  'login-availability',
  'login-latency',
];

let dir: ReturnType<typeof tempDir>;
let config: string;
let lines: number;

/** Runs the log generator with `args`; resolves with its stderr. */
async function generate(args: string[]): Promise<string> {
  const script = join(REPO, 'scripts/generate-quickstart-log.mjs');
  return (await promisify(execFile)(process.execPath, [script, ...args])).stderr;
}

beforeAll(async () => {
  dir = tempDir('slokit-quickstart-');
  // The config, rules and SLOs only: a local `npm start` leaves its log and history in examples/quickstart.
  for (const part of ['slokit.yaml', 'rules', 'slos'])
    cpSync(join(REPO, 'examples/quickstart', part), join(dir.root, part), { recursive: true });
  const stderr = await generate([
    '--out',
    join(dir.root, 'data/access.log'),
    '--end',
    String(END),
    '--scale',
    '0.2',
  ]);
  lines = Number(/wrote (\d+) lines/.exec(stderr)?.[1]);
  config = join(dir.root, 'slokit.yaml');
  // The week is in the past: keep its buckets (the backend's path is relative to this copy's slokit.yaml).
  const text = readFileSync(config, 'utf8').replace('retention: 35d\n', 'retention: 3650d\n');
  writeFileSync(config, text);
}, 120_000);
afterAll(() => dir?.cleanup());

describe('the quickstart data path', () => {
  it('events run reads every line at its own time, backfill stores every SLO × step × hour once', async () => {
    const run = await runCli(['events', 'run', '-c', config, '--listen', '127.0.0.1:0', '--print-metrics']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`slo_exporter_tailer_lines_read_total ${lines}\n`);
    expect(run.stdout).toContain('slo_exporter_tailer_malformed_lines_total 0\n');
    expect(run.stdout).toContain('slokit_events_timestamp_unparsed_total 0\n');

    const range = ['--from', String(START + HOUR), '--to', String(END), '--every', '1h'];
    const first = await runCli(['backfill', '-c', config, ...range, '--log-level', 'warn']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ instants: 168, stored: 168 * 24, skipped: 0, invalid: 0 });
    const again = await runCli(['backfill', '-c', config, ...range, '--log-level', 'warn']);
    expect(JSON.parse(again.stdout)).toEqual({ instants: 168, stored: 0, skipped: 168 * 24, invalid: 0 });
  }, 300_000);

  it('the history shows the incident paging on the 1-hour step, the slow burn on the 1-day step, login never', () => {
    const history = new HistoryStore(join(dir.root, '.slokit/history.db'), { readonly: true });
    try {
      const alerts = (slo: string, step: string) =>
        history
          .reports({ slo, step, includeReport: false })
          .filter((r) => r.alert)
          .map((r) => r.timestamp);
      expect(alerts('checkout-availability', '1 hour')).toEqual([AFTER_INCIDENT]);
      expect(alerts('search-latency', '1 hour')).toEqual([]);
      expect(alerts('search-latency', '6 hours')).toEqual([]);
      // The creep starts two days before the end: the 1-day window passes 3x burn during the last day.
      const ticket = alerts('search-latency', '1 day');
      expect(ticket.length).toBeGreaterThan(0);
      expect(Math.min(...ticket)).toBeGreaterThan(END - DAY);
      expect(ticket).toContain(END);
      for (const slo of ['login-availability', 'login-latency', 'checkout-latency', 'search-availability'])
        for (const step of ['1 hour', '6 hours', '1 day'])
          expect(alerts(slo, step), `${slo} ${step}`).toEqual([]);
      expect(history.listSlos().map((s) => s.slo)).toEqual(SLOS.toSorted());
    } finally {
      history.close();
    }
  });

  it('compute on the events backend at the hour after the incident: checkout pages, the others do not', async () => {
    // compute -c takes the shared config; slokit.yaml's `slos`, `schedule` and `history` are serve's.
    const shared = join(dir.root, 'shared.yaml');
    writeFileSync(
      shared,
      readFileSync(config, 'utf8')
        .replace(/^slos:.*$/m, '')
        .replace(/^schedule:.*$/m, '')
        .replace(/^history:\n(?: {2}.*\n)+/m, ''),
    );
    const result = await runCli([
      'compute',
      '-f',
      join(dir.root, 'slos'),
      '-c',
      shared,
      '-t',
      String(AFTER_INCIDENT),
      '--output',
      'json',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const reports = JSON.parse(result.stdout) as ValidReport[];
    expect(reports).toHaveLength(24);
    const paging = reports.filter((r) => r.alert).map((r) => `${r.name} ${r.error_budget_policy_step_name}`);
    expect(paging).toContain('checkout-availability 1 hour');
    expect(paging.every((p) => p.startsWith('checkout-availability'))).toBe(true);
    const hour = reports.find((r) => r.name === 'checkout-availability' && r.window === HOUR)!;
    // 35 % of 40 minutes of requests failed: about a quarter of the hour's requests.
    expect(hour.sli_measurement).toBeGreaterThan(0.7);
    expect(hour.sli_measurement).toBeLessThan(0.85);
  });
});

describe('the quickstart log generator', () => {
  it('gives the same bytes for the same arguments; --if-stale keeps a current log, a new --end resets', async () => {
    const out = join(dir.root, 'gen/a.log');
    const small = ['--end', String(END), '--scale', '0.01'];
    await generate(['--out', out, ...small]);
    const first = readFileSync(out);
    await generate(['--out', join(dir.root, 'gen/b.log'), ...small]);
    expect(readFileSync(join(dir.root, 'gen/b.log')).equals(first)).toBe(true);
    expect(first.toString().startsWith('10.')).toBe(true);

    const marker = dir.write('gen/state/marker', 'x');
    const before = statSync(out).mtimeMs;
    await generate(['--out', out, ...small, '--if-stale', '--reset', join(dir.root, 'gen/state')]);
    expect(statSync(out).mtimeMs).toBe(before);
    expect(existsSync(marker)).toBe(true);

    await generate([
      '--out',
      out,
      '--end',
      String(END + HOUR),
      '--scale',
      '0.01',
      '--if-stale',
      '--reset',
      join(dir.root, 'gen/state'),
    ]);
    expect(existsSync(marker)).toBe(false);
    expect(readFileSync(out).equals(first)).toBe(false);
  });
});
