/**
 * `npm start` end to end, at half the quickstart's traffic (the shares of errors and slow requests are the
 * same; at half, a quiet night hour still needs three login errors to page): the log generator, `slokit events
 * run`, then the REAL `slokit serve` process, which backfills the empty history on start. Checked over HTTP
 * (every SLO has a week of reports; the checkout incident pages on the 1-hour step at its hour, search's slow
 * burn raises a ticket, login never alerts) and in chromium (overview lists the SLOs, a click opens an SLO
 * page whose charts are drawn with data). With SLOKIT_UPDATE_SCREENSHOT=1 (`npm run screenshot`) the
 * README's screenshots (docs/dashboard.png, docs/dashboard-slo.png) are written from this run.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SloReport, ValidReport } from '../../src/domain/types.js';
import { REPO, runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers/tmp.js';
import { launchChromium, openPage, POLL, pixelsOf, screenshot, updateReadmeScreenshot } from './browser.js';

const HOUR = 3600;
const DAY = 86_400;
const SLOS = [
  'checkout-availability',
  'checkout-latency',
  'login-availability',
  'login-latency',
  'search-availability',
  'search-latency',
];
const README_SCREENSHOT = fileURLToPath(new URL('../../docs/dashboard.png', import.meta.url));
const README_SLO_SCREENSHOT = fileURLToPath(new URL('../../docs/dashboard-slo.png', import.meta.url));

let dir: ReturnType<typeof tempDir>;
let serve: ChildProcess | undefined;
let url: string;
let stderr = '';
/** End of the generated week (the hour the test started in), Unix seconds. */
let end: number;
let browser: Browser | undefined;

/** Resolves with the `Dashboard: <url>` line's URL (without the final slash), rejects if serve exits first. */
function dashboardUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^Dashboard: (http:\/\/\S+)\/$/m.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) =>
      reject(new Error(`serve exited (${code}) before the Dashboard line:\n${stderr}`)),
    );
  });
}

