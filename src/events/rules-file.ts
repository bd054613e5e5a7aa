/**
 * Loading of slo-exporter rule files (the sloEventProducer's `rulesFiles`, shared/seeds/002): YAML text →
 * compiled rules, or every problem found, each with file, line, column and field.
 *
 * ```yaml
 * rules:
 *   - metadata_matcher: [{operator: equalTo, key: statusCode, value: 200}]
 *     slo_matcher: {domain: test-domain, class: critical, app: web}   # unanchored Go regexps
 *     failure_conditions: [{operator: numberHigherThan, key: requestDuration, value: 1, expose_as_metric: true}]
 *     additional_metadata: {slo_type: latency90, le: 0.8}
 *     honor_slo_result: false
 * ```
 *
 * As in slo-exporter (yaml.v2 decoding into strings, strict mode): unknown and duplicate keys are errors,
 * scalar values are read as their literal text (`6` stays `"6"`, `8.0` stays `"8.0"`, `0x10` stays `"0x10"`,
 * `~` and `null` are `""`), a map or list where a scalar belongs is an error. Booleans (`honor_slo_result`,
 * `expose_as_metric`) accept YAML 1.1's words too (`True`, `yes`, `on`, …). Operators are accepted under
 * both generations' names (see operators.ts). Limitation: `additional_metadata` keys go through the YAML 1.2
 * core schema, so a numeric key such as `1.0` becomes `"1"` (such keys are not valid label names anyway).
 */
import { didYouMean } from '../config/did-you-mean.js';
import { type ConfigIssue, formatPath } from '../config/errors.js';
import { parseSource } from '../config/yaml-source.js';
import { type GoRegexp, goRegexpCompiler } from '../lang/re2.js';
import { isYamlMap, LiteralYamlReader, type YamlPath } from './literal-yaml-reader.js';
import { type CompiledCondition, compileCondition, findOperator, OPERATOR_NAMES } from './operators.js';

/** A failure condition, with the seed's `expose_as_metric` flag (undefined when not written). */
export interface CompiledFailureCondition extends CompiledCondition {
  exposeAsMetric: boolean | undefined;
}

/** The unanchored regexps of a rule's `slo_matcher`; an absent or empty field matches anything. */
export interface SloMatcher {
  domain?: GoRegexp;
  class?: GoRegexp;
  app?: GoRegexp;
}

/** One rule, ready to evaluate. */
export interface CompiledRule {
  /** Where the rule was written (`path` is e.g. `rules[3]`), for messages. */
  origin: { file: string; line: number; column: number; path: string };
  sloMatcher: SloMatcher;
  metadataMatchers: readonly CompiledCondition[];
  failureConditions: readonly CompiledFailureCondition[];
  /** `additional_metadata`, literal texts, in file order (a prototype-less record). */
  additionalMetadata: Readonly<Record<string, string>>;
  honorSloResult: boolean;
}

const RULE_KEYS = [
  'metadata_matcher',
  'slo_matcher',
  'failure_conditions',
  'additional_metadata',
  'honor_slo_result',
];
const SLO_MATCHER_KEYS = ['domain', 'class', 'app'] as const;
const CONDITION_KEYS = ['operator', 'key', 'value'];
const FAILURE_CONDITION_KEYS = [...CONDITION_KEYS, 'expose_as_metric'];
type Path = YamlPath;

/**
 * Parses and compiles one rule file's text. `file` names the file in issues. Never throws on bad input:
 * returns the rules (empty when there is any issue) and every issue found.
 */
export function parseRulesFile(text: string, file: string): { rules: CompiledRule[]; issues: ConfigIssue[] } {
  const { doc, issues } = parseSource(text, file);
  if (doc.value === undefined) return { rules: [], issues };
  const reader = new RuleReader(doc, issues);
  const rules = reader.read();
  // In file order, as a user reads them.
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  return { rules: issues.length ? [] : rules, issues };
}

class RuleReader extends LiteralYamlReader {
  /** One compiled regexp per pattern, shared by the rules of the file. */
  private readonly compileRegexp = goRegexpCompiler();

