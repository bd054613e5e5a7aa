/**
 * The dashboard in a real browser: Debian's chromium driven by playwright-core (never a downloaded browser),
 * against the fixture API (test/helpers/dashboard-fixture-api.ts: real fastify, real dashboardRoutes).
 * Screenshots go to test-artifacts/ (the README's come from the real quickstart: quickstart-serve.test.ts).
 */
import type { Browser, BrowserContextOptions } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardFixtureApi, startDashboardFixtureApi } from '../helpers/dashboard-fixture-api.js';
import { launchChromium, openPage, type PageGlobals, POLL, pixelsOf, screenshot } from './browser.js';

let api: DashboardFixtureApi;
let browser: Browser;

beforeAll(async () => {
  api = await startDashboardFixtureApi();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

/** A fixture API page (browser.ts `openPage`). */
const open = (path: string, options: BrowserContextOptions = {}) =>
  openPage(browser, `${api.url}${path}`, options);

/** WCAG 2 contrast ratio of two CSS `rgb()`/`rgba()` colours (alpha ignored). */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r, g, bl] = (color.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((c) => {
      const v = Number(c) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (high! + 0.05) / (low! + 0.05);
}

describe('dashboard in chromium', () => {
  it('the overview lists every SLO with its status, worst first, and its numbers', async () => {
    const { page, problems } = await open('/');
    await page.waitForSelector('tr[data-slo]');
    const rows = await page.$$eval('tr[data-slo]', (trs) =>
      trs.map((tr) => {
        const chip = tr.querySelector('[data-status]')!;
        return {
          name: tr.getAttribute('data-slo'),
          status: chip.getAttribute('data-status'),
          label: chip.textContent,
          budget: tr.querySelector('.budget-value')!.textContent,
          burns: [...tr.querySelectorAll('.burn')].map((li) => [li.textContent, li.className]),
        };
      }),
    );
    expect(rows.map((r) => [r.name, r.status, r.label])).toEqual([
      ['payments-availability', 'alerting', 'Alerting'],
      ['search-latency', 'burning', 'Burning'],
      ['checkout-availability', 'ok', 'OK'],
    ]);
    expect(Object.fromEntries(rows.map((r) => [r.name, r.status]))).toEqual(api.expectedStatuses);

    // Error budget left is the longest window's (28 days): 100 − its consumed percent.
    const summaries = (await page.evaluate(() => fetch('/api/slos').then((r) => r.json()))) as {
      slos: { name: string; steps: { step: string; latest: { error_budget_consumed_ratio: number } }[] }[];
    };
    for (const slo of summaries.slos) {
      const longest = slo.steps.find((s) => s.step === '28 days')!;
      const row = rows.find((r) => r.name === slo.name)!;
      expect(row.budget).toBe(`${(100 - longest.latest.error_budget_consumed_ratio).toFixed(1)} %`);
    }
    // The 1-hour burn rate of the alerting SLO (20× against 9×) is marked alerting.
    expect(rows[0]!.burns[0]).toEqual(['1h 20× / 9× (alerting)', 'burn state-alerting']);
    expect(await page.locator('.status-summary').textContent()).toBe('1 Alerting1 Burning1 OK');
    expect(problems).toEqual([]);

    await screenshot(page, 'overview');
    await page.context().close();
  });

  it('a click on an SLO opens its page, whose charts are drawn with data', async () => {
    const { page, problems } = await open('/');
    await page.getByRole('link', { name: 'payments-availability' }).click();
    await page.waitForURL('**/slos/payments-availability');
    await expect.poll(() => page.locator('h1').textContent(), POLL).toBe('payments-availability Alerting');
    // SLI, error budget, then one burn-rate chart per step: wait until every chart has drawn its series.
    await expect.poll(() => page.locator('figure.chart canvas').count(), POLL).toBe(6);
    expect(await page.locator('figure.chart').count()).toBe(6);
    await expect
      .poll(async () => (await pixelsOf(page, '--series-burn')).slice(2).every((n) => n > 20), POLL)
      .toBe(true);
    const sli = await pixelsOf(page, '--series-sli');
    const budget = await pixelsOf(page, '--series-budget');
    const threshold = await pixelsOf(page, '--threshold');
    const short = await pixelsOf(page, '--series-short');
    expect(sli[0]).toBeGreaterThan(100);
    expect(budget[1]).toBeGreaterThan(100);
    expect(threshold.every((n) => n > 20)).toBe(true);
    // Only the 1-hour and 12-hour steps have a short window: the colour counts tell the charts apart.
    expect(short.slice(2).map((n) => n > 20)).toEqual([true, true, false, false]);

    const captions = await page.locator('figure.chart figcaption').allTextContents();
    expect(captions).toEqual([
      'SLI over 28d (28 days)',
      'Error budget left over 28d (28 days)',
      '1 hour: 1h window, alert above 9×',
      '12 hours: 12h window, alert above 3×',
      '7 days: 7d window, alert above 1.5×',
      '28 days: 28d window, alert above 1×',
    ]);
    const alertStates = await page.$$eval('.alert-table tbody tr', (trs) =>
      trs.map((tr) => [
        tr.getAttribute('data-step'),
        tr.querySelector('[data-status]')?.getAttribute('data-status'),
      ]),
    );
    expect(alertStates).toEqual([
      ['1 hour', 'alerting'],
      ['12 hours', 'alerting'],
      ['7 days', 'ok'],
      ['28 days', 'ok'],
    ]);
    expect(await page.locator('.report-table tbody tr').count()).toBe(4);
    expect(problems).toEqual([]);
    await screenshot(page, 'slo-payments-availability');
    await page.context().close();
  });

  it('the step and range controls choose what the charts show', async () => {
    const { page, problems } = await open('/slos/search-latency');
    await page.waitForSelector('figure.chart canvas');
    await page.getByLabel('Policy step').selectOption('1 hour');
    await expect
      .poll(() => page.locator('figure.chart figcaption').first().textContent(), POLL)
      .toBe('SLI over 1h (1 hour)');
    expect(new URL(page.url()).searchParams.get('step')).toBe('1 hour');

    const reportsRequest = page.waitForRequest((request) => request.url().includes('/reports?'));
    await page.getByLabel('Range').selectOption('1d');
    const query = new URL((await reportsRequest).url()).searchParams;
    expect(Number(query.get('to')) - Number(query.get('from'))).toBeGreaterThanOrEqual(86_400);
    expect(Number(query.get('to')) - Number(query.get('from'))).toBeLessThanOrEqual(86_401);
    expect(new URL(page.url()).searchParams.get('range')).toBe('1d');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('the events page lists the rules with their counts and shows markup as text', async () => {
    const { page, problems } = await open('/events');
    await page.waitForSelector('tr[data-rule]');
    const rules = await page.$$eval('tr[data-rule]', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('th, td')].map((cell) => cell.textContent)),
    );
    expect(rules).toEqual([
      [
        '0',
        'rules/checkout.yaml:3',
        'domain=shopclass=critical',
        'slo_type=availabilityslo_version=6',
        '1,523,004',
        '412',
        '0.03 %',
      ],
      [
        '1',
        'rules/checkout.yaml:18',
        'domain=shopclass=critical',
        'slo_type=latency90slo_version=6',
        '1,498,221',
        '25,195',
        '1.65 %',
      ],
      [
        '2',
        'rules/search.yaml:3',
        'domain=catalog',
        'slo_type=latency99note=<img src=x onerror="window.__injected=1">',
        '804,112',
        '9,870',
        '1.21 %',
      ],
    ]);
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.evaluate('window.__injected')).toBeUndefined();
    expect(await page.locator('.tiles .tile-value').allTextContents()).toEqual([
      '3,900,000',
      '3,860,814',
      '1,204',
      '26,982',
      '0',
      '7',
    ]);
    expect(problems).toEqual([]);
    await screenshot(page, 'events');
    await page.context().close();
  });

  it("an unknown SLO's page says the API's reason", async () => {
    const { page } = await open('/slos/no-such-slo');
    await expect
      .poll(() => page.locator('.error-box').textContent(), POLL)
      .toBe('Could not load this page./api/slos/no-such-slo: 404 unknown SLO');
    await page.context().close();
  });

  it('refreshes every 30 s, and keeps the last data with the reason when a refresh fails', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.clock.install();
    const reads: number[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/slos') reads.push(reads.length + 1);
    });
    await page.goto(`${api.url}/`);
    await page.waitForSelector('tr[data-slo]');
    expect(reads).toEqual([1]);

    await page.clock.runFor(29_000);
    expect(reads).toEqual([1]);
    await page.clock.runFor(1_000);
    await expect.poll(() => reads.length, POLL).toBe(2);
    await expect.poll(() => page.locator('#refresh-state').textContent(), POLL).toMatch(/^Updated /);

    await page.route('**/api/slos', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: '{"error":"history unavailable"}',
      }),
    );
    await page.clock.runFor(30_000);
    await expect
      .poll(() => page.locator('.error-box').textContent(), POLL)
      .toBe('Refresh failed; showing the last data./api/slos: 503 history unavailable');
    expect(await page.locator('tr[data-slo]').count()).toBe(3);
    expect(await page.locator('#refresh-state').textContent()).toBe('Refresh failed');

    await page.unroute('**/api/slos');
    await page.clock.runFor(30_000);
    await expect.poll(() => page.locator('.error-box').count(), POLL).toBe(0);
    expect(await page.locator('tr[data-slo]').count()).toBe(3);
    await context.close();
  });

  it('fits a narrow window without horizontal scrolling', async () => {
    for (const path of ['/', '/slos/payments-availability', '/events']) {
      const { page, problems } = await open(path, { viewport: { width: 390, height: 844 } });
      await page.waitForSelector('main table');
      if (path.startsWith('/slos/')) await page.waitForSelector('figure.chart canvas');
      const [scrollWidth, clientWidth] = (await page.evaluate(
        '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
      )) as [number, number];
      expect(scrollWidth, path).toBeLessThanOrEqual(clientWidth);
      expect(problems).toEqual([]);
      await screenshot(page, `narrow${path === '/' ? '-overview' : path.replaceAll('/', '-')}`);
      await page.context().close();
    }
  });

  it.each(['light', 'dark'] as const)(
    'status chips and muted text keep a 4.5:1 contrast (%s)',
    async (scheme) => {
      const { page } = await open('/', { colorScheme: scheme });
      await page.waitForSelector('tr[data-slo]');
      const pairs = await page.evaluate(() => {
        const { document, getComputedStyle } = globalThis as unknown as PageGlobals;
        const page = getComputedStyle(document.body).backgroundColor;
        return [...document.querySelectorAll('.chip, .muted')].map((element) => {
          const style = getComputedStyle(element);
          const background = style.backgroundColor === 'rgba(0, 0, 0, 0)' ? page : style.backgroundColor;
          return [element.className, style.color, background] as const;
        });
      });
      expect(pairs.length).toBeGreaterThan(6);
      for (const [name, color, background] of pairs)
        expect(contrast(color, background), name).toBeGreaterThanOrEqual(4.5);
      await page.context().close();
    },
  );

  it.each(['light', 'dark'] as const)(
    'shows SLOs without data and with invalid reports, legibly (%s)',
    async (scheme) => {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        colorScheme: scheme,
      });
      const page = await context.newPage();
      const steps = (latest: (step: string) => unknown) =>
        ['1 hour', '28 days'].map((step, i) => ({
          step,
          window: i === 0 ? 3600 : 2_419_200,
          burn_rate_threshold: i === 0 ? 9 : 1,
          latest: latest(step),
        }));
      const invalid = {
        name: 'billing-freshness',
        description: 'Invoices are generated within the hour',
        goal: 0.99,
        backend: 'prometheus',
        status: 'invalid',
        steps: steps((step) => ({
          metadata: { name: 'billing-freshness' },
          errors: ['Backend returned None.'],
          error_budget_policy_step_name: step,
          valid: false,
        })),
      };
      const noData = {
        name: 'new-service',
        description: 'Not computed yet',
        goal: 0.999,
        backend: 'events',
        status: 'no_data',
        steps: steps(() => null),
      };
      await page.route('**/api/slos', async (route) => {
        const real = await (await route.fetch()).json();
        await route.fulfill({ json: { ...real, slos: [...real.slos, invalid, noData] } });
      });
      await page.route('**/api/slos/billing-freshness', (route) => route.fulfill({ json: invalid }));
      await page.route('**/api/slos/billing-freshness/reports?*', (route) =>
        route.fulfill({ json: { reports: [] } }),
      );
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));

      await page.goto(`${api.url}/`);
      await page.waitForSelector('tr[data-slo="new-service"]');
      const cells = await page.$$eval('tr[data-slo="billing-freshness"], tr[data-slo="new-service"]', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 3).map((td) => td.textContent)),
      );
      expect(cells).toEqual([
        ['Invalid', '—goal 99 % · 28d', '—'],
        ['No data', '—goal 99.9 % · 28d', '—'],
      ]);
      expect(await page.locator('tr[data-slo="new-service"] td').last().textContent()).toBe('never');
      const chipContrast = await page.$$eval(
        'tr [data-status="invalid"], tr [data-status="no_data"]',
        (chips) =>
          chips.map((chip) => {
            const view = chip.ownerDocument.defaultView;
            const style = view.getComputedStyle(chip);
            return [style.color, style.backgroundColor];
          }),
      );
      expect(chipContrast).toHaveLength(2);
      for (const [color, background] of chipContrast)
        expect(contrast(color!, background!)).toBeGreaterThanOrEqual(4.5);

      await page.getByRole('link', { name: 'billing-freshness' }).click();
      await page.waitForSelector('.report-table');
      expect(await page.locator('.report-table .errors li').allTextContents()).toEqual([
        'Backend returned None.',
        'Backend returned None.',
      ]);
      expect(await page.locator('.chart-area.empty').count()).toBe(4);
      // Without a valid report, no tile claims a state the data does not give.
      expect(await page.$$eval('.tiles .tile', (tiles) => tiles.map((tile) => tile.className))).toEqual([
        'tile',
        'tile state-invalid',
        'tile state-invalid',
        'tile state-invalid',
      ]);
      expect(problems).toEqual([]);
      await screenshot(page, `invalid-slo-${scheme}`);
      await context.close();
    },
  );

  it('follows a dark colour scheme', async () => {
    const { page } = await open('/slos/search-latency', { colorScheme: 'dark' });
    await page.waitForSelector('figure.chart canvas');
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(13, 17, 23)');
    await expect.poll(async () => (await pixelsOf(page, '--series-sli'))[0], POLL).toBeGreaterThan(100);
    await screenshot(page, 'dark-slo-search-latency');
    await page.context().close();
  });
});
