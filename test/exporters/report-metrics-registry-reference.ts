/**
 * ReportMetricsRegistry as it was before series stopped keeping their rendered lines (commit 1418212), kept
 * as the plain path the current registry is checked against (report-metrics-registry.test.ts).
 */
import type { ReportSeries } from '../../src/exporters/report-metrics-registry.js';
import {
  checkMetricName,
  familyHeader,
  formatLabels,
  formatValue,
  PROMETHEUS_TEXT_CONTENT_TYPE,
} from '../../src/lang/prometheus-text.js';

interface Series {
  /** `name{labels} `, escaped once. */
  prefix: string;
  /** Rendered label set, the sort key within the family. */
  labelKey: string;
  value: number;
  /** `prefix + value + "\n"`. */
  line: string;
  /** Report key that owns the series. */
  owner: string;
}

interface Family {
  name: string;
  help: string;
  series: Map<string, Series>;
  /** Rendered text of the family, or null when a series changed since the last render. */
  text: string | null;
  /** Series in label order, or null when series were added or removed. */
  order: Series[] | null;
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** In-process registry of the latest per-report metrics, rendered as text format 0.0.4. */
/** The registry as it was before series stopped keeping rendered lines (commit 1418212): the reference. */
export class ReferenceReportMetricsRegistry {
  /** Content type of `render()`'s output. */
  readonly contentType = PROMETHEUS_TEXT_CONTENT_TYPE;
  readonly #families = new Map<string, Family>();
  /** Report key → its series, as `family name\0label key`. */
  readonly #reports = new Map<string, Map<string, Series>>();
  #familyOrder: Family[] | null = null;

  /** Number of series held. */
  get seriesCount(): number {
    let n = 0;
    for (const series of this.#reports.values()) n += series.size;
    return n;
  }

  /** Number of reports held. */
  get reportCount(): number {
    return this.#reports.size;
  }

  /**
   * Replaces the series of one report with `series`. Validates every name first, so a bad metric leaves
   * the registry unchanged. Two entries with the same name and labels: the last one wins. Throws an
   * `ExpositionError` for an invalid metric or label name, and an `Error` when a series (name + labels) is
   * already owned by another report.
   */
  replace(reportKey: string, series: readonly ReportSeries[]): void {
    const incoming = new Map<string, { entry: ReportSeries; labelKey: string }>();
    for (const entry of series) {
      checkMetricName(entry.name);
      const labelKey = formatLabels(entry.labels);
      incoming.set(`${entry.name}\0${labelKey}`, { entry, labelKey });
    }
    for (const { entry, labelKey } of incoming.values()) {
      const owner = this.#families.get(entry.name)?.series.get(labelKey)?.owner;
      if (owner !== undefined && owner !== reportKey) {
        throw new Error(
          `series ${entry.name}${labelKey} is already exported by another report; add a label that tells them apart`,
        );
      }
    }

    const previous = this.#reports.get(reportKey);
    const next = new Map<string, Series>();
    for (const [id, { entry, labelKey }] of incoming) {
      const family = this.#family(entry.name, entry.help);
      let s = family.series.get(labelKey);
      if (!s) {
        const prefix = `${entry.name}${labelKey} `;
        s = {
          prefix,
          labelKey,
          value: entry.value,
          line: `${prefix}${formatValue(entry.value)}\n`,
          owner: reportKey,
        };
        family.series.set(labelKey, s);
        family.order = null;
        family.text = null;
      } else if (!Object.is(s.value, entry.value)) {
        s.value = entry.value;
        s.line = `${s.prefix}${formatValue(entry.value)}\n`;
        family.text = null;
      }
      next.set(id, s);
    }
    if (previous) {
      for (const [id, s] of previous) if (!next.has(id)) this.#remove(id, s);
    }
    if (next.size > 0) this.#reports.set(reportKey, next);
    else this.#reports.delete(reportKey);
  }

  /** Removes the series of one report; false when it had none. */
  delete(reportKey: string): boolean {
    const series = this.#reports.get(reportKey);
    if (!series) return false;
    for (const [id, s] of series) this.#remove(id, s);
    this.#reports.delete(reportKey);
    return true;
  }

  /** Removes every series. */
  clear(): void {
    this.#families.clear();
    this.#reports.clear();
    this.#familyOrder = null;
  }

  /** The exposition: every family, sorted, in text format 0.0.4 (empty string when there are none). Never throws. */
  render(): string {
    if (!this.#familyOrder) {
      this.#familyOrder = [...this.#families.values()].sort((a, b) => byKey(a.name, b.name));
    }
    let out = '';
    for (const family of this.#familyOrder) {
      if (family.text === null) {
        if (!family.order) {
          family.order = [...family.series.values()].sort((a, b) => byKey(a.labelKey, b.labelKey));
        }
        let text = familyHeader(family.name, family.help, 'gauge');
        for (const s of family.order) text += s.line;
        family.text = text;
      }
      out += family.text;
    }
    return out;
  }

  #family(name: string, help: string): Family {
    let family = this.#families.get(name);
    if (!family) {
      family = { name, help, series: new Map(), text: null, order: null };
      this.#families.set(name, family);
      this.#familyOrder = null;
    } else if (help !== '' && help !== family.help) {
      family.help = help;
      family.text = null;
    }
    return family;
  }

  #remove(id: string, s: Series): void {
    const name = id.slice(0, id.indexOf('\0'));
    const family = this.#families.get(name);
    if (!family) return;
    family.series.delete(s.labelKey);
    family.order = null;
    family.text = null;
    if (family.series.size === 0) {
      this.#families.delete(name);
      this.#familyOrder = null;
    }
  }
}
