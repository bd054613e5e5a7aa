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
 *
 * Layout, for 100,000s of series counted millions of times between scrapes (bench/slo-counters.mjs):
 * - series are found through one trie per set of metadata labels: effective domain → class → app → event
 *   key, where a node holds its level's series slot. A rule's metadata overrides are fixed per rule, so an
 *   event walks four `Map` lookups with the strings it carries (no key string is built per event) and
 *   increments the four slots it ends on. Rules with equal labels reach the same nodes, hence share series.
 * - each family's series live in a `CounterTable` (label text escaped once, values in a `Float64Array`); a
 *   scrape copies the values and concatenates stored text (`renderSampleLines`); `samples` are built only
 *   when a caller reads them.
 */
import type { ConfigIssue } from '../config/errors.js';
import {
  ExpositionError,
  formatLabelsAround,
  isValidLabelName,
  type MetricFamily,
  type Sample,
} from '../lang/prometheus-text.js';
import type { SloEvent } from './classifier.js';
import { CounterTable, FAIL, SUCCESS, type TableSnapshot } from './counter-table.js';
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
/**
 * The counter names an `options` resolves to, slo-exporter's defaults filling the gaps: the metric name and
 * the label name of each role.
 */
export function counterNames(options: Pick<CounterOptions, 'metricName' | 'labelNames'> = {}): {
  metricName: string;
  labelNames: CounterLabelNames;
} {
  return {
    metricName: options.metricName ?? 'slo_events_total',
    labelNames: { ...DEFAULT_LABELS, ...options.labelNames },
  };
}

/**
 * The family name of an aggregation level, slo-exporter's rule: the level's classification label names,
 * coarsest first, joined by `_`, then `:` and the metric name (`slo_domain_slo_class:slo_events_total`).
 */
export function counterFamilyName(levelLabels: readonly string[], metricName: string): string {
  return `${levelLabels.join('_')}:${metricName}`;
}

const HELP = "Total number of SLO events exported with it's result and metadata.";
const LEVELS = 4;

/**
 * A label set of the trie: its series slot in its level's table (-1 for a root) and its finer label sets by
 * the next classification value. `head`/`tail` remember the label text of the last child created, so
 * children that share it (all of a node's children share one side of `result`) share one string.
 */
interface TrieNode<Child> {
  slot: number;
  children: Map<string, Child>;
  head: string;
  tail: string;
}
/**
 * Level 2 (app): its children are event keys → level-3 slots. A slot is stored as is when its key needs no
 * admission any more (`admitKey` would return it unchanged and change nothing: a key in the key set, or the
 * placeholder once the limit is reached; both last), else as `~slot` (a key set by metadata, not yet seen
 * as an event's key). So most events skip the key set.
 */
type AppNode = TrieNode<number>;
type ClassNode = TrieNode<AppNode>;
type DomainNode = TrieNode<ClassNode>;
/** The trie of one set of metadata labels (`rest`). */
interface Root extends TrieNode<DomainNode> {
  rest: Readonly<Record<string, string>>;
}

/**
 * How one rule's SLO events are counted: the trie of its metadata labels other than the classification
 * labels, and the metadata values that override classification parts (the same at every level).
 */
interface Plan {
  root: Root;
  domain: string | undefined;
  class: string | undefined;
  app: string | undefined;
  key: string | undefined;
}

/** The slot of a level-3 entry, however stored (see `AppNode`). */
const slotOf = (entry: number): number => (entry < 0 ? ~entry : entry);

const node = <Child>(slot: number): TrieNode<Child> => ({ slot, children: new Map(), head: '', tail: '' });

/** The cascade of SLO event counters; see the module comment. */
export class SloEventCounters {
  private readonly metricName: string;
  private readonly names: CounterLabelNames;
  private readonly limit: number;
  private readonly placeholder: string;
  private readonly tables: CounterTable[] = Array.from({ length: LEVELS }, () => new CounterTable());
  /** Tries by the identity of their metadata labels. */
  private readonly roots = new Map<string, Root>();
  private readonly plans = new WeakMap<CompiledRule, Plan>();
  /** The last rule seen and its plan: events come in runs of one rule. */
  private lastRule: CompiledRule | undefined;
  private lastPlan: Plan | undefined;
  private readonly keys = new Set<string>();
  /** Classification label names, coarsest first. */
  private readonly partNames: readonly string[];

  /** Throws a TypeError when a label name repeats or the key limit is not a non-negative integer. */
  constructor(options: CounterOptions = {}) {
    ({ metricName: this.metricName, labelNames: this.names } = counterNames(options));
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
    const rule = event.rule;
    let plan = this.lastPlan;
    if (rule !== this.lastRule || plan === undefined) {
      plan = this.planFor(rule);
      this.lastRule = rule;
      this.lastPlan = plan;
    }
    const domain = plan.domain ?? event.domain;
    const cls = plan.class ?? event.class;
    const app = plan.app ?? event.app;
    const n0 = plan.root.children.get(domain);
    const n1 = n0?.children.get(cls);
    const n2 = n1?.children.get(app);
    const raw = event.key;
    let slot = plan.key === undefined ? n2?.children.get(raw) : undefined;
    if (slot === undefined || slot < 0) {
      const key = this.admitKey(raw);
      // The event's own key, admitted for good: its entry can skip admission from now on.
      const admitted = plan.key === undefined && key === raw;
      const eventKey = plan.key ?? key;
      slot = n2?.children.get(eventKey);
      if (slot === undefined) {
        this.addNew(plan.root, [domain, cls, app, eventKey], admitted, event);
        return;
      }
      if (slot < 0) {
        slot = ~slot;
        if (admitted) n2!.children.set(eventKey, slot);
      }
    }
    const at = event.result === 'success' ? SUCCESS : FAIL;
    const quantity = event.quantity;
    const tables = this.tables;
    tables[0]!.values[2 * n0!.slot + at]! += quantity;
    tables[1]!.values[2 * n1!.slot + at]! += quantity;
    tables[2]!.values[2 * n2!.slot + at]! += quantity;
    tables[3]!.values[2 * slot + at]! += quantity;
  }

