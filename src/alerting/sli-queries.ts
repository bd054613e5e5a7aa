/**
 * The error ratio of an SLO as PromQL over any range, for recording rules: `(range) → PromQL` whose value is
 * bad events / valid events in the range (0..1; NaN without traffic, which fires no alert).
 *
 * - `prometheus` backend, built with the backend's own query compiler (prometheus-query.ts: `[window]`
 *   placeholders, operators, `le` and `_count` edits on the syntax tree, never on the text):
 *   - good_bad_ratio with filter_valid: `((V) - ((G) or (V) * 0)) / (V)`;
 *   - good_bad_ratio with filter_bad (which wins, as in the backend): `((B) or (G) * 0) / (((G) or (B) * 0) +
 *     ((B) or (G) * 0))`;
 *   - distribution_cut: G is the bucket at `threshold_bucket`, V its `_count`; bad = V − G, or G when
 *     `good_below_threshold: false`;
 *   - query_sli: `1 - (Q)`.
 *   `(X) or (Y) * 0` is the backend's rule that a query without data while the other has data counts zero
 *   events: without it, a good-requests series that does not exist yet (a service that has only ever failed)
 *   would make the ratio vanish and hide a total outage.
 * - `events` backend: the counters the event pipeline exposes (src/events/counters.ts, slo-exporter's
 *   families), from the coarsest family that carries every filtered label (`slo_domain:slo_events_total`
 *   without class/app/event_key filters, then `slo_domain_slo_class:`, `..._slo_app:`, `..._event_key:`;
 *   the metric and label names those of the pipeline's `counters` settings, as the counters name them),
 *   filters as matchers (exact text `=`, `{regexp}` `=~`: both anchored RE2 in slokit and Prometheus, and an
 *   absent label matches the empty text in both): `sum(rate(F{M,result="fail"}[r])) / sum(rate(F{M}[r]))`.
 * Pure. Throws `SliQueryError` naming the SLI field when an SLO cannot be written as PromQL.
 */
import {
  bucketToCount,
  compileRangeQuery,
  DEFAULT_OPERATORS,
  PromQLError,
  thresholdLabel,
  withBucketLabel,
} from '../backends/prometheus-query.js';
import type { SloConfig } from '../domain/types.js';
import {
  type CounterLabelNames,
  type CounterOptions,
  counterFamilyName,
  counterNames,
} from '../events/counters.js';
import type { EventFilter, FieldMatcher } from '../events/event-store.js';

/** PromQL of an SLO's error ratio over a range written as a Prometheus duration (`5m`, `30d`). */
export type ErrorRatioQuery = (range: string) => string;

/** An SLO whose SLI cannot be written as PromQL; `path` is the field under `spec` to point at. */
export class SliQueryError extends Error {
  override name = 'SliQueryError';
  constructor(
    message: string,
    readonly path: readonly string[],
  ) {
    super(message);
  }
}

/** Backend types rules can be generated for. */
export const RULE_BACKEND_TYPES = ['prometheus', 'events'] as const;
export type RuleBackendType = (typeof RULE_BACKEND_TYPES)[number];

const sliPath = (field?: string) =>
  field ? ['spec', 'service_level_indicator', field] : ['spec', 'service_level_indicator'];

/** `(X) or (Y) * 0`: X, or zero events where X has no series and Y has. */
const orZero = (x: string, y: string) => `(${x}) or (${y}) * 0`;

/** Bad events as valid minus good (a good side without series counting zero). */
const validMinusGood = (good: string, valid: string) => `(${valid}) - (${orZero(good, valid)})`;

/** `E / V` laid out one operand per line, as rule files show ratios. */
const ratio = (errors: string, valid: string) => `(${errors})\n/\n(${valid})\n`;

/**
 * The error-ratio query of a validated SLO (its `service_level_indicator` already checked against the
 * backend's method schema). `counters` names the event counters an `events` SLO reads (the pipeline's
 * `counters.metric_name` / `label_names`); unset names are the defaults. Throws `SliQueryError` for a method rules cannot use or PromQL that does not
 * compile.
 */
