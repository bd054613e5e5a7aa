/**
 * The metric families of the pipeline's processor modules, named as slo-exporter names them: every module
 * registers its collectors under `slo_exporter_<module name in snake_case>_` (e.g.
 * `slo_exporter_event_key_generator_processed_events_total`).
 */
import type { MetricFamily, MetricType } from '../../lang/prometheus-text.js';
import { toSnakeCase } from './snake-case.js';

/** `slo_exporter_<moduleName in snake_case>_`, the prefix of a module's metric names. */
export function moduleMetricPrefix(moduleName: string): string {
  return `slo_exporter_${toSnakeCase(moduleName)}_`;
}

/** One series of a `MetricVec`: add to or set its value. */
export interface Series {
  readonly labels: Readonly<Record<string, string>>;
  value: number;
}

/**
 * A family of series keyed by their label values (client_golang's CounterVec/GaugeVec). Like client_golang,
 * a series exists from its first use on, and a family without any series is not exposed.
 */
export class MetricVec {
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: MetricType,
    readonly labelNames: readonly string[],
  ) {}

  /** The series of `values` (one per label name, in order), created at 0 on first use. */
  with(...values: readonly string[]): Series {
    const key = values.length === 1 ? values[0]! : JSON.stringify(values);
    let series = this.series.get(key);
    if (!series) {
      const labels: Record<string, string> = Object.create(null);
      this.labelNames.forEach((name, i) => {
        labels[name] = values[i] ?? '';
      });
      series = { labels, value: 0 };
      this.series.set(key, series);
    }
    return series;
  }

  /** Adds 1 to the series of `values`. */
  inc(...values: readonly string[]): void {
    this.with(...values).value++;
  }

  /** The family with its series in creation order, or nothing when it has none. */
  families(): MetricFamily[] {
    if (this.series.size === 0) return [];
    const samples = [...this.series.values()].map(({ labels, value }) => ({ labels, value }));
    return [{ name: this.name, help: this.help, type: this.type, samples }];
  }
}
