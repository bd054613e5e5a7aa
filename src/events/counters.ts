/**
 * SLO event counters as slo-exporter's prometheusExporter exposes them (shared/reference/slo-exporter.md §3.8),
 * so recording rules and dashboards written for slo-exporter work unchanged:
 *
 * - a cascade of four counter families, one per aggregation level, named after their labels:
 *   `slo_domain:slo_events_total`, `slo_domain_slo_class:slo_events_total`,
 *   `slo_domain_slo_class_slo_app:slo_events_total`, `slo_domain_slo_class_slo_app_event_key:slo_events_total`
 *   (label names and the metric name are configurable; the family name follows them);
 * - labels of each level: `result`, the level's classification labels, and the rule's `additional_metadata`,
 *   which overrides a classification label of the same name but never `result`; metadata named like a finer
 *   level's label is left out of the coarser levels;
 * - both `result="success"` and `result="fail"` exist (at 0) as soon as a label set is seen; values add the
 *   events' quantities;
 * - at most `maximumUniqueEventKeys` distinct event keys (0: no limit); later new keys are counted under
 *   `exceededKeyLimitPlaceholder`.
 * Pure: counts in memory, renders `MetricFamily` values for src/lang/prometheus-text.ts.
 */
import type { ConfigIssue } from '../config/errors.js';
import { isValidLabelName, type MetricFamily, type Sample } from '../lang/prometheus-text.js';
import type { SloEvent } from './classifier.js';
import type { CompiledRule } from './rules-file.js';

/** Label names of the counters, by role (slo-exporter's `labelNames`). */
export interface CounterLabelNames {
  result: string;
  sloDomain: string;
  sloClass: string;
  sloApp: string;
  eventKey: string;
}

/** prometheusExporter settings; every field has slo-exporter's default. */
export interface CounterOptions {
  /** Default `slo_events_total`. */
  metricName?: string;
  labelNames?: Partial<CounterLabelNames>;
  /** Distinct event keys kept; default 0, no limit. */
  maximumUniqueEventKeys?: number;
  /** Default `cardinalityLimitExceeded`. */
  exceededKeyLimitPlaceholder?: string;
}

const DEFAULT_LABELS: CounterLabelNames = {
  result: 'result',
  sloDomain: 'slo_domain',
  sloClass: 'slo_class',
  sloApp: 'slo_app',
  eventKey: 'event_key',
};
const HELP = "Total number of SLO events exported with it's result and metadata.";
const LEVELS = 4;

interface Series {
  /** Labels without `result`. */
  labels: Record<string, string>;
  success: number;
  fail: number;
}

/**
 * How one rule's SLO events are labelled at one level: the metadata labels other than the classification
 * labels, and the metadata values that override classification parts.
 */
interface LevelPlan {
  /** Identity of `rest`; a series key is this plus the level's classification values. */
  restKey: string;
  rest: Readonly<Record<string, string>>;
  /** Per classification part of the level (domain, class, app, key): the metadata value overriding it. */
  overrides: (string | undefined)[];
}

/** The cascade of SLO event counters; see the module comment. */
export class SloEventCounters {
  private readonly metricName: string;
  private readonly names: CounterLabelNames;
  private readonly limit: number;
  private readonly placeholder: string;
  private readonly levels: Map<string, Series>[] = Array.from({ length: LEVELS }, () => new Map());
  private readonly plans = new WeakMap<CompiledRule, LevelPlan[]>();
  private readonly keys = new Set<string>();
  /** Classification label names, coarsest first. */
  private readonly partNames: readonly string[];

  /** Throws a TypeError when a label name repeats or the key limit is not a non-negative integer. */
  constructor(options: CounterOptions = {}) {
    this.metricName = options.metricName ?? 'slo_events_total';
    this.names = { ...DEFAULT_LABELS, ...options.labelNames };
    this.limit = options.maximumUniqueEventKeys ?? 0;
    this.placeholder = options.exceededKeyLimitPlaceholder ?? 'cardinalityLimitExceeded';
    if (!Number.isInteger(this.limit) || this.limit < 0)
      throw new TypeError(`maximumUniqueEventKeys must be a non-negative integer, got ${this.limit}`);
    if (new Set(Object.values(this.names)).size !== 5)
      throw new TypeError(`label names must differ: ${JSON.stringify(this.names)}`);
    this.partNames = [this.names.sloDomain, this.names.sloClass, this.names.sloApp, this.names.eventKey];
  }