  read(): CompiledRule[] {
    const root = this.doc.value;
    // An empty file has no rules, as in slo-exporter.
    if (root === null || root === undefined) return [];
    if (!this.expectMap([], root, ['rules'])) return [];
    const list = root.rules;
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list)) {
      this.issue(['rules'], `expected a list of rules, got ${this.describeType(list)}`);
      return [];
    }
    const rules: CompiledRule[] = [];
    list.forEach((item, i) => {
      const rule = this.rule(['rules', i], item);
      if (rule) rules.push(rule);
    });
    return rules;
  }

  private rule(path: Path, value: unknown): CompiledRule | undefined {
    if (!this.expectMap(path, value, RULE_KEYS)) return undefined;
    const before = this.issues.length;
    const sloMatcher = this.sloMatcher([...path, 'slo_matcher'], value.slo_matcher);
    const metadataMatchers = this.conditions([...path, 'metadata_matcher'], value.metadata_matcher, false);
    const failureConditions = this.conditions(
      [...path, 'failure_conditions'],
      value.failure_conditions,
      true,
    );
    const additionalMetadata = this.metadata([...path, 'additional_metadata'], value.additional_metadata);
    const honorSloResult = this.boolean([...path, 'honor_slo_result'], value.honor_slo_result) ?? false;
    if (this.issues.length > before) return undefined;
    const at = this.doc.locate(path);
    return {
      origin: { file: this.doc.file, line: at.line, column: at.column, path: formatPath(path) },
      sloMatcher,
      metadataMatchers,
      failureConditions,
      additionalMetadata,
      honorSloResult,
    };
  }

  private sloMatcher(path: Path, value: unknown): SloMatcher {
    const matcher: SloMatcher = {};
    if (value === undefined || value === null) return matcher;
    if (!this.expectMap(path, value, SLO_MATCHER_KEYS)) return matcher;
    for (const field of SLO_MATCHER_KEYS) {
      const pattern = this.scalar([...path, field], value[field]);
      if (pattern === undefined || pattern === '') continue;
      try {
        matcher[field] = this.compileRegexp(pattern);
      } catch (error) {
        this.issue([...path, field], `invalid regexp "${pattern}": ${(error as Error).message}`);
      }
    }
    return matcher;
  }

  private conditions(path: Path, value: unknown, failure: boolean): CompiledFailureCondition[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.issue(path, `expected a list of conditions, got ${this.describeType(value)}`);
      return [];
    }
    const out: CompiledFailureCondition[] = [];
    value.forEach((item, i) => {
      const at = [...path, i];
      if (!this.expectMap(at, item, failure ? FAILURE_CONDITION_KEYS : CONDITION_KEYS)) return;
      const operator = this.scalar([...at, 'operator'], item.operator);
      const key = this.scalar([...at, 'key'], item.key);
      const threshold = this.scalar([...at, 'value'], item.value) ?? '';
      const expose = failure ? this.boolean([...at, 'expose_as_metric'], item.expose_as_metric) : undefined;
      if (item.operator === undefined) this.issue(at, 'required field "operator" is missing', 'operator');
      if (item.key === undefined) this.issue(at, 'required field "key" is missing', 'key');
      if (operator === undefined || key === undefined || item.operator === undefined) return;
      if (!findOperator(operator)) {
        this.issue([...at, 'operator'], unknownOperatorMessage(operator));
        return;
      }
      try {
        const condition = compileCondition(operator, key, threshold, this.compileRegexp);
        out.push({ ...condition, exposeAsMetric: expose });
      } catch (error) {
        this.issue([...at, 'value'], (error as Error).message);
      }
    });
    return out;
  }

  private metadata(path: Path, value: unknown): Record<string, string> {
    const out: Record<string, string> = Object.create(null);
    if (value === undefined || value === null) return out;
    if (!isYamlMap(value)) {
      this.issue(path, `expected a map of label names to values, got ${this.describeType(value)}`);
      return out;
    }
    for (const key of Object.keys(value)) {
      const text = this.scalar([...path, key], value[key]);
      if (text !== undefined) out[key] = text;
    }
    return out;
  }
}

/**
 * Why an operator name is unknown. A strict "less than" (`numberIsLessThan`, `durationLowerThan`) looks like a
 * typo of its opposite to an edit distance: slo-exporter has no such operator, so say what to write instead.
 */
function unknownOperatorMessage(operator: string): string {
  const strictLess = /(less|lower|below|smaller)(than)?$/i.test(operator) && !/equal/i.test(operator);
  if (strictLess && /^duration/i.test(operator))
    return `unknown operator "${operator}": slo-exporter has no less-than operator for durations; write the opposite condition with durationIsHigherThan`;
  if (strictLess)
    return `unknown operator "${operator}": slo-exporter has no strict less-than operator; use numberIsEqualOrLessThan, or write the opposite condition with numberIsHigherThan`;
  const hint = didYouMean(operator, OPERATOR_NAMES);
  return `unknown operator "${operator}"${hint ? `; did you mean "${hint}"?` : ` (known: ${OPERATOR_NAMES.join(', ')})`}`;
}
