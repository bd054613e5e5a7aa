/**
 * One SLO's page (`/slos/<name>`): headline numbers, SLI and error budget left over time for one step,
 * burn rate per window over time with its alert threshold, the multi-window alert table and the latest
 * reports. `?step=<name>&range=<1d|7d|30d>` choose the step of the first two charts and the time range.
 */
import { getReports, getSlo } from '../api.js';
import { timeChart } from '../charts.js';
import { h } from '../dom.js';
import {
  budgetRemainingPercent,
  burnRate,
  count,
  dateTime,
  duration,
  goalPercent,
  minutes,
  percent,
  percentValue,
} from '../format.js';
import { budgetBar, primaryStep, statusChip, stepState } from './common.js';

/**
 * Selectable time ranges, seconds.
 * @type {Readonly<Record<string, number>>}
 */
export const RANGES = { '1d': 86400, '7d': 7 * 86400, '30d': 30 * 86400 };
const DEFAULT_RANGE = '7d';

export const sloPage = {
  /**
   * @param {{ name: string, query: URLSearchParams }} params
   */
  async load({ name, query }) {
    const requested = query.get('range') ?? '';
    const range = Object.hasOwn(RANGES, requested) ? requested : DEFAULT_RANGE;
    const seconds = /** @type {number} */ (RANGES[range]);
    const to = Date.now() / 1000;
    const [summary, { reports }] = await Promise.all([getSlo(name), getReports(name, to - seconds, to)]);
    return { summary, reports, range, requestedStep: query.get('step') };
  },

  /**
   * @param {{ summary: any, reports: any[], range: string, requestedStep: string | null }} data
   * @param {import('../charts.js').ChartSet} charts
   * @param {(query: Record<string, string>) => void} navigate
   */
  render({ summary, reports, range, requestedStep }, charts, navigate) {
    const steps = [...summary.steps].sort((a, b) => a.window - b.window);
    const step = steps.find((s) => s.step === requestedStep) ?? primaryStep(steps);
    const byStep = groupByStep(reports);
    return {
      title: summary.name,
      node: h(
        'article',
        { 'aria-labelledby': 'page-title' },
        h('p', { class: 'crumbs' }, h('a', { href: '/' }, '← All SLOs')),
        h('h1', { id: 'page-title' }, summary.name, ' ', statusChip(summary.status)),
        summary.description && h('p', { class: 'lead' }, summary.description),
        labels(summary),
        tiles(summary, step),
        controls(steps, step, range, navigate),
        h(
          'section',
          { 'aria-labelledby': 'budget-title', class: 'charts-2' },
          h('h2', { id: 'budget-title', class: 'visually-hidden' }, 'SLI and error budget over time'),
          step && sliChart(summary, step, byStep.get(step.step) ?? [], charts),
          step && budgetChart(step, byStep.get(step.step) ?? [], charts),
        ),
        h(
          'section',
          { 'aria-labelledby': 'burn-title' },
          h('h2', { id: 'burn-title' }, 'Burn rate by window'),
          alertTable(summary, steps),
          h(
            'div',
            { class: 'charts-grid' },
            steps.map((s) => burnChart(s, byStep.get(s.step) ?? [], charts)),
          ),
        ),
        h(
          'section',
          { 'aria-labelledby': 'latest-title' },
          h('h2', { id: 'latest-title' }, 'Latest reports'),
          latestTable(steps),
        ),
      ),
    };
  },
};

/** @param {any[]} reports */
function groupByStep(reports) {
  /** @type {Map<string, any[]>} */
  const groups = new Map();
  for (const report of reports) {
    // Invalid reports carry no timestamp or measurement: nothing to plot.
    if (!report.valid) continue;
    const key = report.error_budget_policy_step_name;
    const group = groups.get(key);
    if (group) group.push(report);
    else groups.set(key, [report]);
  }
  for (const group of groups.values()) group.sort((a, b) => a.timestamp - b.timestamp);
  return groups;
}

/** @param {any} summary */
function labels(summary) {
  const entries = [
    ['Service', summary.service_name],
    ['Feature', summary.feature_name],
    ['SLO', summary.slo_name],
    ['Backend', summary.backend],
  ].filter(([, value]) => value);
  return h(
    'dl',
    { class: 'labels' },
    entries.map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value))),
  );
}

/**
 * @param {any} summary
 * @param {any} step
 */
