/**
 * The dashboard's entry point: picks the page from `location.pathname` (`/`, `/slos/<name>`, `/events`),
 * loads its data from the JSON API, renders it, and refreshes every 30 s while the tab is visible. A failed
 * refresh keeps the last good content and says what failed.
 */
import { ChartSet } from './charts.js';
import { h } from './dom.js';
import { errorBox } from './pages/common.js';
import { eventsPage } from './pages/events.js';
import { overviewPage } from './pages/overview.js';
import { sloPage } from './pages/slo.js';

/** Refresh period, milliseconds. */
const REFRESH_MS = 30_000;

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const refreshState = /** @type {HTMLElement} */ (document.getElementById('refresh-state'));
/** The charts of the content on screen. */
let charts = new ChartSet();
let timer = 0;
let loaded = false;

/**
 * A page: `load` reads its data from the API (throws `ApiError`), `render` builds its content, registering
 * its charts in the given set; `navigate` changes the page's query string and renders it again.
 * @typedef {object} Page
 * @property {(params: any) => Promise<any>} load
 * @property {(data: any, charts: ChartSet, navigate: (query: Record<string, string>) => void) => { title: string, node: Node }} render
 */

/**
 * The page for the current URL, with its parameters; `undefined` for an unknown path.
 * @returns {{ page: Page, params: object, nav: string } | undefined}
 */
function route() {
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const query = new URLSearchParams(location.search);
  if (path === '/') return { page: overviewPage, params: {}, nav: 'overview' };
  if (path === '/events') return { page: eventsPage, params: {}, nav: 'events' };
  const slo = /^\/slos\/([^/]+)$/.exec(path);
  if (slo)
    return { page: sloPage, params: { name: decodeURIComponent(slo[1] ?? ''), query }, nav: 'overview' };
  return undefined;
}

/** Replaces the query string of the current page and renders it again. @param {Record<string, string>} query */
function navigate(query) {
  history.replaceState(null, '', `${location.pathname}?${new URLSearchParams(query)}`);
  refresh();
}

async function refresh() {
  clearTimeout(timer);
  const current = route();
  if (!current) {
    charts.destroyAll();
    main.replaceChildren(h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '/' }, 'All SLOs')));
    return;
  }
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.getAttribute('data-nav') === current.nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  refreshState.textContent = 'Refreshing…';
  try {
    const data = await current.page.load(current.params);
    const next = new ChartSet();
    const view = current.page.render(data, next, navigate);
    charts.destroyAll();
    charts = next;
    main.replaceChildren(view.node);
    document.title = `${view.title} · slokit`;
    refreshState.textContent = `Updated ${new Date().toLocaleTimeString()} · every ${REFRESH_MS / 1000} s`;
    loaded = true;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    refreshState.textContent = 'Refresh failed';
    const box = errorBox(
      loaded ? 'Refresh failed; showing the last data.' : 'Could not load this page.',
      message,
    );
    main.querySelector('.error-box')?.remove();
    if (loaded) main.prepend(box);
    else main.replaceChildren(box);
  }
  schedule();
}

function schedule() {
  clearTimeout(timer);
  if (document.visibilityState === 'visible') timer = window.setTimeout(tick, REFRESH_MS);
}

/** A periodic refresh; skipped while the user is choosing an option, so the control keeps its focus. */
function tick() {
  if (document.activeElement instanceof HTMLSelectElement && main.contains(document.activeElement))
    schedule();
  else refresh();
}

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') refresh();
  else clearTimeout(timer);
});
// Chart colours are read from CSS when charts are drawn: redraw when the theme changes.
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => refresh());
refresh();
