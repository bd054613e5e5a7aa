/**
 * What the browser tests share: Debian's chromium driven by playwright-core (never a downloaded browser),
 * pages that collect their errors, screenshots into test-artifacts/, and the count of pixels a chart series
 * drew. With SLOKIT_UPDATE_SCREENSHOT=1 the README screenshots in docs/ are written too.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/** Polls wait as long as a page load may take on a busy machine (vitest's default is 1 s). */
export const POLL = { timeout: 15_000 };

/** Starts headless chromium (and creates test-artifacts/). */
export function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Chromium's sandbox cannot start as root (CI containers).
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
}

/** `url` in a page of a fresh context, with every page error, console error and CSP violation collected. */
export async function openPage(
  browser: Browser,
  url: string,
  options: BrowserContextOptions = {},
): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.goto(url);
  return { page, problems };
}

/** The whole page into test-artifacts/<name>.png; returns the file. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = `${ARTIFACTS}${name}.png`;
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** With SLOKIT_UPDATE_SCREENSHOT=1: the page, as tall as its content, into `file` (docs/, for the README). */
export async function updateReadmeScreenshot(page: Page, file: string): Promise<void> {
  if (process.env.SLOKIT_UPDATE_SCREENSHOT !== '1') return;
  mkdirSync(dirname(file), { recursive: true });
  await page.setViewportSize({ width: 1280, height: 300 });
  await page.screenshot({ path: file, fullPage: true });
}

/**
 * The browser globals the page-side callbacks below use. The test program has no DOM lib (it would retype Node's
 * fetch for every other test), so the page-side code reaches them through this typed view.
 */
export interface PageGlobals {
  document: {
    body: object;
    documentElement: object;
    querySelectorAll(
      selector: string,
    ): Iterable<{ className: string; querySelector(s: string): PageCanvas | null }>;
  };
  getComputedStyle(element: object): {
    getPropertyValue(name: string): string;
    color: string;
    backgroundColor: string;
  };
}

interface PageCanvas {
  width: number;
  height: number;
  getContext(
    kind: '2d',
  ): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}

/**
 * Per chart on the page (in document order), how many canvas pixels have the colour of the CSS custom
 * property `variable` (within a small tolerance for antialiasing): > 0 means uPlot drew that series.
 */
export function pixelsOf(page: Page, variable: string): Promise<number[]> {
  return page.evaluate((name) => {
    const { document, getComputedStyle } = globalThis as unknown as PageGlobals;
    const hex = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    const want = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
    return [...document.querySelectorAll('figure.chart')].map((figure) => {
      const canvas = figure.querySelector('canvas');
      if (!canvas) return 0;
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let count = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        if (
          pixels[i + 3]! > 200 &&
          Math.abs(pixels[i]! - want[0]!) < 24 &&
          Math.abs(pixels[i + 1]! - want[1]!) < 24 &&
          Math.abs(pixels[i + 2]! - want[2]!) < 24
        ) {
          count++;
        }
      }
      return count;
    });
  }, variable);
}