function tiles(summary, step) {
  const latest = step?.latest?.valid ? step.latest : null;
  const state = stepState(step?.latest ?? null);
  return h(
    'dl',
    { class: 'tiles' },
    tile('Objective', goalPercent(summary.goal), step ? `over ${duration(step.window)}` : ''),
    tile(
      'SLI',
      percent(latest?.sli_measurement),
      latest ? `${count(latest.bad_events_count)} bad of ${count(latest.events_count)}` : 'no valid report',
      latest ? (latest.sli_measurement < summary.goal ? 'alerting' : 'ok') : state,
    ),
    tile(
      'Error budget left',
      percentValue(budgetRemainingPercent(latest)),
      latest
        ? `${minutes(latest.error_budget_remaining_minutes)} of ${minutes(latest.error_budget_minutes)}`
        : '',
      latest ? (latest.error_budget_remaining_minutes <= 0 ? 'alerting' : 'ok') : state,
    ),
    tile(
      'Burn rate',
      burnRate(latest?.error_budget_burn_rate),
      step ? `alert above ${burnRate(step.burn_rate_threshold)}` : '',
      state,
    ),
  );
}

/**
 * @param {string} term
 * @param {string} value
 * @param {string} detail
 * @param {string} [state]
 */
function tile(term, value, detail, state) {
  return h(
    'div',
    { class: `tile${state ? ` state-${state}` : ''}` },
    h('dt', {}, term),
    h(
      'dd',
      {},
      h('span', { class: 'tile-value' }, value),
      detail && h('span', { class: 'muted small block' }, detail),
    ),
  );
}

/**
 * @param {any[]} steps
 * @param {any} current
 * @param {string} range
 * @param {(query: Record<string, string>) => void} navigate
 */
function controls(steps, current, range, navigate) {
  const stepSelect = h(
    'select',
    { id: 'step-select', name: 'step' },
    steps.map((s) =>
      h('option', { value: s.step, selected: s === current }, `${s.step} (${duration(s.window)})`),
    ),
  );
  const rangeSelect = h(
    'select',
    { id: 'range-select', name: 'range' },
    Object.keys(RANGES).map((key) => h('option', { value: key, selected: key === range }, `last ${key}`)),
  );
  const update = () => navigate({ step: stepSelect.value, range: rangeSelect.value });
  stepSelect.addEventListener('change', update);
  rangeSelect.addEventListener('change', update);
  return h(
    'form',
    { class: 'controls', 'aria-label': 'Chart options' },
    h('label', { for: 'step-select' }, 'Policy step'),
    stepSelect,
    h('label', { for: 'range-select' }, 'Range'),
    rangeSelect,
  );
}

/**
 * @param {any} summary
 * @param {any} step
 * @param {any[]} reports valid reports of the step, oldest first
 * @param {import('../charts.js').ChartSet} charts
 */
function sliChart(summary, step, reports, charts) {
  const sli = reports.map((r) => r.sli_measurement);
  const low = Math.min(summary.goal, ...sli);
  return timeChart(
    {
      title: `SLI over ${duration(step.window)} (${step.step})`,
      xs: reports.map((r) => r.timestamp),
      series: [
        { label: 'SLI', values: sli, color: '--series-sli' },
        { label: 'Goal', values: reports.map(() => summary.goal), color: '--threshold', dash: [6, 4] },
      ],
      format: (v) => percent(v, sliDigits(summary.goal)),
      // Show the goal and the data with a margin, never above 100 %.
      range: () => {
        const pad = Math.max((1 - low) * 0.15, 1e-5);
        return [Math.max(0, low - pad), 1];
      },
    },
    charts,
  );
}

/** Decimals that tell an SLI from its goal: 99.9 % → 3, 99.99 % → 4. @param {number} goal */
function sliDigits(goal) {
  const decimals = (String(Number((goal * 100).toFixed(6))).split('.')[1] ?? '').length;
  return Math.min(5, Math.max(2, decimals + 2));
}

/**
 * @param {any} step
 * @param {any[]} reports
 * @param {import('../charts.js').ChartSet} charts
 */
function budgetChart(step, reports, charts) {
  return timeChart(
    {
      title: `Error budget left over ${duration(step.window)} (${step.step})`,
      xs: reports.map((r) => r.timestamp),
      series: [
        { label: 'Budget left', values: reports.map(budgetRemainingPercent), color: '--series-budget' },
        { label: 'Exhausted', values: reports.map(() => 0), color: '--threshold', dash: [6, 4] },
      ],
      format: (v) => `${Number(v.toFixed(1))} %`,
      range: (min, max) => [Math.min(0, min), Math.max(100, max)],
    },
    charts,
  );
}

/**
 * @param {any} step
 * @param {any[]} reports
 * @param {import('../charts.js').ChartSet} charts
 */
