/**
 * The operators of slo-exporter rule files (`metadata_matcher` and `failure_conditions` entries), under both
 * names they have had: the seed's (slo-exporter v3-v5: `equalTo`, `numberHigherThan`, …) and slo-exporter
 * v6's (`isEqualTo`, `numberIsHigherThan`, …). Semantics (slo-exporter `operator.go`, documented in
 * shared/reference/slo-exporter.md §2.4):
 * - a missing key is false, without error, for every operator, the negated ones included;
 * - number operators read the event value with Go's `strconv.ParseFloat`, duration operators with Go's
 *   `time.ParseDuration`; a value that does not parse is false and an evaluation error;
 * - regexp operators are unanchored RE2 matches (`regexp.MatchString`).
 * Thresholds (regexps, numbers, durations) are parsed once, when the condition is compiled.
 */

import { parseGoDuration } from '../lang/go-duration.js';
import { parseGoFloat } from '../lang/go-float.js';
import { compileGoRegexp, type GoRegexp } from '../lang/re2.js';

/** What an operator's threshold and the event value are read as. */
export type OperatorKind = 'string' | 'regexp' | 'number' | 'duration';

/** One operator: its v6 name, its seed-era alias, what it compares and whether it is an equality test. */
export interface OperatorSpec {
  /** slo-exporter v6 name, e.g. `numberIsHigherThan`. */
  name: string;
  /** The seed's (pre-v6) name, e.g. `numberHigherThan`. */
  alias: string;
  kind: OperatorKind;
  /** Equality operators name their key's value exactly: exposed as threshold labels, used to index rules. */
  equality: boolean;
}

const spec = (name: string, alias: string, kind: OperatorKind, equality = false): OperatorSpec => ({
  name,
  alias,
  kind,
  equality,
});

/** Every operator, in the order of the seed's table. */
export const OPERATORS: readonly OperatorSpec[] = [
  spec('isEqualTo', 'equalTo', 'string', true),
  spec('isNotEqualTo', 'notEqualTo', 'string'),
  spec('isMatchingRegexp', 'matchesRegexp', 'regexp'),
  spec('isNotMatchingRegexp', 'notMatchesRegexp', 'regexp'),
  spec('numberIsEqualTo', 'numberEqualTo', 'number', true),
  spec('numberIsNotEqualTo', 'numberNotEqualTo', 'number'),
  spec('numberIsHigherThan', 'numberHigherThan', 'number'),
  spec('numberIsEqualOrHigherThan', 'numberEqualOrHigherThan', 'number'),
  spec('numberIsEqualOrLessThan', 'numberEqualOrLessThan', 'number'),
  spec('durationIsHigherThan', 'durationHigherThan', 'duration'),
];

const BY_NAME = new Map<string, OperatorSpec>(
  OPERATORS.flatMap((op) => [[op.name, op] as const, [op.alias, op] as const]),
);

/** Every accepted operator name, both generations. */
export const OPERATOR_NAMES: readonly string[] = [...BY_NAME.keys()];

/** The operator called `name` (either generation), or undefined. */
export function findOperator(name: string): OperatorSpec | undefined {
  return BY_NAME.get(name);
}

/**
 * Result of one condition on one event. `Error`: the event value did not parse as a number or duration; it
 * counts as false and as an evaluation error.
 */
export const Verdict = { False: 0, True: 1, Error: 2 } as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

/**
 * Event metadata as the engine reads it: a string value is used as is, a number or boolean as its JSON text
 * (`String(value)`), anything else (objects, arrays, null, absent or inherited properties) is a missing key.
 */
export type EventMetadata = Readonly<Record<string, unknown>>;

