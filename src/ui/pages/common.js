/** Pieces shared by the pages: status chips, the step a summary is judged on, burn-rate states. */
import { h } from '../dom.js';
import { percentValue, STATUS_LABELS } from '../format.js';

/**
 * A status chip: colour and words (colour is never the only signal).
 * @param {string} status one of the serve contract's statuses
 */
export function statusChip(status) {
  const known = Object.hasOwn(STATUS_LABELS, status);
  return h(
    'span',
    { class: `chip status-${known ? status : 'no_data'}`, 'data-status': status },
    known ? STATUS_LABELS[status] : status,
  );
}

/**
 * The step whose latest report the headline numbers show: the longest window (the budget period SREs
 * plan with). `undefined` when the SLO has no steps.
 * @param {import('../api.js').StepSummary[]} steps
 */
export function primaryStep(steps) {
  let best;
  for (const step of steps) if (!best || step.window > best.window) best = step;
  return best;
}

/**
 * The state of one step's latest report, as the overview's and SLO page's burn-rate cells colour it.
 * @param {import('../api.js').Report | null} report
 * @returns {'alerting' | 'burning' | 'ok' | 'invalid' | 'no_data'}
 */
export function stepState(report) {
  if (!report) return 'no_data';
  if (!report.valid) return 'invalid';
  if (report.alert) return 'alerting';
  if (report.error_budget_burn_rate > 1) return 'burning';
  return 'ok';
}

/**
 * An error message block.
 * @param {string} title
 * @param {string} message
 */
export function errorBox(title, message) {
  return h('div', { class: 'error-box', role: 'alert' }, h('strong', {}, title), h('p', {}, message));
}

/**
 * Error budget left as a number and a bar (the bar is decoration: the number says it).
 * @param {number | null} remaining percent of the window's budget
 */
export function budgetBar(remaining) {
  const clamped = remaining === null ? 0 : Math.max(0, Math.min(100, remaining));
  const state =
    remaining === null ? 'no_data' : remaining <= 0 ? 'alerting' : remaining < 25 ? 'burning' : 'ok';
  const fill = h('span', { class: `bar-fill bar-${state}` });
  // CSSOM, not a style attribute: the page's CSP allows no inline styles.
  fill.style.width = `${clamped}%`;
  return h(
    'span',
    { class: 'budget' },
    h('span', { class: `budget-value state-${state}` }, percentValue(remaining)),
    h('span', { class: 'bar', 'aria-hidden': 'true' }, fill),
  );
}
