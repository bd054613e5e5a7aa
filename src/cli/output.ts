/**
 * Renders reports for people (aligned table, SLI and goal in %, burn rate against threshold, alerts coloured)
 * and for machines (JSON array with slo-generator's field names, or YAML).
 */

import { yamlLibrary } from '../config/yaml-library.js';
import type { SloReport, ValidReport } from '../domain/types.js';
import { formatDuration } from '../lang/duration.js';
import type { OutputFormat } from './options.js';

/**
 * Whether to colour output, with the precedence and values of Node's own `tty` colour detection: `FORCE_COLOR`
 * set decides ("", "1", "true", "2", "3" colour; anything else, e.g. "0", does not), else `NO_COLOR` set and
 * not empty (https://no-color.org) disables colours, else colours only on a terminal.
 */
export function colorEnabled(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return ['', '1', 'true', '2', '3'].includes(force);
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY;
}

const ANSI = { red: '\u001b[31m', green: '\u001b[32m', yellow: '\u001b[33m', reset: '\u001b[0m' };

/** A ratio as a percentage with up to 4 decimals: 0.999 → "99.9". */
const percent = (x: number) => (x * 100).toFixed(4).replace(/\.?0+$/, '');

const HEADER = [
  'SLO',
  'STEP',
  'WINDOW',
  'SLI',
  'GOAL',
  'GAP(pp)',
  'BURN RATE',
  'BUDGET LEFT',
  'ALERT',
  'GOOD',
  'BAD',
  'ERRORS',
];
const ALERT_COLUMN = HEADER.indexOf('ALERT');

function row(report: SloReport): string[] {
  const errors = report.errors.join(' | ');
  if (!report.valid) {
    const cells = HEADER.map(() => '');
    cells[0] = report.metadata.name;
    cells[1] = report.error_budget_policy_step_name;
    cells[ALERT_COLUMN] = 'INVALID';
    cells[HEADER.length - 1] = errors;
    return cells;
  }
  const count = (n: number) => (n < 0 ? '-' : String(n));
  return [
    report.name,
    report.error_budget_policy_step_name,
    formatDuration(report.window),
    `${percent(report.sli_measurement)}%`,
    `${percent(report.goal)}%`,
    percent(report.gap),
    `${report.error_budget_burn_rate.toFixed(1)} / ${report.error_budget_burn_rate_threshold}`,
    budgetLeft(report),
    alertCell(report),
    count(report.good_events_count),
    count(report.bad_events_count),
    errors,
  ];
}

/**
 * The BUDGET LEFT cell: the share of the window's error budget not yet consumed, in percent with one decimal
 * (`100 - error_budget_consumed_ratio`; negative when overspent); `-` when the goal leaves no budget (1).
 */
export function budgetLeft(report: ValidReport): string {
  if (report.error_budget_target <= 0) return '-';
  return `${(100 - report.error_budget_consumed_ratio).toFixed(1)}%`;
}

/**
 * The ALERT cell: `ALERT` or `ok`; a multiwindow step adds its short window's burn rate, which decides as
 * much as the long one (`ok (5m: 2.1)`, `ALERT (5m: 16.0)`, `ok (5m: no data)`).
 */
function alertCell(report: ValidReport): string {
  const decision = report.alert ? 'ALERT' : 'ok';
  if (report.short_window === undefined) return decision;
  const burn = report.short_window_error_budget_burn_rate;
  const shortBurn = burn === null || burn === undefined ? 'no data' : burn.toFixed(1);
  return `${decision} (${formatDuration(report.short_window)}: ${shortBurn})`;
}

/**
 * Aligns rows (the first is the header) into columns two spaces apart; the last column is not padded.
 * `tint` may colour a body cell.
 */
export function alignColumns(
  rows: readonly string[][],
  tint?: (cell: string, column: number) => string | undefined,
): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((cells, index) =>
    cells
      .map((cell, c) => {
        const padded = c === cells.length - 1 ? cell : cell.padEnd(widths[c]!);
        const colour = index > 0 ? tint?.(cell, c) : undefined;
        return colour ? `${colour}${padded}${ANSI.reset}` : padded;
      })
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}

/** An aligned text table, one line per SLO and step; `color` adds ANSI colours to the ALERT column. */
export function renderTable(reports: readonly SloReport[], color: boolean): string {
  const tint = (cell: string, column: number) => {
    if (!color || column !== ALERT_COLUMN) return undefined;
    return cell.startsWith('ALERT') ? ANSI.red : cell === 'INVALID' ? ANSI.yellow : ANSI.green;
  };
  return alignColumns([HEADER, ...reports.map(row)], tint);
}

/** Renders reports in the requested format. */
export function render(reports: readonly SloReport[], format: OutputFormat, color = false): string {
  if (format === 'json') return `${JSON.stringify(reports, null, 2)}\n`;
  if (format === 'yaml') return yamlLibrary().stringify(reports);
  return renderTable(reports, color);
}

/**
 * Renders the outcome of `compute --delete`: per SLO and step, the exporters that deleted what they had
 * exported, and the errors of failed deletions.
 */
export function renderDeletions(
  reports: readonly SloReport[],
  deletedBy: ReadonlyMap<SloReport, readonly string[]>,
  format: OutputFormat,
): string {
  const rows = reports.map((r) => ({
    name: r.metadata.name,
    error_budget_policy_step_name: r.error_budget_policy_step_name,
    deleted_from: deletedBy.get(r) ?? [],
    errors: r.errors,
  }));
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (format === 'yaml') return yamlLibrary().stringify(rows);
  const result = (r: (typeof rows)[number]) => {
    const parts = r.deleted_from.length ? [`deleted from ${r.deleted_from.join(', ')}`] : [];
    if (r.errors.length) parts.push(...r.errors);
    return parts.join(' | ') || 'nothing to delete (no exporter with delete)';
  };
  const cells = rows.map((r) => [r.name, r.error_budget_policy_step_name, result(r)]);
  return alignColumns([['SLO', 'STEP', 'RESULT'], ...cells]);
}
