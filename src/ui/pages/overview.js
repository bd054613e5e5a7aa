/** The overview (`/`): every SLO with its status, SLI vs goal, error budget left and burn rate per window. */
import { listSlos } from '../api.js';
import { h, sloHref } from '../dom.js';
import {
  ago,
  budgetRemainingPercent,
  burnRate,
  duration,
  goalPercent,
  percent,
  STATUS_LABELS,
  STATUS_ORDER,
} from '../format.js';
import { budgetBar, primaryStep, statusChip, stepState } from './common.js';

export const overviewPage = {
  load: listSlos,
  /** @param {{ slos: any[] }} data */
  render(data) {
    const slos = [...data.slos].sort(
      (a, b) => rank(a.status) - rank(b.status) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
    return {
      title: 'SLOs',
      node: h(
        'section',
        { 'aria-labelledby': 'page-title' },
        h('h1', { id: 'page-title' }, 'Service level objectives'),
        summary(slos),
        slos.length === 0
          ? h('p', { class: 'muted' }, 'No SLOs are configured.')
          : h(
              'table',
              { class: 'slo-table cards' },
              h('caption', { class: 'visually-hidden' }, 'SLOs, worst status first'),
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['SLO', 'Status', 'SLI / goal', 'Error budget left', 'Burn rate by window', 'Updated'].map(
                    (label) => h('th', { scope: 'col' }, label),
                  ),
                ),
              ),
              h('tbody', {}, slos.map(row)),
            ),
      ),
    };
  },
};

/** @param {string} status */
function rank(status) {
  const index = STATUS_ORDER.indexOf(status);
  return index < 0 ? STATUS_ORDER.length : index;
}

/** @param {any[]} slos */
function summary(slos) {
  const counts = new Map();
  for (const slo of slos) counts.set(slo.status, (counts.get(slo.status) ?? 0) + 1);
  return h(
    'ul',
    { class: 'status-summary', 'aria-label': 'SLOs by status' },
    STATUS_ORDER.filter((status) => counts.has(status)).map((status) =>
      h(
        'li',
        { class: `chip status-${status}` },
        h('strong', {}, counts.get(status)),
        ` ${STATUS_LABELS[status]}`,
      ),
    ),
  );
}

/** @param {import('../api.js').SloSummary} slo */
function row(slo) {
  const step = primaryStep(slo.steps);
  const latest = step?.latest ?? null;
  const valid = latest?.valid ? latest : null;
  const remaining = budgetRemainingPercent(valid);
  const newest = Math.max(0, ...slo.steps.map((s) => (s.latest?.valid ? s.latest.timestamp : 0)));
  const labels = slo.service_name ? [slo.service_name, slo.feature_name].filter(Boolean).join(' · ') : '';
  return h(
    'tr',
    { 'data-slo': slo.name, class: `row-${slo.status}` },
    h(
      'th',
      { scope: 'row', 'data-label': 'SLO' },
      h('a', { href: sloHref(slo.name), class: 'slo-link' }, slo.name),
      labels && h('span', { class: 'muted small block' }, labels),
      slo.description && h('span', { class: 'muted small block' }, slo.description),
    ),
    h('td', { 'data-label': 'Status' }, statusChip(slo.status)),
    h(
      'td',
      { 'data-label': 'SLI / goal', class: 'num' },
      h(
        'span',
        { class: valid && valid.sli_measurement < slo.goal ? 'below-goal' : '' },
        percent(valid?.sli_measurement),
      ),
      h(
        'span',
        { class: 'muted small block nowrap' },
        `goal ${goalPercent(slo.goal)}`,
        step && ` · ${duration(step.window)}`,
      ),
    ),
    h('td', { 'data-label': 'Error budget left', class: 'num' }, budgetBar(remaining)),
    h('td', { 'data-label': 'Burn rate by window' }, burnList(slo.steps)),
    h('td', { 'data-label': 'Updated', class: 'muted small nowrap' }, newest > 0 ? ago(newest) : 'never'),
  );
}

/** @param {any[]} steps StepSummary[] */
function burnList(steps) {
  const sorted = [...steps].sort((a, b) => a.window - b.window);
  return h(
    'ul',
    { class: 'burn-list' },
    sorted.map((step) => {
      const state = stepState(step.latest);
      const rate = step.latest?.valid ? step.latest.error_budget_burn_rate : null;
      return h(
        'li',
        {
          class: `burn state-${state}`,
          title: `${step.step}: burn rate ${burnRate(rate)}, alert above ${burnRate(step.burn_rate_threshold)}`,
        },
        h('span', { class: 'burn-window' }, duration(step.window)),
        ' ',
        h('strong', {}, burnRate(rate)),
        h('span', { class: 'muted' }, ` / ${burnRate(step.burn_rate_threshold)}`),
        state === 'alerting' && h('span', { class: 'visually-hidden' }, ' (alerting)'),
      );
    }),
  );
}