export function errorRatioQuery(
  slo: SloConfig,
  type: RuleBackendType,
  counters: EventCounterNames = {},
): ErrorRatioQuery {
  const sli = slo.spec.service_level_indicator;
  if (type === 'events') {
    if (slo.spec.method !== 'good_bad_ratio') throw unsupportedMethod(slo, ['good_bad_ratio']);
    return eventsErrorRatio(sli as EventFilter, counters);
  }
  const operators = (sli.operators as string[] | undefined) ?? DEFAULT_OPERATORS;
  // Built once for a range here: a template that cannot be built (no placeholder in a compound expression)
  // fails for every range, so the error comes now, naming the field.
  const compile = (field: string, ops: readonly string[] = operators) =>
    atField(field, () => {
      const template = compileRangeQuery(String(sli[field]), ops, `service_level_indicator.${field}`);
      template('5m');
      return template;
    });
  switch (slo.spec.method) {
    case 'good_bad_ratio': {
      const good = compile('filter_good');
      if (sli.filter_bad !== undefined) {
        const bad = compile('filter_bad');
        return (r) => {
          const [g, b] = [good(r), bad(r)];
          return ratio(orZero(b, g), `(${orZero(g, b)}) + (${orZero(b, g)})`);
        };
      }
      const valid = compile('filter_valid');
      return (r) => {
        const v = valid(r);
        return ratio(validMinusGood(good(r), v), v);
      };
    }
    case 'distribution_cut': {
      const base = compile('expression');
      const le = thresholdLabel(sli.threshold_bucket as number | string);
      const field = 'service_level_indicator.expression';
      const edit = (r: string) =>
        atField('expression', () => ({
          below: withBucketLabel(base(r), le, field),
          valid: bucketToCount(base(r), field),
        }));
      edit('5m');
      const goodBelow = sli.good_below_threshold !== false;
      return (r) => {
        const { below, valid } = edit(r);
        return goodBelow ? ratio(validMinusGood(below, valid), valid) : ratio(orZero(below, valid), valid);
      };
    }
    case 'query_sli': {
      const sliQuery = compile('expression', []);
      return (r) => `1 - (${sliQuery(r)})`;
    }
    default:
      throw unsupportedMethod(slo, ['good_bad_ratio', 'distribution_cut', 'query_sli']);
  }
}

/** Runs `build`, turning a PromQLError into an SliQueryError pointing at the SLI field. */
function atField<T>(field: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof PromQLError) throw new SliQueryError(error.message, sliPath(field));
    throw error;
  }
}

function unsupportedMethod(slo: SloConfig, methods: string[]): SliQueryError {
  return new SliQueryError(
    `method ${JSON.stringify(slo.spec.method)} of backend ${JSON.stringify(slo.spec.backend)} cannot be written as recording rules (supported: ${methods.join(', ')})`,
    ['spec', 'method'],
  );
}

/** Events-backend filter fields, coarsest level first, and the counter label role each is written to. */
const EVENT_LEVELS = [
  ['domain', 'sloDomain'],
  ['class', 'sloClass'],
  ['app', 'sloApp'],
  ['event_key', 'eventKey'],
] as const satisfies readonly (readonly [keyof EventFilter, keyof CounterLabelNames])[];

/** Counter names of the event pipeline (its `counters` settings); unset names are slo-exporter's defaults. */
export type EventCounterNames = Pick<CounterOptions, 'metricName' | 'labelNames'>;

/**
 * The counter family an events SLO reads: the coarsest level whose labels include every filtered
 * classification label (`slo_type` is rule metadata, on every level), named as counters.ts names it.
 */
export function eventCounterFamily(filter: EventFilter, counters: EventCounterNames = {}): string {
  const { metricName, labelNames } = counterNames(counters);
  let level = 0;
  EVENT_LEVELS.forEach(([field], i) => {
    if (filter[field] !== undefined) level = i;
  });
  return counterFamilyName(
    EVENT_LEVELS.slice(0, level + 1).map(([, role]) => labelNames[role]),
    metricName,
  );
}

const matcher = (label: string, m: FieldMatcher) =>
  typeof m === 'string' ? `${label}=${JSON.stringify(m)}` : `${label}=~${JSON.stringify(m.regexp)}`;

function eventsErrorRatio(filter: EventFilter, counters: EventCounterNames): ErrorRatioQuery {
  const { labelNames } = counterNames(counters);
  const family = eventCounterFamily(filter, counters);
  const matchers: string[] = [];
  for (const [field, role] of EVENT_LEVELS) {
    const m = filter[field];
    if (m !== undefined) matchers.push(matcher(labelNames[role], m));
  }
  if (filter.slo_type !== undefined) matchers.push(matcher('slo_type', filter.slo_type));
  const selector = (extra: string[]) => `${family}{${[...matchers, ...extra].join(', ')}}`;
  const fail = `${labelNames.result}="fail"`;
  return (r) => ratio(`sum(rate(${selector([fail])}[${r}]))`, `sum(rate(${selector([])}[${r}]))`);
}
