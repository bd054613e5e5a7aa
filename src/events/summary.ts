/**
 * The `summary` output of `slokit events classify`: SLO events per domain, class and app and result (sums of
 * quantities), then the counts of what was not classified. A stable, documented text format (README
 * "Events"):
 *
 * ```
 * DOMAIN       CLASS     APP  SUCCESS  FAIL
 * test-domain  critical  web  10       2
 *
 * lines: 14  malformed: 1  events: 13  unclassified: 0  unmatched: 1  evaluation errors: 0  slo events: 12
 * ```
 * Rows are sorted by domain, class, app.
 */
import type { ClassifierStats, SloEvent } from './classifier.js';
import { ExactSum } from './exact-sum.js';

interface Row {
  cells: [string, string, string];
  success: ExactSum;
  fail: ExactSum;
}

/** A summary row as partial sums: domain, class, app, success partials, fail partials. */
export type SummaryEntry = [string, string, string, readonly number[], readonly number[]];

/**
 * Counts of SLO events per domain, class and app. Quantities are summed exactly (ExactSum), so the result
 * does not depend on the order of additions: partial summaries of input pieces merge into the same counts.
 */
export class EventSummary {
  /** domain → class → app → row: nested maps need no key string per event. */
  private readonly tree = new Map<string, Map<string, Map<string, Row>>>();
  private readonly rows: Row[] = [];
  private last: Row | undefined;

  /** Counts one SLO event. */
  add(event: SloEvent): void {
    const row = this.row(event.domain, event.class, event.app);
    if (event.result === 'success') row.success.add(event.quantity);
    else row.fail.add(event.quantity);
  }

  /** Merges rows of another summary (see `entries`). */
  merge(entries: readonly SummaryEntry[]): void {
    for (const [domain, sloClass, app, success, fail] of entries) {
      const row = this.row(domain, sloClass, app);
      row.success.addSum(success);
      row.fail.addSum(fail);
    }
  }

  /** The rows counted so far, in first-seen order, as partial sums. */
  entries(): SummaryEntry[] {
    return this.rows.map((r) => [...r.cells, r.success.terms, r.fail.terms]);
  }

  private row(domain: string, sloClass: string, app: string): Row {
    // The SLO events of one raw event come one after another, with the same classification.
    const last = this.last;
    if (last && last.cells[0] === domain && last.cells[1] === sloClass && last.cells[2] === app) return last;
    this.last = this.lookup(domain, sloClass, app);
    return this.last;
  }

  private lookup(domain: string, sloClass: string, app: string): Row {
    let classes = this.tree.get(domain);
    if (!classes) {
      classes = new Map();
      this.tree.set(domain, classes);
    }
    let apps = classes.get(sloClass);
    if (!apps) {
      apps = new Map();
      classes.set(sloClass, apps);
    }
    let row = apps.get(app);
    if (!row) {
      row = { cells: [domain, sloClass, app], success: new ExactSum(), fail: new ExactSum() };
      apps.set(app, row);
      this.rows.push(row);
    }
    return row;
  }

  /**
   * The summary text. `align` lays out the table (rows of cells, the first the header) as the CLI's other
   * tables are; `lines` and `malformed` count input lines.
   */
  render(
    stats: ClassifierStats,
    input: { lines: number; malformed: number },
    align: (rows: string[][]) => string,
  ): string {
    const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const rows = [...this.rows].sort(
      (a, b) =>
        compare(a.cells[0], b.cells[0]) || compare(a.cells[1], b.cells[1]) || compare(a.cells[2], b.cells[2]),
    );
    const table = align([
      ['DOMAIN', 'CLASS', 'APP', 'SUCCESS', 'FAIL'],
      ...rows.map((r) => [...r.cells.map(cellText), String(r.success.value), String(r.fail.value)]),
    ]);
    const totals =
      `lines: ${input.lines}  malformed: ${input.malformed}  events: ${stats.processed}  ` +
      `unclassified: ${stats.unclassified}  unmatched: ${stats.unmatched}  ` +
      `evaluation errors: ${stats.evaluationErrors}  slo events: ${stats.sloEvents}\n`;
    return `${table}\n${totals}`;
  }
}

/**
 * A domain, class or app as a table cell: values come from untrusted events, so one holding whitespace or
 * control characters (a line break would fake a row, an escape sequence would reach the terminal) is printed
 * JSON-quoted; others as they are.
 */
function cellText(value: string): string {
  if (!/[\s\p{C}]/u.test(value)) return value;
  // JSON.stringify leaves DEL, C1 controls, format characters and U+2028/9 as they are: escape them too.
  return JSON.stringify(value).replace(/[\p{C}\u2028\u2029]/gu, (c) =>
    c
      .split('')
      .map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`)
      .join(''),
  );
}
