/** The events page (`/events`): the event pipeline's counters and each classification rule's matches. */
import { getEventRules } from '../api.js';
import { h } from '../dom.js';
import { count, percent } from '../format.js';

/**
 * The pipeline's counters (`stats` of `GET /api/events/rules`), in pipeline order: key, label, meaning.
 * @type {[string, string, string][]}
 */
const STATS = [
  ['processed', 'Processed', 'events read by the pipeline'],
  ['slo_events', 'SLO events', 'success/fail events produced by rules'],
  ['unclassified', 'Unclassified', 'events without the metadata the rules need'],
  ['unmatched', 'Unmatched', 'events no rule matched'],
  ['evaluation_errors', 'Evaluation errors', 'rule evaluations that failed'],
  ['malformed', 'Malformed', 'inputs that were not events'],
];

export const eventsPage = {
  load: getEventRules,
  /** @param {{ rules: any[], stats: Record<string, number> }} data */
  render({ rules, stats }) {
    return {
      title: 'Events',
      node: h(
        'section',
        { 'aria-labelledby': 'page-title' },
        h('h1', { id: 'page-title' }, 'Event classification'),
        h('p', { class: 'muted' }, 'Counts since slokit started.'),
        h(
          'dl',
          { class: 'tiles' },
          STATS.map(([key, term, detail]) =>
            h(
              'div',
              {
                class: `tile${(key === 'evaluation_errors' || key === 'malformed') && (stats[key] ?? 0) > 0 ? ' state-burning' : ''}`,
              },
              h('dt', {}, term),
              h(
                'dd',
                {},
                h('span', { class: 'tile-value' }, count(stats[key] ?? 0)),
                h('span', { class: 'muted small block' }, detail),
              ),
            ),
          ),
        ),
        h('h2', {}, 'Rules'),
        rules.length === 0
          ? h('p', { class: 'muted' }, 'No classification rules are configured.')
          : rulesTable(rules),
      ),
    };
  },
};

/** @param {Record<string, unknown> | undefined} map */
function pairs(map) {
  const entries = Object.entries(map ?? {});
  if (entries.length === 0) return h('span', { class: 'muted' }, '—');
  return h(
    'ul',
    { class: 'pairs' },
    entries.map(([key, value]) =>
      h(
        'li',
        {},
        h('span', { class: 'pair-key' }, key),
        '=',
        h('span', { class: 'pair-value' }, String(value)),
      ),
    ),
  );
}

/** @param {any[]} rules */
function rulesTable(rules) {
  const head = ['#', 'Rule', 'SLO matcher', 'Metadata added', 'Success', 'Fail', 'Fail ratio'];
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'rules-table cards' },
      h('caption', { class: 'visually-hidden' }, 'Classification rules and their match counts'),
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
        [...rules]
          .sort((a, b) => a.index - b.index)
          .map((rule) => {
            const total = rule.success + rule.fail;
            return h(
              'tr',
              { 'data-rule': rule.index },
              h('td', { 'data-label': '#', class: 'num' }, rule.index),
              h('th', { scope: 'row', 'data-label': 'Rule' }, h('code', {}, `${rule.file}:${rule.line}`)),
              h('td', { 'data-label': 'SLO matcher' }, pairs(rule.slo_matcher)),
              h('td', { 'data-label': 'Metadata added' }, pairs(rule.additional_metadata)),
              h('td', { 'data-label': 'Success', class: 'num' }, count(rule.success)),
              h('td', { 'data-label': 'Fail', class: 'num' }, count(rule.fail)),
              h(
                'td',
                { 'data-label': 'Fail ratio', class: 'num' },
                total > 0 ? percent(rule.fail / total, 2) : '—',
              ),
            );
          }),
      ),
    ),
  );
}
