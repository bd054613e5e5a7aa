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
 * - Rendering is cheap: each series keeps its rendered label set (escaping done once, when the series is
 *   created; it is also the series' identity) and each family keeps its rendered text until one of its
 *   series changes, so a scrape after a compute run only renders the families that changed. A series holds
 *   nothing else rendered: at 100k series the heap and the garbage collector's work grow with every string
 *   kept per series (bench/metrics.mjs).
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
  family: Family;
  /** Rendered label set (`{a="b"}`, escaped once): the series' identity within its family and its sort key. */
  labelKey: string;
  value: number;
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

/** JSON.stringify replacer: the label set object itself, then every value as the text formatLabels renders. */
const labelValueText = (key: string, value: unknown) => (key === '' ? value : String(value));

/** In-process registry of the latest per-report metrics, rendered as text format 0.0.4. */
export class ReportMetricsRegistry {
  /** Content type of `render()`'s output. */
  readonly contentType = PROMETHEUS_TEXT_CONTENT_TYPE;
  readonly #families = new Map<string, Family>();
  /** Report key → its series, each once. */
  readonly #reports = new Map<string, Series[]>();
  #familyOrder: Family[] | null = null;

  /** Number of series held. */
  get seriesCount(): number {
    let n = 0;
    for (const series of this.#reports.values()) n += series.length;
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
    // Everything that can throw comes before the first change. Repeated series: the last entry wins.
    const incoming = new Map<string, { entry: ReportSeries; labelKey: string }>();
    // A report's series mostly share one label set (prometheus_self gives all metrics of a report the same
    // labels): each distinct set is rendered once per call, recognised by its names and values as
    // formatLabels reads them (String(value)), in the object's order.
    const rendered = new Map<string, string>();
    for (const entry of series) {
      checkMetricName(entry.name);
      const json = JSON.stringify(entry.labels ?? {}, labelValueText);
      let labelKey = rendered.get(json);
      if (labelKey === undefined) {
        labelKey = formatLabels(entry.labels);
        rendered.set(json, labelKey);
      }
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
    const next = new Set<Series>();
    for (const { entry, labelKey } of incoming.values()) {
      const family = this.#family(entry.name, entry.help);
      let s = family.series.get(labelKey);
      if (!s) {
        s = { family, labelKey, value: entry.value, owner: reportKey };
        family.series.set(labelKey, s);
        family.order = null;
        family.text = null;
      } else if (!Object.is(s.value, entry.value)) {
        s.value = entry.value;
        family.text = null;
      }
      next.add(s);
    }
    if (previous) {
      for (const s of previous) if (!next.has(s)) this.#remove(s);
    }
    if (next.size > 0) this.#reports.set(reportKey, [...next]);
    else this.#reports.delete(reportKey);
  }

  /** Removes the series of one report; false when it had none. */
  delete(reportKey: string): boolean {
    const series = this.#reports.get(reportKey);
    if (!series) return false;
    for (const s of series) this.#remove(s);
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
        for (const s of family.order) text += `${family.name}${s.labelKey} ${formatValue(s.value)}\n`;
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

  #remove(s: Series): void {
    const { family } = s;
    if (this.#families.get(family.name) !== family) return;
    family.series.delete(s.labelKey);
    family.order = null;
    family.text = null;
    if (family.series.size === 0) {
      this.#families.delete(family.name);
      this.#familyOrder = null;
    }
  }
}
