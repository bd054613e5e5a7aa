/**
 * Property test of SloEventCounters against a plain reference implementation (the straightforward design it
 * replaced: one Map per level keyed by the label set, label records per series, samples rendered by
 * `renderFamilies`): random rules, options and events, including metadata overrides, `result` in metadata,
 * label values that need escaping, fractional quantities and key limits, give the same exposition byte for
 * byte, the same samples, and the same error for label names that cannot be written.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../bench/lib/random.mjs';
import type { SloEvent } from '../../src/events/classifier.js';
import { type CounterLabelNames, type CounterOptions, SloEventCounters } from '../../src/events/counters.js';
import type { CompiledRule } from '../../src/events/rules-file.js';
import {
  escapeLabelValue,
  formatLabels,
  formatLabelsAround,
  type MetricFamily,
  renderFamilies,
  type Sample,
} from '../../src/lang/prometheus-text.js';
import { rulesFrom } from './helpers.js';

/** The reference: per level, label-set key → { labels, success, fail }, in first-seen order. */
class ReferenceCounters {
  readonly names: CounterLabelNames;
  readonly levels = Array.from(
    { length: 4 },
    () => new Map<string, { labels: Record<string, string>; success: number; fail: number }>(),
  );
  readonly keys = new Set<string>();
  constructor(
    readonly options: Required<Omit<CounterOptions, 'labelNames'>> & { labelNames: CounterLabelNames },
  ) {
    this.names = options.labelNames;
  }
  get parts(): string[] {
    const n = this.names;
    return [n.sloDomain, n.sloClass, n.sloApp, n.eventKey];
  }
  add(event: SloEvent): void {
    let key = event.key;
    if (!this.keys.has(key)) {
      if (this.options.maximumUniqueEventKeys > 0 && this.keys.size >= this.options.maximumUniqueEventKeys)
        key = this.options.exceededKeyLimitPlaceholder;
      else this.keys.add(key);
    }
    const metadata = event.rule.additionalMetadata;
    const values = [event.domain, event.class, event.app, key];
    for (let level = 0; level < 4; level++) {
      const labels: Record<string, string> = {};
      for (const [name, value] of Object.entries(metadata))
        if (name !== this.names.result && !this.parts.includes(name)) labels[name] = value;
      for (let p = 0; p <= level; p++) {
        const name = this.parts[p]!;
        labels[name] = Object.hasOwn(metadata, name) ? metadata[name]! : values[p]!;
      }
      const id = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      let series = this.levels[level]!.get(id);
      if (!series) {
        series = { labels, success: 0, fail: 0 };
        this.levels[level]!.set(id, series);
      }
      if (event.result === 'success') series.success += event.quantity;
      else series.fail += event.quantity;
    }
  }
  families(): MetricFamily[] {
    return this.levels.map((series, level) => {
      const samples: Sample[] = [];
      for (const { labels, success, fail } of series.values()) {
        samples.push({ labels: { ...labels, [this.names.result]: 'fail' }, value: fail });
        samples.push({ labels: { ...labels, [this.names.result]: 'success' }, value: success });
      }
      const name = `${this.parts.slice(0, level + 1).join('_')}:${this.options.metricName}`;
      return {
        name,
        help: "Total number of SLO events exported with it's result and metadata.",
        type: 'counter',
        samples,
      };
    });
  }
}

const VALUES = ['', 'a', 'fixed', 'k1', '"', '\\', '\n', 'x"y\\z\n', 'é€', 'with space', '{}', 'result=""'];
/** Values that overrides, event values and the placeholder share, so they collide. */
const FEW = ['', 'k1', 'fixed', 'x"y\\z\n'];
const QUANTITIES = [1, 1, 1, 2.5, 0.1, 0.2, 0, 3, 1e-7, 1e21, 123456789];
const LABEL_NAME_SETS: Partial<CounterLabelNames>[] = [
  {},
  { result: 'outcome', sloDomain: 'domain', eventKey: 'endpoint' },
  { result: 'a_result' }, // sorts first
  { result: 'zz_result', sloApp: 'app' }, // sorts last
];
const METADATA_NAMES = [
  'slo_type',
  'a',
  'zz',
  'le',
  'result',
  'outcome',
  'slo_domain',
  'slo_class',
  'slo_app',
  'event_key',
  'domain',
  'endpoint',
];

interface Scenario {
  options: CounterOptions;
  rules: CompiledRule[];
  events: SloEvent[];
}

/**
 * Random options, rules and events, drawn so that they collide: few metadata label sets (rules share series),
 * classification overrides whose values are also events' values and keys, and the key-limit placeholder
 * among the event keys.
 */
