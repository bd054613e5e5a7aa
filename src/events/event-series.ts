/**
 * Event series and buckets, shared by the in-memory event store (event-store.ts) and its SQLite table
 * (src/history/event-buckets.ts); kept apart so the history database does not load the regexp engine.
 */

/** The labels of a series; `metadata` entries sorted by name. */
export interface EventSeries {
  domain: string;
  class: string;
  app: string;
  eventKey: string;
  metadata: Readonly<Record<string, string>>;
}

/** One minute of one series: good and bad event sums. `minute` is floor(Unix seconds / 60). */
export interface EventBucket {
  series: EventSeries;
  minute: number;
  good: number;
  bad: number;
}

/** Label entries sorted by name (code unit order): one order, so one text, for one label set. */
export function sortedLabels(labels: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A series' identity: its labels in a fixed order (metadata sorted), as JSON. */
export function seriesKey(series: EventSeries): string {
  return JSON.stringify([
    series.domain,
    series.class,
    series.app,
    series.eventKey,
    sortedLabels(series.metadata),
  ]);
}
