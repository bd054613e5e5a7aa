/**
 * The sloEventProducer: raw events → SLO events, by rules (shared/seeds/002, slo-exporter
 * `event_evaluator.go`/`rule.go` as documented in shared/reference/slo-exporter.md §2.3). Pure: no I/O.
 *
 * For each raw event:
 * 1. An event whose domain, class or app is empty is unclassified: counted and dropped.
 * 2. Every rule is tried in order (no "first match wins"). A rule matches when each `slo_matcher` regexp
 *    matches (unanchored) and then each `metadata_matcher` condition is true, evaluated in order and stopping
 *    at the first that is not (a condition whose event value does not parse stops it too, and counts as an
 *    evaluation error).
 * 3. Each matching rule emits one SLO event. Its result: with `honor_slo_result` and a non-empty event result,
 *    `success` when that result is `success`, else `fail`; otherwise `fail` when any failure condition is true
 *    (in order, stopping at the first true; an evaluation error counts as false and evaluation goes on),
 *    else `success`.
 * 4. An event no rule matched is counted as unmatched.
 *
 * Speed: rules are indexed by an equality matcher (`equalTo key value`) so that an event is only tried against
 * the rules whose indexed value it carries, plus the rules without one. The index never changes a result or a
 * count: a rule is indexed by its first equality matcher only when every matcher before it is a string or
 * regexp test, which cannot raise an evaluation error, so skipping the rule skips nothing observable.
 */
import { type EventMetadata, metadataText, Verdict } from './operators.js';
import type { CompiledRule } from './rules-file.js';

/** A raw event as the classifier reads it. */
export interface RawEvent {
  /** Metadata read by the rules' conditions (see `EventMetadata` for how values read). */
  metadata: EventMetadata;
  /** SLO classification; an empty or absent part leaves the event unclassified. */
  domain?: string | undefined;
  class?: string | undefined;
  app?: string | undefined;
  /** Event key (the `event_key` label); empty when the event has none. */
  key: string;
  /** How many events this one stands for (a count, usually 1). */
  quantity: number;
  /** The event's own result, for rules with `honor_slo_result`; empty or absent when it has none. */
  result?: string | undefined;
}

/** `success` or `fail`, the two results of an SLO event. */
export type SloResult = 'success' | 'fail';

/** One SLO event: a raw event judged by one rule. */
export interface SloEvent {
  result: SloResult;
  domain: string;
  class: string;
  app: string;
  key: string;
  quantity: number;
  /** The rule's `additional_metadata` (shared, do not modify). */
  metadata: Readonly<Record<string, string>>;
  /** The rule that produced it. */
  rule: CompiledRule;
}

/** Counts kept by a classifier since it was created. */
export interface ClassifierStats {
  /** Raw events given to `classify`. */
  processed: number;
  unclassified: number;
  /** Classified events that no rule matched. */
  unmatched: number;
  /** Conditions whose event value did not parse as a number or duration. */
  evaluationErrors: number;
  /** SLO events emitted. */
  sloEvents: number;
}

/** What `classify` did with one event. */
export type ClassifyOutcome = 'matched' | 'unmatched' | 'unclassified';

/** Rule lookup by one equality matcher: key name → value → rule positions, ascending. */
type RuleIndex = Map<string, Map<string, number[]>>;

/** Evaluates rules over raw events; see the module comment for the semantics. */
export class Classifier {
  readonly rules: readonly CompiledRule[];
  readonly stats: ClassifierStats = {
    processed: 0,
    unclassified: 0,
    unmatched: 0,
    evaluationErrors: 0,
    sloEvents: 0,
  };
  private readonly index: RuleIndex = new Map();
  /** Positions of the rules without an index entry, ascending. */
  private readonly unindexed: number[] = [];
  private readonly indexKeys: string[];