/** The text of `key` in `metadata` under the rule above, or undefined when missing. */
export function metadataText(metadata: EventMetadata, key: string): string | undefined {
  const value = metadata[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** A condition with its threshold parsed: `test` judges one event's metadata. */
export interface CompiledCondition {
  operator: OperatorSpec;
  /** The operator name as written in the rule file (exposed as the `operator` threshold label). */
  operatorName: string;
  key: string;
  /** The threshold as written. */
  value: string;
  /** The parsed threshold of number operators (float64), else undefined. */
  threshold: number | undefined;
  test(metadata: EventMetadata): Verdict;
}

/** A threshold that does not parse for its operator; the message says what was expected. */
export class ThresholdError extends Error {
  override name = 'ThresholdError';
}

const verdict = (ok: boolean) => (ok ? Verdict.True : Verdict.False);

type NumberTest = (value: number, threshold: number) => boolean;
const NUMBER_TESTS: Readonly<Record<string, NumberTest>> = {
  numberIsEqualTo: (v, t) => v === t,
  numberIsNotEqualTo: (v, t) => v !== t,
  numberIsHigherThan: (v, t) => v > t,
  numberIsEqualOrHigherThan: (v, t) => v >= t,
  numberIsEqualOrLessThan: (v, t) => v <= t,
};

/**
 * Compiles `{operator, key, value}`. Throws `ThresholdError` when `value` is not a valid regexp, number or
 * duration for the operator. `operatorName` must name a known operator (see `findOperator`). `compileRegexp`
 * lets a caller share one compiled regexp between conditions with the same pattern.
 */
export function compileCondition(
  operatorName: string,
  key: string,
  value: string,
  compileRegexp: (pattern: string) => GoRegexp = compileGoRegexp,
): CompiledCondition {
  const operator = findOperator(operatorName);
  if (!operator) throw new ThresholdError(`unknown operator "${operatorName}"`);
  const base = { operator, operatorName, key, value, threshold: undefined };
  switch (operator.kind) {
    case 'string': {
      const equal = operator.equality;
      return {
        ...base,
        test(metadata) {
          const text = metadataText(metadata, key);
          if (text === undefined) return Verdict.False;
          return verdict((text === value) === equal);
        },
      };
    }
    case 'regexp': {
      let regexp: GoRegexp;
      try {
        regexp = compileRegexp(value);
      } catch (error) {
        throw new ThresholdError(`invalid regexp "${value}": ${(error as Error).message}`);
      }
      const positive = operator.name === 'isMatchingRegexp';
      return {
        ...base,
        test(metadata) {
          const text = metadataText(metadata, key);
          if (text === undefined) return Verdict.False;
          return verdict(regexp.test(text) === positive);
        },
      };
    }
    case 'number': {
      const threshold = parseGoFloat(value);
      if (threshold === undefined) {
        throw new ThresholdError(
          `expected a number (Go strconv.ParseFloat syntax, e.g. 499, 0.8, 1e3), got "${value}"`,
        );
      }
      const compare = NUMBER_TESTS[operator.name]!;
      return {
        ...base,
        threshold,
        test(metadata) {
          const raw = metadata[key];
          // A JSON number reads as itself: ParseFloat of its shortest text gives the same float64. One past
          // float64's range (1e400, which JSON.parse turns into Infinity) is out of range, as ParseFloat says.
          const number =
            typeof raw === 'number'
              ? Number.isFinite(raw)
                ? raw
                : undefined
              : typeof raw === 'string'
                ? parseGoFloat(raw)
                : typeof raw === 'boolean'
                  ? undefined
                  : null;
          if (number === null) return Verdict.False;
          if (number === undefined) return Verdict.Error;
          return verdict(compare(number, threshold));
        },
      };
    }
    case 'duration': {
      const threshold = parseGoDuration(value);
      if (threshold === undefined) {
        throw new ThresholdError(
          `expected a duration (Go time.ParseDuration syntax, e.g. 300ms, 1.5s, 1h30m), got "${value}"`,
        );
      }
      return {
        ...base,
        test(metadata) {
          const text = metadataText(metadata, key);
          if (text === undefined) return Verdict.False;
          const duration = parseGoDuration(text);
          if (duration === undefined) return Verdict.Error;
          return verdict(duration > threshold);
        },
      };
    }
  }
}