function burnChart(step, reports, charts) {
  // The short window first, thinner: the step's own burn rate is drawn over it.
  const series = [];
  if (reports.some((r) => r.short_window !== undefined)) {
    series.push({
      label: `Short window ${duration(reports.find((r) => r.short_window !== undefined).short_window)}`,
      values: reports.map((r) => r.short_window_error_budget_burn_rate ?? null),
      color: '--series-short',
      width: 1,
    });
  }
  series.push({
    label: `Burn rate ${duration(step.window)}`,
    values: reports.map((r) => r.error_budget_burn_rate),
    color: '--series-burn',
  });
  series.push({
    label: 'Threshold',
    values: reports.map(() => step.burn_rate_threshold),
    color: '--threshold',
    dash: [6, 4],
  });
  return timeChart(
    {
      title: `${step.step}: ${duration(step.window)} window, alert above ${burnRate(step.burn_rate_threshold)}`,
      xs: reports.map((r) => r.timestamp),
      series,
      format: (v) => burnRate(v),
      height: 180,
      range: (_min, max) => [0, Math.max(max, step.burn_rate_threshold) * 1.1],
    },
    charts,
  );
}

/**
 * The multi-window alert table (as Pyrra's): one row per step, coloured by state.
 * @param {any} summary
 * @param {any[]} steps
 */
function alertTable(summary, steps) {
  const head = ['Step', 'Window', 'Burn rate', 'Short window', 'Threshold', 'Exhaustion', 'State'];
  return h(
    'table',
    { class: 'alert-table cards' },
    h('caption', { class: 'visually-hidden' }, `Burn-rate alerts of ${summary.name}`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        head.map((label) => h('th', { scope: 'col' }, label)),
      ),
    ),
    h(
      'tbody',
      {},
      steps.map((step) => {
        const latest = step.latest?.valid ? step.latest : null;
        const state = stepState(step.latest);
        const short =
          latest?.short_window === undefined
            ? '—'
            : `${burnRate(latest.short_window_error_budget_burn_rate)} over ${duration(latest.short_window)}`;
        return h(
          'tr',
          { class: `row-${state}`, 'data-step': step.step },
          h('th', { scope: 'row', 'data-label': 'Step' }, step.step),
          h('td', { 'data-label': 'Window' }, duration(step.window)),
          h('td', { 'data-label': 'Burn rate', class: 'num' }, burnRate(latest?.error_budget_burn_rate)),
          h('td', { 'data-label': 'Short window', class: 'num' }, short),
          h('td', { 'data-label': 'Threshold', class: 'num' }, burnRate(step.burn_rate_threshold)),
          h(
            'td',
            {
              'data-label': 'Exhaustion',
              title: 'At the threshold burn rate, the whole error budget of the window is spent in this time',
            },
            step.burn_rate_threshold > 0 ? duration(step.window / step.burn_rate_threshold) : '—',
          ),
          h('td', { 'data-label': 'State' }, statusChip(state)),
        );
      }),
    ),
  );
}

/** @param {any[]} steps */
function latestTable(steps) {
  const head = ['Step', 'Time', 'SLI', 'Good', 'Bad', 'Budget left', 'Burn rate', 'Alert', 'Message'];
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'report-table cards' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          head.map((label) => h('th', { scope: 'col' }, label)),
        ),
      ),
      h(
        'tbody',
        {},
        steps.map((step) => {
          const report = step.latest;
          if (!report?.valid) {
            return h(
              'tr',
              { class: `row-${stepState(report)}` },
              h('th', { scope: 'row', 'data-label': 'Step' }, step.step),
              h(
                'td',
                { colspan: head.length - 1, 'data-label': 'Errors' },
                report ? errorList(report.errors) : 'No report yet.',
              ),
            );
          }
          return h(
            'tr',
            { class: `row-${stepState(report)}` },
            h('th', { scope: 'row', 'data-label': 'Step' }, step.step),
            h(
              'td',
              { 'data-label': 'Time' },
              h(
                'time',
                { datetime: new Date(report.timestamp * 1000).toISOString() },
                dateTime(report.timestamp),
              ),
            ),
            h('td', { 'data-label': 'SLI', class: 'num' }, percent(report.sli_measurement)),
            h('td', { 'data-label': 'Good', class: 'num' }, count(report.good_events_count)),
            h('td', { 'data-label': 'Bad', class: 'num' }, count(report.bad_events_count)),
            h('td', { 'data-label': 'Budget left', class: 'num' }, budgetBar(budgetRemainingPercent(report))),
            h('td', { 'data-label': 'Burn rate', class: 'num' }, burnRate(report.error_budget_burn_rate)),
            h('td', { 'data-label': 'Alert' }, report.alert ? 'yes' : 'no'),
            h(
              'td',
              { 'data-label': 'Message' },
              report.consequence_message,
              report.errors.length > 0 && errorList(report.errors),
            ),
          );
        }),
      ),
    ),
  );
}

/**
 * A report's errors (backend failures, failed exports), one item each.
 * @param {string[]} errors
 */
function errorList(errors) {
  return h(
    'ul',
    { class: 'errors' },
    errors.map((error) => h('li', {}, error)),
  );
}
