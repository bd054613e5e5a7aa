/**
 * Renders reports for people (aligned table, SLI and goal in %, burn rate against threshold, alerts coloured)
 * and for machines (JSON array with slo-generator's field names, or YAML).
 */
import { stringify } from 'yaml';
import type { SloReport } from '../domain/types.js';
import { formatDuration } from '../lang/duration.js';

export type OutputFormat = 'table' | 'json' | 'yaml';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'yaml'];

const ANSI = { red: '\u001b[31m', green: '\u001b[32m', yellow: '\u001b[33m', reset: '\u001b[0m' };

const percent = (x: number) => `${(x * 100).toFixed(4).replace(/\.?0+$/, '')}%`;

function row(report: SloReport): string[] {
  if (!report.valid) {
    return [
      report.metadata.name,
      report.error_budget_policy_step_name,
      '',
      '',
      '',
      '',
      '',
      'INVALID',
      '',
      '',
      report.errors.join(' | '),
    ];
  }
  return [
    report.name,
    report.error_budget_policy_step_name,
    formatDuration(report.window),
    percent(report.sli_measurement),
    percent(report.goal),
    `${(report.gap * 100).toFixed(4).replace(/\.?0+$/, '')}`,
    `${report.error_budget_burn_rate.toFixed(1)} / ${report.error_budget_burn_rate_threshold}`,
    report.alert ? 'ALERT' : 'ok',
    report.good_events_count < 0 ? '-' : String(report.good_events_count),
    report.bad_events_count < 0 ? '-' : String(report.bad_events_count),
    report.errors.join(' | '),
  ];
}

const HEADER = [
  'SLO',
  'STEP',
  'WINDOW',
  'SLI',
  'GOAL',
  'GAP(pp)',
  'BURN RATE',
  'ALERT',
  'GOOD',
  'BAD',
  'ERRORS',
];

/** An aligned text table, one line per SLO and step; `color` adds ANSI colours to the ALERT column. */
export function renderTable(reports: readonly SloReport[], color: boolean): string {
  const rows = [HEADER, ...reports.map(row)];
  const widths = HEADER.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((cells, index) =>
    cells
      .map((cell, c) => {
        const padded = c === cells.length - 1 ? cell : cell.padEnd(widths[c]!);
        if (!color || index === 0 || c !== 7) return padded;
        const tint = cell === 'ALERT' ? ANSI.red : cell === 'INVALID' ? ANSI.yellow : ANSI.green;
        return `${tint}${padded}${ANSI.reset}`;
      })
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}

/** Renders reports in the requested format. */
export function render(reports: readonly SloReport[], format: OutputFormat, color = false): string {
  if (format === 'json') return `${JSON.stringify(reports, null, 2)}\n`;
  if (format === 'yaml') return stringify(reports);
  return renderTable(reports, color);
}