beforeAll(async () => {
  dir = tempDir('slokit-quickstart-serve-');
  // The quickstart at the same relative place as in the repository: its paths are relative to the cwd.
  const quickstart = join(dir.root, 'examples/quickstart');
  for (const part of ['slokit.yaml', 'rules', 'slos'])
    cpSync(join(REPO, 'examples/quickstart', part), join(quickstart, part), { recursive: true });
  // The same steps as package.json's `quickstart:prepare`.
  const generated = await promisify(execFile)(process.execPath, [
    join(REPO, 'scripts/generate-quickstart-log.mjs'),
    '--out',
    join(quickstart, 'data/access.log'),
    '--scale',
    '0.5',
    '--ahead',
    '1',
  ]);
  end = Date.parse(/ to (\S+Z),/.exec(generated.stderr)![1]!) / 1000;
  const config = join(dir.root, 'examples/quickstart/slokit.yaml');
  const events = await runCli(['events', 'run', '-c', config, '--listen', '127.0.0.1:0'], { cwd: dir.root });
  expect(events.code, events.stderr).toBe(0);

  serve = spawn(
    process.execPath,
    [join(REPO, 'dist/cli/main.js'), 'serve', '-c', config, '--listen', '127.0.0.1:0'],
    { cwd: dir.root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  serve.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  url = await dashboardUrl(serve);
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (serve && serve.exitCode === null) {
    const exited = new Promise((resolve) => serve!.once('exit', resolve));
    serve.kill('SIGTERM');
    await exited;
  }
  dir?.cleanup();
});

async function get<T>(path: string): Promise<T> {
  const response = await fetch(`${url}${path}`);
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

const validReports = async (slo: string) =>
  (await get<{ reports: SloReport[] }>(`/api/slos/${slo}/reports`)).reports.filter(
    (r): r is ValidReport => r.valid === true,
  );

describe('npm start: the quickstart served with a week of history from the first minute', () => {
  it('backfilled the empty history on start, with progress in the logs, before announcing the dashboard', async () => {
    const messages = stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; done?: number; total?: number; stored?: number });
    const progress = messages.filter((m) => m.msg === 'backfill progress');
    expect(progress.length).toBe(10);
    expect(progress.at(-1)).toMatchObject({ done: progress.at(-1)!.total });
    const done = messages.find((m) => m.msg === 'backfill done')!;
    // 168 or 169 hourly instants (the hour may turn during the test) × 6 SLOs × 4 steps.
    expect([168 * 24, 169 * 24]).toContain(done.stored);
    expect(await (await fetch(`${url}/readyz`)).text()).toBe('ok');
  });

  it('every SLO has a report an hour for the whole week, on every step', async () => {
    const { slos } = await get<{ slos: { name: string; status: string }[] }>('/api/slos');
    expect(slos.map((s) => s.name)).toEqual(SLOS);
    for (const slo of SLOS) {
      const reports = await validReports(slo);
      for (const step of ['1 hour', '6 hours', '1 day', '7 days']) {
        const hours = new Set(
          reports
            .filter((r) => r.error_budget_policy_step_name === step && r.timestamp % HOUR === 0)
            .map((r) => r.timestamp),
        );
        expect(hours.size, `${slo} ${step}`).toBeGreaterThanOrEqual(167);
        expect(Math.min(...hours), `${slo} ${step}`).toBeLessThanOrEqual(end - 7 * DAY + 2 * HOUR);
      }
    }
  });

  it('the checkout incident pages on the 1-hour step at its hour, search burns, login never alerts', async () => {
    const alerts = async (slo: string, step: string) =>
      (await validReports(slo))
        .filter((r) => r.error_budget_policy_step_name === step && r.alert)
        .map((r) => r.timestamp);
    // The incident is 13:10-13:50 on day 5 of the week (scripts/generate-quickstart-log.mjs).
    expect(await alerts('checkout-availability', '1 hour')).toEqual([end - 7 * DAY + 4 * DAY + 14 * HOUR]);
    const search = await validReports('search-latency');
    expect(search.some((r) => r.error_budget_burn_rate > 1)).toBe(true);
    expect(await alerts('search-latency', '1 hour')).toEqual([]);
    expect((await alerts('search-latency', '1 day')).length).toBeGreaterThan(0);
    for (const slo of ['login-availability', 'login-latency'])
      for (const step of ['1 hour', '6 hours', '1 day', '7 days'])
        expect(await alerts(slo, step), `${slo} ${step}`).toEqual([]);
  });
});

describe('the quickstart dashboard in chromium (real serve)', () => {
  it('the overview lists the quickstart SLOs', async () => {
    const { page, problems } = await openPage(browser!, `${url}/`);
    await page.waitForSelector('tr[data-slo]');
    const names = await page.$$eval('tr[data-slo]', (trs) => trs.map((tr) => tr.getAttribute('data-slo')));
    expect(names.toSorted()).toEqual(SLOS);
    expect(problems).toEqual([]);
    await screenshot(page, 'quickstart-overview');
    await updateReadmeScreenshot(page, README_SCREENSHOT);
    await page.context().close();
  });

  it('a click opens an SLO page whose charts are drawn with a week of data', async () => {
    const { page, problems } = await openPage(browser!, `${url}/`);
    await page.getByRole('link', { name: 'checkout-availability' }).click();
    await page.waitForURL('**/slos/checkout-availability');
    await expect.poll(() => page.locator('figure.chart canvas').count(), POLL).toBe(6);
    // SLI, error budget left, then the burn rate of each of the 4 steps: every chart drew its series.
    await expect
      .poll(async () => (await pixelsOf(page, '--series-burn')).slice(2).every((n) => n > 20), POLL)
      .toBe(true);
    expect((await pixelsOf(page, '--series-sli'))[0]).toBeGreaterThan(100);
    expect((await pixelsOf(page, '--series-budget'))[1]).toBeGreaterThan(100);
    expect(problems).toEqual([]);
    await screenshot(page, 'quickstart-slo-checkout-availability');
    await updateReadmeScreenshot(page, README_SLO_SCREENSHOT);
    await page.context().close();
  });
});