  /** Distinct event keys counted so far (the placeholder excluded). */
  get eventKeys(): number {
    return this.keys.size;
  }

  /** The configured key limit (0: none). */
  get eventKeysLimit(): number {
    return this.limit;
  }

  /** Counts one SLO event at every level. */
  add(event: SloEvent): void {
    const key = this.admitKey(event.key);
    const parts = [event.domain, event.class, event.app, key];
    const plans = this.planFor(event.rule);
    for (let level = 0; level < LEVELS; level++) {
      const plan = plans[level]!;
      // Keyed by the label set itself, so rules with equal labels share their series.
      let id = plan.restKey;
      for (let p = 0; p <= level; p++) {
        const value = plan.overrides[p] ?? parts[p]!;
        id += `\u0000${value.length}:${value}`; // length-prefixed: no value can forge another's key
      }
      const series = this.levels[level]!;
      let entry = series.get(id);
      if (!entry) {
        const labels: Record<string, string> = { ...plan.rest };
        for (let p = 0; p <= level; p++) labels[this.partNames[p]!] = plan.overrides[p] ?? parts[p]!;
        entry = { labels, success: 0, fail: 0 };
        series.set(id, entry);
      }
      if (event.result === 'success') entry.success += event.quantity;
      else entry.fail += event.quantity;
    }
  }

  /** The four counter families, each series as its `fail` and `success` samples. */
  families(): MetricFamily[] {
    const order = this.partNames;
    return this.levels.map((series, level) => {
      const samples: Sample[] = [];
      for (const { labels, success, fail } of series.values()) {
        samples.push({ labels: { ...labels, [this.names.result]: 'fail' }, value: fail });
        samples.push({ labels: { ...labels, [this.names.result]: 'success' }, value: success });
      }
      return {
        name: `${order.slice(0, level + 1).join('_')}:${this.metricName}`,
        help: HELP,
        type: 'counter' as const,
        samples,
      };
    });
  }

  private admitKey(key: string): string {
    if (this.keys.has(key)) return key;
    if (this.limit > 0 && this.keys.size >= this.limit) return this.placeholder;
    this.keys.add(key);
    return key;
  }

  private planFor(rule: CompiledRule): LevelPlan[] {
    let plans = this.plans.get(rule);
    if (plans) return plans;
    const metadata = rule.additionalMetadata;
    plans = [];
    for (let level = 0; level < LEVELS; level++) {
      const rest: Record<string, string> = {};
      for (const [name, value] of Object.entries(metadata)) {
        if (name !== this.names.result && !this.partNames.includes(name)) rest[name] = value;
      }
      const overrides = this.partNames
        .slice(0, level + 1)
        .map((name) => (Object.hasOwn(metadata, name) ? metadata[name] : undefined));
      const restKey = JSON.stringify(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      plans.push({ rest, overrides, restKey });
    }
    this.plans.set(rule, plans);
    return plans;
  }
}

/**
 * Rules whose `additional_metadata` cannot label the counters (a key that is not a valid Prometheus label
 * name), one issue per rule at its position; empty when every rule can be counted.
 */
export function counterLabelProblems(rules: readonly CompiledRule[]): ConfigIssue[] {
  const problems: ConfigIssue[] = [];
  for (const rule of rules) {
    const invalid = Object.keys(rule.additionalMetadata).filter((name) => !isValidLabelName(name));
    if (invalid.length) {
      problems.push({
        ...rule.origin,
        message:
          `additional_metadata ${invalid.map((n) => JSON.stringify(n)).join(', ')} cannot label the SLO event ` +
          'counters: not a valid Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, no leading "__")',
      });
    }
  }
  return problems;
}
