/**
 * Compiled rules as plain data and back: how the rules reach the worker threads of `events classify`
 * (parallel.ts). A rule's source is what its file said once read and checked (patterns, operator names, keys
 * and thresholds as written), so a worker recompiles it without loading the YAML reader and without
 * re-validating: it starts sooner and costs the other threads less.
 */
import { goRegexpCompiler } from '../lang/re2.js';
import { compileCondition } from './operators.js';
import type { CompiledFailureCondition, CompiledRule, SloMatcher } from './rules-file.js';

/** A condition as written: operator name (either generation), key, threshold text. */
export interface ConditionSource {
  operatorName: string;
  key: string;
  value: string;
}

/** A compiled rule as structured-cloneable data (see the module comment). */
export interface RuleSource {
  origin: CompiledRule['origin'];
  /** The `slo_matcher` patterns as written; an absent field matches anything. */
  sloMatcher: { domain?: string; class?: string; app?: string };
  metadataMatchers: ConditionSource[];
  failureConditions: (ConditionSource & { exposeAsMetric: boolean | undefined })[];
  additionalMetadata: Record<string, string>;
  honorSloResult: boolean;
}

const SLO_FIELDS = ['domain', 'class', 'app'] as const;

/** The sources of compiled rules, in order. */
export function ruleSources(rules: readonly CompiledRule[]): RuleSource[] {
  const condition = ({ operatorName, key, value }: ConditionSource): ConditionSource => ({
    operatorName,
    key,
    value,
  });
  return rules.map((rule) => {
    const sloMatcher: RuleSource['sloMatcher'] = {};
    for (const field of SLO_FIELDS) {
      const regexp = rule.sloMatcher[field];
      if (regexp) sloMatcher[field] = regexp.source;
    }
    return {
      origin: { ...rule.origin },
      sloMatcher,
      metadataMatchers: rule.metadataMatchers.map(condition),
      failureConditions: rule.failureConditions.map((c) => ({
        ...condition(c),
        exposeAsMetric: c.exposeAsMetric,
      })),
      additionalMetadata: { ...rule.additionalMetadata },
      honorSloResult: rule.honorSloResult,
    };
  });
}

/**
 * Compiles rule sources (from `ruleSources`) into rules that judge every event as the originals do. Throws
 * `ThresholdError` or `GoRegexpSyntaxError` on a source that did not come from a valid rule.
 */
export function compileRuleSources(sources: readonly RuleSource[]): CompiledRule[] {
  const compileRegexp = goRegexpCompiler();
  return sources.map((source) => {
    const sloMatcher: SloMatcher = {};
    for (const field of SLO_FIELDS) {
      const pattern = source.sloMatcher[field];
      if (pattern !== undefined) sloMatcher[field] = compileRegexp(pattern);
    }
    const compile = ({ operatorName, key, value }: ConditionSource) =>
      compileCondition(operatorName, key, value, compileRegexp);
    // Prototype-less, as the rule reader makes it: a metadata name such as `__proto__` stays a plain entry.
    const additionalMetadata: Record<string, string> = Object.create(null);
    for (const [name, value] of Object.entries(source.additionalMetadata)) additionalMetadata[name] = value;
    return {
      origin: { ...source.origin },
      sloMatcher,
      metadataMatchers: source.metadataMatchers.map(compile),
      failureConditions: source.failureConditions.map(
        (c): CompiledFailureCondition => ({ ...compile(c), exposeAsMetric: c.exposeAsMetric }),
      ),
      additionalMetadata,
      honorSloResult: source.honorSloResult,
    };
  });
}
