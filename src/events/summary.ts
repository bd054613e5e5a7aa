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

interface Row {
  cells: [string, string, string];
  success: number;
  fail: number;
}

/** Counts of SLO events per domain, class and app. */
export class EventSummary {
  /** domain → class → app → row: nested maps need no key string per event. */
  private readonly tree = new Map<string, Map<string, Map<string, Row>>>();
  private readonly rows: Row[] = [];

  /** Counts one SLO event. */
  add(event: SloEvent): void {
    let classes = this.tree.get(event.domain);
    if (!classes) {
      classes = new Map();
      this.tree.set(event.domain, classes);
    }
    let apps = classes.get(event.class);
    if (!apps) {
      apps = new Map();
      classes.set(event.class, apps);
    }
    let row = apps.get(event.app);
    if (!row) {
      row = { cells: [event.domain, event.class, event.app], success: 0, fail: 0 };
      apps.set(event.app, row);
      this.rows.push(row);
    }
    if (event.result === 'success') row.success += event.quantity;
    else row.fail += event.quantity;
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
      ...rows.map((r) => [...r.cells, String(r.success), String(r.fail)]),
    ]);
    const totals =
      `lines: ${input.lines}  malformed: ${input.malformed}  events: ${stats.processed}  ` +
      `unclassified: ${stats.unclassified}  unmatched: ${stats.unmatched}  ` +
      `evaluation errors: ${stats.evaluationErrors}  slo events: ${stats.sloEvents}\n`;
    return `${table}\n${totals}`;
  }
}
