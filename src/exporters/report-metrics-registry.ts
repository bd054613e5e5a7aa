/**
 * `ReportMetricsRegistry`: the latest metrics of each SLO report, kept in memory and rendered as Prometheus
 * text format 0.0.4 for `/metrics` (the `prometheus_self` exporter fills the one of its exporter context;
 * `slokit serve` exposes it).
 *
 * - A series is identified by metric name + its full label set, labels by name (slo-generator's
 *   prometheus_self sets label values positionally and mislabels SLOs whose label names differ).
 * - Series belong to a report key (SLO name + policy step): `replace` swaps that report's series for the
 *   new ones (series the new report no longer has disappear), `delete` removes them. Values never linger
 *   for SLOs that were deleted.
 * - All series are gauges. Families are sorted by name and series by their rendered label set, HELP and
 *   TYPE appear once per family, so the output is deterministic and passes `promtool check metrics`.
 * - Rendering is cheap: each series keeps its rendered line (`name{labels} value\n`, label escaping done
 *   once when the series is created) and each family keeps its rendered text until one of its series
 *   changes, so a scrape after a compute run only re-joins the families that changed.
 */
import {
  checkMetricName,
  familyHeader,
  formatLabels,
  formatValue,
  type Labels,
  PROMETHEUS_TEXT_CONTENT_TYPE,
} from '../lang/prometheus-text.js';

/** One series as a report contributes it. */
export interface ReportSeries {
  /** Metric (family) name. */
  name: string;
  /** HELP text of the family; the most recent non-empty one wins when reports disagree. */
  help: string;
  labels: Labels;
  value: number;
}

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

/** The key of a report in the registry: its SLO name and policy step. */
export function reportKeyOf(sloName: string, stepName: string): string {
  return JSON.stringify([sloName, stepName]);
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** In-process registry of the latest per-report metrics, rendered as text format 0.0.4. */
export class ReportMetricsRegistry {
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