  /**
   * The four counter families, each series as its `fail` and `success` samples: a snapshot of the values
   * now (later events do not change it). Writers render them through `renderSampleLines`; `samples` are
   * built when read.
   */
  families(): MetricFamily[] {
    return this.tables.map((table, level) => {
      const snapshot = table.snapshot();
      let samples: Sample[] | undefined;
      const counters = this;
      return {
        name: counterFamilyName(this.partNames.slice(0, level + 1), this.metricName),
        help: HELP,
        type: 'counter' as const,
        get samples(): readonly Sample[] {
          samples ??= counters.samplesOf(level, snapshot);
          return samples;
        },
        renderSampleLines: (sampleName: string) => table.render(snapshot, sampleName),
      };
    });
  }

  private admitKey(key: string): string {
    if (this.keys.has(key)) return key;
    if (this.limit > 0 && this.keys.size >= this.limit) return this.placeholder;
    this.keys.add(key);
    return key;
  }

  /**
   * `add` for an event with at least one new label set: creates the missing series, then counts. `admitted`:
   * the event key (`values[3]`) needs no admission any more (see `AppNode`).
   */
  private addNew(root: Root, values: readonly string[], admitted: boolean, event: SloEvent): void {
    const labels: Record<string, string> = Object.assign(Object.create(null), root.rest);
    const at = event.result === 'success' ? SUCCESS : FAIL;
    // Typed loosely: the levels differ only in what a node's children are.
    let parent = root as TrieNode<unknown>;
    for (let level = 0; level < LEVELS; level++) {
      const value = values[level]!;
      labels[this.partNames[level]!] = value;
      let child = parent.children.get(value) as TrieNode<unknown> | number | undefined;
      if (child === undefined) {
        const slot = this.createSeries(level, labels, parent);
        child = level < LEVELS - 1 ? node<unknown>(slot) : admitted ? slot : ~slot;
        parent.children.set(value, child);
      }
      const slot = typeof child === 'number' ? slotOf(child) : child.slot;
      this.tables[level]!.values[2 * slot + at]! += event.quantity;
      if (typeof child !== 'number') parent = child;
    }
  }

  /** A new series of `level` labelled `labels`; its text shares strings with its siblings' when equal. */
  private createSeries(level: number, labels: Record<string, string>, parent: TrieNode<unknown>): number {
    const table = this.tables[level]!;
    let head: string;
    let tail: string;
    try {
      [head, tail] = formatLabelsAround(labels, this.names.result);
    } catch (error) {
      if (!(error instanceof ExpositionError)) throw error;
      return table.create('', '', error);
    }
    tail += ' ';
    if (head === parent.head) head = parent.head;
    else parent.head = head;
    if (tail === parent.tail) tail = parent.tail;
    else parent.tail = tail;
    return table.create(head, tail);
  }

  private planFor(rule: CompiledRule): Plan {
    let plan = this.plans.get(rule);
    if (plan) return plan;
    const metadata = rule.additionalMetadata;
    const rest: Record<string, string> = Object.create(null);
    for (const [name, value] of Object.entries(metadata)) {
      if (name !== this.names.result && !this.partNames.includes(name)) rest[name] = value;
    }
    const restKey = JSON.stringify(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    let root = this.roots.get(restKey);
    if (!root) {
      root = { ...node<DomainNode>(-1), rest };
      this.roots.set(restKey, root);
    }
    const override = (name: string) => (Object.hasOwn(metadata, name) ? metadata[name] : undefined);
    const [domain, cls, app, key] = this.partNames.map(override);
    plan = { root, domain, class: cls, app, key };
    this.plans.set(rule, plan);
    return plan;
  }

  /** The samples of `level` in `snapshot`, labels rebuilt from the trie (the slow path; see `families`). */
  private samplesOf(level: number, snapshot: TableSnapshot): Sample[] {
    const labelsBySlot: Record<string, string>[] = new Array(snapshot.size);
    const walk = (parent: TrieNode<unknown>, depth: number, labels: Record<string, string>) => {
      for (const [value, child] of parent.children as Map<string, TrieNode<unknown> | number>) {
        const own = { ...labels, [this.partNames[depth]!]: value };
        if (depth < level) walk(child as TrieNode<unknown>, depth + 1, own);
        else {
          const slot = typeof child === 'number' ? slotOf(child) : child.slot;
          if (slot < snapshot.size) labelsBySlot[slot] = own;
        }
      }
    };
    for (const root of this.roots.values()) walk(root, 0, { ...root.rest });
    const samples: Sample[] = [];
    const result = this.names.result;
    for (let slot = 0; slot < snapshot.size; slot++) {
      const labels = labelsBySlot[slot]!;
      samples.push({ labels: { ...labels, [result]: 'fail' }, value: snapshot.values[2 * slot + FAIL]! });
      samples.push({
        labels: { ...labels, [result]: 'success' },
        value: snapshot.values[2 * slot + SUCCESS]!,
      });
    }
    return samples;
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