  /**
   * `rules` in evaluation order (rule files concatenated in the order given). `options.index: false` tries
   * every rule on every event (for tests and benchmarks that check the index changes nothing).
   */
  constructor(rules: readonly CompiledRule[], options: { index?: boolean } = {}) {
    this.rules = rules;
    rules.forEach((rule, position) => {
      const entry = options.index === false ? undefined : indexEntry(rule);
      if (!entry) {
        this.unindexed.push(position);
        return;
      }
      let byValue = this.index.get(entry.key);
      if (!byValue) {
        byValue = new Map();
        this.index.set(entry.key, byValue);
      }
      const list = byValue.get(entry.value);
      if (list) list.push(position);
      else byValue.set(entry.value, [position]);
    });
    this.indexKeys = [...this.index.keys()];
  }

  /**
   * Judges one raw event: calls `emit` once per matching rule, in rule order, and updates `stats`.
   * Never throws on event content.
   */
  classify(event: RawEvent, emit: (slo: SloEvent) => void): ClassifyOutcome {
    const stats = this.stats;
    stats.processed++;
    const { domain, class: sloClass, app } = event;
    if (!domain || !sloClass || !app) {
      stats.unclassified++;
      return 'unclassified';
    }
    let matched = false;
    const candidates = this.candidates(event.metadata);
    for (let i = 0; i < candidates.length; i++) {
      const rule = this.rules[candidates[i]!]!;
      if (!this.matches(rule, event, domain, sloClass, app)) continue;
      matched = true;
      stats.sloEvents++;
      emit({
        result: this.result(rule, event),
        domain,
        class: sloClass,
        app,
        key: event.key,
        quantity: event.quantity,
        metadata: rule.additionalMetadata,
        rule,
      });
    }
    if (!matched) {
      stats.unmatched++;
      return 'unmatched';
    }
    return 'matched';
  }

  /** Positions of the rules `metadata` may match, ascending. */
  private candidates(metadata: EventMetadata): readonly number[] {
    let found: number[] | undefined;
    let lists = 0;
    for (let k = 0; k < this.indexKeys.length; k++) {
      const name = this.indexKeys[k]!;
      const value = metadataText(metadata, name);
      if (value === undefined) continue;
      const list = this.index.get(name)!.get(value);
      if (!list) continue;
      found = lists === 0 ? list : found!.concat(list);
      lists++;
    }
    if (!found) return this.unindexed;
    if (this.unindexed.length === 0 && lists === 1) return found;
    return (lists === 1 ? found.concat(this.unindexed) : [...found, ...this.unindexed]).sort((a, b) => a - b);
  }

  private matches(
    rule: CompiledRule,
    event: RawEvent,
    domain: string,
    sloClass: string,
    app: string,
  ): boolean {
    const slo = rule.sloMatcher;
    if (slo.domain && !slo.domain.test(domain)) return false;
    if (slo.class && !slo.class.test(sloClass)) return false;
    if (slo.app && !slo.app.test(app)) return false;
    const matchers = rule.metadataMatchers;
    for (let i = 0; i < matchers.length; i++) {
      const verdict = matchers[i]!.test(event.metadata);
      if (verdict === Verdict.True) continue;
      if (verdict === Verdict.Error) this.stats.evaluationErrors++;
      return false;
    }
    return true;
  }

  private result(rule: CompiledRule, event: RawEvent): SloResult {
    if (rule.honorSloResult && event.result) return event.result === 'success' ? 'success' : 'fail';
    const conditions = rule.failureConditions;
    for (let i = 0; i < conditions.length; i++) {
      const verdict = conditions[i]!.test(event.metadata);
      if (verdict === Verdict.True) return 'fail';
      if (verdict === Verdict.Error) this.stats.evaluationErrors++;
    }
    return 'success';
  }
}

/** The equality matcher a rule is indexed by, if it has one that is safe to index by (module comment). */
function indexEntry(rule: CompiledRule): { key: string; value: string } | undefined {
  for (const matcher of rule.metadataMatchers) {
    const { kind, equality } = matcher.operator;
    if (kind === 'string' && equality) return { key: matcher.key, value: matcher.value };
    if (kind !== 'string' && kind !== 'regexp') return undefined;
  }
  return undefined;
}