function scenario(seed: number, extraNames: string[] = []): Scenario {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const labelNames = pick(LABEL_NAME_SETS);
  const limit = random() < 0.5 ? 0 : 1 + Math.floor(random() * 6);
  const placeholder = random() < 0.5 ? pick(FEW) : undefined;
  const options: CounterOptions = {
    labelNames,
    maximumUniqueEventKeys: limit,
    ...(placeholder === undefined ? {} : { metricName: 'events', exceededKeyLimitPlaceholder: placeholder }),
  };
  const parts = withDefaults(options).labelNames;
  const overridable = [parts.result, parts.sloDomain, parts.sloClass, parts.sloApp, parts.eventKey];
  const names = [...METADATA_NAMES, ...extraNames];
  let yaml = 'rules:\n';
  const ruleCount = 1 + Math.floor(random() * 5);
  for (let r = 0; r < ruleCount; r++) {
    const metadata = new Map<string, string>();
    if (random() < 0.5) metadata.set('slo_type', pick(['a', 'fixed']));
    if (random() < 0.3) metadata.set(pick(names), pick(VALUES));
    if (extraNames.length && random() < 0.3) metadata.set(pick(extraNames), pick(VALUES));
    for (const name of overridable) if (random() < 0.25) metadata.set(name, pick(FEW));
    const entries = [...metadata].map(([name, value]) => `${JSON.stringify(name)}: ${JSON.stringify(value)}`);
    yaml += `  - additional_metadata: {${entries.join(', ')}}\n`;
  }
  const rules = rulesFrom(yaml);
  const keys = [...FEW, 'cardinalityLimitExceeded', ...VALUES];
  const events: SloEvent[] = [];
  const eventCount = 50 + Math.floor(random() * 250);
  for (let i = 0; i < eventCount; i++) {
    const rule = pick(rules);
    events.push({
      result: random() < 0.3 ? 'fail' : 'success',
      // Fresh copies now and then, as a parser hands strings over.
      domain: random() < 0.5 ? pick(FEW) : ` ${pick(VALUES)}`.slice(1),
      class: pick(FEW),
      app: random() < 0.7 ? pick(FEW) : pick(VALUES),
      key: pick(keys) + (random() < 0.7 ? '' : String(Math.floor(random() * 8))),
      quantity: pick(QUANTITIES),
      metadata: rule.additionalMetadata,
      rule,
    });
  }
  return { options, rules, events };
}

const withDefaults = (options: CounterOptions) => ({
  metricName: options.metricName ?? 'slo_events_total',
  maximumUniqueEventKeys: options.maximumUniqueEventKeys ?? 0,
  exceededKeyLimitPlaceholder: options.exceededKeyLimitPlaceholder ?? 'cardinalityLimitExceeded',
  labelNames: {
    result: 'result',
    sloDomain: 'slo_domain',
    sloClass: 'slo_class',
    sloApp: 'slo_app',
    eventKey: 'event_key',
    ...options.labelNames,
  },
});

/** Plain copies of families (samples read through their getter), comparable with toEqual. */
const plain = (families: MetricFamily[]) =>
  families.map(({ name, help, type, samples }) => ({ name, help, type, samples: [...samples] }));

const renderOrError = (families: MetricFamily[]) => {
  try {
    return renderFamilies(families);
  } catch (error) {
    return `threw ${(error as Error).name}: ${(error as Error).message}`;
  }
};

describe('SloEventCounters against the reference implementation', () => {
  it('renders the same exposition and samples for random events, at random scrape points', () => {
    let scrapes = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const { options, events } = scenario(seed);
      const counters = new SloEventCounters(options);
      const reference = new ReferenceCounters(withDefaults(options));
      const random = seededRandom(seed * 7919);
      // A snapshot taken mid-way must keep its values while later events are counted.
      let held: { ours: MetricFamily[]; theirs: string } | undefined;
      for (const event of events) {
        counters.add(event);
        reference.add(event);
        if (random() < 0.05) {
          const ours = counters.families();
          const theirs = reference.families();
          expect(renderFamilies(ours), `seed ${seed}`).toBe(renderFamilies(theirs));
          held ??= { ours, theirs: renderFamilies(theirs) };
          scrapes++;
        }
      }
      const ours = counters.families();
      const theirs = reference.families();
      expect(renderFamilies(ours), `seed ${seed}`).toBe(renderFamilies(theirs));
      expect(plain(ours), `seed ${seed}`).toEqual(plain(theirs));
      expect(counters.eventKeys).toBe(reference.keys.size);
      if (held) expect(renderFamilies(held.ours), `seed ${seed} (held snapshot)`).toBe(held.theirs);
    }
    expect(scrapes).toBeGreaterThan(30);
  });

  it('throws the same error as the reference for label names that cannot be written', () => {
    let failures = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const { options, events } = scenario(seed, ['bad-name', '__reserved', '0digit']);
      const counters = new SloEventCounters(options);
      const reference = new ReferenceCounters(withDefaults(options));
      for (const event of events) {
        counters.add(event);
        reference.add(event);
      }
      const expected = renderOrError(reference.families());
      if (expected.startsWith('threw')) failures++;
      expect(renderOrError(counters.families()), `seed ${seed}`).toBe(expected);
      expect(plain(counters.families()), `seed ${seed}`).toEqual(plain(reference.families()));
    }
    expect(failures).toBeGreaterThan(20);
  });

  it('renders label text around a hole exactly as formatLabels renders the whole set', () => {
    const random = seededRandom(42);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    for (let i = 0; i < 500; i++) {
      const labels: Record<string, string> = {};
      for (const name of METADATA_NAMES) if (random() < 0.3) labels[name] = pick(VALUES);
      const hole = pick(METADATA_NAMES);
      const value = pick(VALUES);
      const [head, tail] = formatLabelsAround(labels, hole);
      expect(head + escapeLabelValue(value) + tail).toBe(formatLabels({ ...labels, [hole]: value }));
    }
    expect(() => formatLabelsAround({ 'bad-name': 'x' }, 'result')).toThrow(/invalid label name "bad-name"/);
    expect(() => formatLabelsAround({}, '__hole')).toThrow(/invalid label name "__hole"/);
  });
});
