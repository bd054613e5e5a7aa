/**
 * OpenSLO v1 → slokit conversion (`slokit convert --from openslo`): pure, no I/O. OpenSLO documents
 * (https://github.com/OpenSLO/OpenSLO, `apiVersion: openslo/v1`) become slo-generator v2 SLO documents for the
 * `prometheus` backend, plus the shared config they need (backends, one error budget policy per time window).
 *
 * What converts, and how (README "OpenSLO" says the same for users):
 * - `SLO` with an inline `indicator` or an `indicatorRef` to an `SLI` of the input; `budgetingMethod:
 *   Occurrences`; one rolling `timeWindow` in m, h, d or w; objectives with `target` or `targetPercent`, one
 *   slokit SLO per objective (named `<slo>` for a single objective, else `<slo>-<objective displayName>` or
 *   `<slo>-<n>`).
 * - `ratioMetric` good/total or bad/total on Prometheus sources (`type: Prometheus`, or a `metricSourceRef` to
 *   a `DataSource` of that type) → `good_bad_ratio` with `filter_good`/`filter_bad` and `filter_valid`.
 *   OpenSLO queries name what to count, and the tool applies the time window. slokit needs the counter
 *   itself so it can take its `increase` over each policy window: a counter (`counter: true`) written as a
 *   selector or `sum(selector)` becomes that selector (default operators: `sum(increase(x[window]))`). A
 *   query that already contains slokit's `[window]` placeholder is kept as written, for counters and gauges
 *   alike (with `operators: []`). Anything else is refused with the reason: slokit cannot know what an
 *   arbitrary expression counts over a window.
 * - `thresholdMetric` with its objective's `op`/`value`: every minute of the window is an occurrence, good
 *   when `query op value` held (a 1-minute subquery): `filter_good: sum(sum_over_time((Q <op> bool V)[window:1m]))`,
 *   `filter_valid: sum(count_over_time((Q)[window:1m]))`.
 * - bad/total: `filter_good` is total minus bad (a bad counter without series yet counts 0) and `filter_valid`
 *   the total, written out with `[window]` and `operators: []`.
 * - The policy `openslo-<window>`: the SRE workbook's multiwindow burn-rate steps, the window pairs and
 *   factors of src/alerting/windows.ts (the ones `rules generate` alerts on; see `workbookPolicy`), and a last
 *   step over the whole window at burn rate 1.
 * - `Service`: `SLO.spec.service` becomes the `service_name` label; `DataSource`: its `type` and
 *   `connectionDetails.url` (the backend's URL; default `${PROMETHEUS_URL:-http://localhost:9090}`).
 *
 * Nothing is dropped silently: every object, field or feature not converted is a note with file, line,
 * column and field path, saying `not converted:` (the SLO or objective is skipped) or `ignored:` (the SLO
 * is converted without it). An SLO's independent checks all run (window, budgeting method, each metric
 * source and query, each objective), so one conversion shows every unsupported feature of the SLO.
 */
import type { Tree } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import { parseAllDocuments } from 'yaml';
import * as z from 'zod';
import { BURN_RATE_WINDOWS, burnRateFactor } from '../alerting/windows.js';
import type { PolicyStep, SloConfig } from '../domain/types.js';
import { formatDuration } from '../lang/duration.js';
import { type ConfigIssue, formatPath } from './errors.js';
import { validateWith } from './validate.js';
import { parseSource, type SourceDocument } from './yaml-source.js';

/** The one apiVersion converted. */
export const OPENSLO_V1 = 'openslo/v1';

/** Backend URL of a Prometheus source without a DataSource URL: the environment's, else a local server. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: slokit's ${VAR:-default} config interpolation, written out.
export const DEFAULT_PROMETHEUS_URL = '${PROMETHEUS_URL:-http://localhost:9090}';

/** Resolution of the subquery that turns a threshold metric into occurrences: one occurrence a minute. */
export const THRESHOLD_RESOLUTION = '1m';

// ------------------------------------------------------------------------------------------------------------
// Reading: YAML streams of OpenSLO objects.

/**
 * Parses OpenSLO text: one or several YAML documents (`---`), each an object or a list of objects. Each
 * document keeps its real lines and columns. Returns the documents (empty ones left out) and the YAML
 * problems as issues; never throws.
 */
export function parseOpenslo(text: string, file: string): { docs: SourceDocument[]; issues: ConfigIssue[] } {
  const stream = parseAllDocuments(text);
  const ranges = Array.isArray(stream) ? stream.map((d) => d.range) : [];
  if (ranges.length <= 1) {
    const { doc, issues } = parseSource(text, file);
    return { docs: doc.value === undefined || doc.value === null ? [] : [doc], issues };
  }
  const docs: SourceDocument[] = [];
  const issues: ConfigIssue[] = [];
  for (const [start, , end] of ranges) {
    // The document alone, after blank lines and spaces standing for the text before it: positions stay true.
    const before = text.slice(0, start);
    const lineStart = before.lastIndexOf('\n') + 1;
    const newlines = before.split('\n').length - 1;
    const masked = '\n'.repeat(newlines) + ' '.repeat(start - lineStart) + text.slice(start, end);
    const parsed = parseSource(masked, file);
    issues.push(...parsed.issues);
    if (parsed.doc.value !== undefined && parsed.doc.value !== null) docs.push(parsed.doc);
  }
  return { docs, issues };
}

/** One OpenSLO object: a document, or an item of a document that is a list. */
interface OpensloObject {
  doc: SourceDocument;
  /** Where the object is in its document (`[]`, or `[i]` for a list item). */
  path: PropertyKey[];
  value: Record<string, unknown>;
}

// ------------------------------------------------------------------------------------------------------------
// Schemas of the OpenSLO v1 fields read (https://github.com/OpenSLO/OpenSLO#specification).

const labelsSchema = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]),
);
const metadataSchema = z.looseObject({
  name: z.string().min(1),
  displayName: z.string().optional(),
  labels: labelsSchema.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
const metricSourceSchema = z.strictObject({
  metricSourceRef: z.string().optional(),
  type: z.string().optional(),
  spec: z.record(z.string(), z.unknown()),
});
const metricSchema = z.strictObject({ metricSource: metricSourceSchema });
const sliSpecSchema = z.strictObject({
  description: z.string().optional(),
  thresholdMetric: metricSchema.optional(),
  ratioMetric: z
    .strictObject({
      counter: z.boolean().optional(),
      good: metricSchema.optional(),
      bad: metricSchema.optional(),
      total: metricSchema.optional(),
      rawType: z.enum(['success', 'failure']).optional(),
      raw: metricSchema.optional(),
    })
    .optional(),
});
const indicatorSchema = z.strictObject({ metadata: metadataSchema, spec: sliSpecSchema });
const objectiveSchema = z.strictObject({
  displayName: z.string().optional(),
  op: z.enum(['lt', 'lte', 'gt', 'gte']).optional(),
  value: z.number().optional(),
  target: z.number().min(0).lt(1).optional(),
  targetPercent: z.number().min(0).lt(100).optional(),
  timeSliceTarget: z.number().optional(),
  timeSliceWindow: z.union([z.number(), z.string()]).optional(),
  indicator: z.unknown().optional(),
  indicatorRef: z.string().optional(),
  compositeWeight: z.number().optional(),
});
const sloSpecSchema = z.strictObject({
  description: z.string().optional(),
  service: z.string().optional(),
  indicator: indicatorSchema.optional(),
  indicatorRef: z.string().optional(),
  timeWindow: z
    .array(
      z.strictObject({
        duration: z.string(),
        isRolling: z.boolean().optional(),
        calendar: z.looseObject({}).optional(),
      }),
    )
    .optional(),
  budgetingMethod: z.string(),
  objectives: z.array(objectiveSchema).min(1),
  alertPolicies: z.array(z.unknown()).nullable().optional(),
});
const objectSchema = <S extends z.ZodType>(kind: string, spec: S) =>
  z.strictObject({ apiVersion: z.string(), kind: z.literal(kind), metadata: metadataSchema, spec });

const SCHEMAS = {
  SLO: objectSchema('SLO', sloSpecSchema),
  SLI: objectSchema('SLI', sliSpecSchema),
  DataSource: objectSchema(
    'DataSource',
    z.looseObject({ type: z.string(), connectionDetails: z.record(z.string(), z.unknown()).optional() }),
  ),
  Service: objectSchema('Service', z.looseObject({ description: z.string().optional() })),
};
type SloObject = z.output<(typeof SCHEMAS)['SLO']>;
type SliSpec = z.output<typeof sliSpecSchema>;
type Objective = z.output<typeof objectiveSchema>;
type MetricSource = z.output<typeof metricSourceSchema>;
type Metadata = z.output<typeof metadataSchema>;

/** OpenSLO kinds slokit has no counterpart for; their objects are reported, not converted. */
const NOT_CONVERTED_KINDS: Readonly<Record<string, string>> = {
  AlertPolicy:
    'slokit alerts with the error budget policy of each converted SLO (multiwindow burn rates from the SRE workbook)',
  AlertCondition: 'see AlertPolicy: slokit alerts with the error budget policy of each converted SLO',
  AlertNotificationTarget: 'slokit sends reports to exporters; notifications are left to Alertmanager',
};

// ------------------------------------------------------------------------------------------------------------
// Output.

/** A converted SLO: the slo-generator v2 document, and the OpenSLO object it came from. */
export interface ConvertedSlo {
  config: SloConfig;
  /** `file:line` of the OpenSLO SLO. */
  from: string;
}

/** A policy step as written to the converted shared config: windows as durations (`1h`, `28d`). */
export type ConvertedStep = Omit<PolicyStep, 'window' | 'short_window'> & {
  window: string;
  short_window?: string;
};

/** The shared config the converted SLOs need. */
export interface ConvertedConfig {
  backends: Record<string, { url: string }>;
  error_budget_policies: Record<string, { steps: ConvertedStep[] }>;
}

/** The result of a conversion. */
export interface Conversion {
  slos: ConvertedSlo[];
  config: ConvertedConfig;
  /** What was not converted (`not converted: ...`) or converted without a feature (`ignored: ...`). */
  notes: ConfigIssue[];
}

/** A reason an SLO (or objective) cannot be converted, at a path relative to the object it is about. */
class Refusal extends Error {
  constructor(
    readonly at: { object: OpensloObject; path: PropertyKey[] },
    message: string,
  ) {
    super(message);
  }
}

/** Every refusal found in one part of an SLO (its checks are independent), thrown together. */
class Refusals extends Error {
  constructor(readonly refusals: readonly Refusal[]) {
    super(refusals.map((r) => r.message).join('; '));
  }
}

/**
 * Runs `check`; a Refusal (or Refusals) it throws is added to `into` and undefined is returned, so the next
 * independent check still runs and the user sees every unsupported feature of an SLO at once.
 */
function attempt<T>(into: Refusal[], check: () => T): T | undefined {
  try {
    return check();
  } catch (error) {
    if (error instanceof Refusal) into.push(error);
    else if (error instanceof Refusals) into.push(...error.refusals);
    else throw error;
    return undefined;
  }
}

/** Throws the refusals collected, if any. */
function throwRefusals(refusals: readonly Refusal[]): void {
  if (refusals.length) throw new Refusals(refusals);
}

// ------------------------------------------------------------------------------------------------------------
// Time windows and the error budget policy.

const SHORTHAND = /^([1-9]\d*)([mhdwMQY])$/;
const UNIT_SECONDS: Readonly<Record<string, number>> = { m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * The error budget policy of an SLO window of `period` seconds: one step per alert window pair of
 * src/alerting/windows.ts (the SRE workbook's) whose long window is shorter than the period, with its short
 * window and the same burn-rate factor `rules generate` writes (`burnRateFactor`, neither rounded nor
 * clamped: 14.4, 6, 3 and 1 for 30 days; 13.44, 5.6, 2.8 and 0.9333… for 28 days), so a report's step and
 * the Prometheus alert of the same window pair compare against the same number; then one step over the whole period
 * at burn rate 1 (the SLO is missed over its window).
 */
export function workbookPolicy(period: number): ConvertedStep[] {
  const span = formatDuration(period);
  const steps: ConvertedStep[] = BURN_RATE_WINDOWS.filter((w) => w.long < period).map((w) => {
    const window = formatDuration(w.long);
    return {
      name: `${w.severity} ${window}`,
      window,
      short_window: formatDuration(w.short),
      burn_rate_threshold: burnRateFactor(w, period),
      message_alert: `${w.severity === 'page' ? 'Page' : 'Ticket'}: ${w.budgetPercent}% of the ${span} error budget burnt in ${window}`,
      message_ok: `Last ${window} within the ${span} error budget`,
    };
  });
  steps.push({
    name: `window ${span}`,
    window: span,
    burn_rate_threshold: 1,
    message_alert: `SLO missed: the ${span} error budget is spent`,
    message_ok: `Within the ${span} error budget`,
  });
  return steps;
}

/** Seconds of the SLO's rolling window; throws a Refusal for anything else. */
function windowSeconds(object: OpensloObject, slo: SloObject): number {
  const windows = slo.spec.timeWindow;
  const at = (path: PropertyKey[]) => ({ object, path: ['spec', 'timeWindow', ...path] });
  if (!windows || windows.length === 0) {
    throw new Refusal(
      { object, path: ['spec'] },
      'not converted: the SLO has no timeWindow; slokit needs its rolling window (e.g. timeWindow: [{duration: 28d, isRolling: true}])',
    );
  }
  if (windows.length > 1)
    throw new Refusal(at([1]), 'not converted: timeWindow must have exactly one item (OpenSLO v1)');
  const [window] = windows as [NonNullable<typeof windows>[number]];
  if (window.calendar !== undefined) {
    throw new Refusal(
      at([0, 'calendar']),
      'not converted: calendar-aligned time windows are not supported (slokit windows roll); use isRolling: true',
    );
  }
  if (window.isRolling !== true) {
    throw new Refusal(
      at(window.isRolling === undefined ? [0] : [0, 'isRolling']),
      'not converted: slokit windows roll: the time window needs isRolling: true',
    );
  }
  const match = SHORTHAND.exec(window.duration);
  if (!match) {
    throw new Refusal(
      at([0, 'duration']),
      `not converted: expected a duration shorthand such as 28d or 4w, got "${window.duration}"`,
    );
  }
  const unit = UNIT_SECONDS[match[2]!];
  if (unit === undefined) {
    throw new Refusal(
      at([0, 'duration']),
      `not converted: a rolling window of ${window.duration} has no fixed length (months, quarters and years vary); write it in days or weeks, e.g. 30d or 4w`,
    );
  }
  return Number(match[1]) * unit;
}

// ------------------------------------------------------------------------------------------------------------
// PromQL of the indicators.

/** How a query maps to a slokit filter: a counter selector (default operators), or an expression as written. */
type Filter = { kind: 'selector'; text: string } | { kind: 'expression'; text: string };

const hasWindowPlaceholder = (query: string) => /\[\s*window\s*[\]:]/.test(query);

/** The syntax tree of a query, or undefined when it has errors (`[window]` read as a one-day range). */
function parseQuery(query: string): Tree | undefined {
  const tree = parser.parse(query.replace(/\[\s*window\s*([\]:])/g, '[1d$1'));
  let ok = true;
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) ok = false;
      return ok;
    },
  });
  return ok ? tree : undefined;
}

/** The parsed query; throws a Refusal when it is not PromQL. */
function promql(query: string, at: Refusal['at']): Tree {
  const tree = parseQuery(query);
  if (!tree) throw new Refusal(at, `not converted: query "${query}" is not valid PromQL`);
  return tree;
}

/**
 * The counter selector of a query when it is one (`x{...}`) or `sum(<selector>)` without grouping; else
 * undefined.
 */
function counterSelector(query: string, tree: Tree): string | undefined {
  const top = tree.topNode.firstChild;
  if (top?.name === 'VectorSelector') return query;
  const op = top?.getChild('AggregateOp');
  if (!top || !op || top.getChild('AggregateModifier') || query.slice(op.from, op.to) !== 'sum')
    return undefined;
  const inner = top.getChild('FunctionCallBody')?.firstChild;
  if (inner?.name !== 'VectorSelector' || inner.nextSibling) return undefined;
  return query.slice(inner.from, inner.to);
}

/** The filter of a ratio metric's query; throws a Refusal saying what slokit needs. */
function ratioFilter(query: string, counter: boolean, at: Refusal['at']): Filter {
  const tree = promql(query, at);
  if (hasWindowPlaceholder(query)) return { kind: 'expression', text: query };
  const selector = counter ? counterSelector(query, tree) : undefined;
  if (selector !== undefined) return { kind: 'selector', text: selector };
  const why = counter
    ? 'slokit takes the increase of a counter over each window itself, so it needs the counter: a selector (http_requests_total{code="200"}) or sum(selector)'
    : 'a gauge (counter: false) has no count over a window slokit can derive';
  throw new Refusal(
    at,
    `not converted: query "${query}": ${why}; or write the count over the window with slokit's [window] placeholder, e.g. sum(increase(x[window]))`,
  );
}

const PROMQL_OPS: Readonly<Record<string, string>> = { lt: '<', lte: '<=', gt: '>', gte: '>=' };

// ------------------------------------------------------------------------------------------------------------
// The conversion.

interface Context {
  slis: Map<string, { object: OpensloObject; spec: SliSpec }>;
  dataSources: Map<string, { object: OpensloObject; type: string; url?: string }>;
  notes: ConfigIssue[];
}

/** A note at `path` inside `object`; the path shown starts at the document (`[2].spec...` in a list). */
const noteAt = (object: OpensloObject, path: readonly PropertyKey[], message: string): ConfigIssue => ({
  file: object.doc.file,
  ...object.doc.locate([...object.path, ...path]),
  path: formatPath([...object.path, ...path]),
  message,
});

/** The slokit backend key and URL of a metric source; throws a Refusal for non-Prometheus sources. */
function backendOf(context: Context, source: MetricSource, at: Refusal['at']): { key: string; url: string } {
  const ref = source.metricSourceRef;
  const dataSource = ref === undefined ? undefined : context.dataSources.get(ref);
  if (ref !== undefined && !dataSource && source.type === undefined) {
    throw new Refusal(
      { ...at, path: [...at.path, 'metricSourceRef'] },
      `not converted: metricSourceRef "${ref}" names no DataSource of the input and the source has no type`,
    );
  }
  const type = source.type ?? dataSource?.type ?? '';
  if (type.toLowerCase() !== 'prometheus') {
    throw new Refusal(
      { ...at, path: [...at.path, source.type === undefined ? 'metricSourceRef' : 'type'] },
      `not converted: metric source type "${type}" is not supported (slokit converts Prometheus sources)`,
    );
  }
  if (!dataSource) return { key: 'prometheus', url: DEFAULT_PROMETHEUS_URL };
  return { key: `prometheus/${ref}`, url: dataSource.url ?? DEFAULT_PROMETHEUS_URL };
}

/** The `query` of a Prometheus metric source; throws a Refusal when there is none. */
function queryOf(source: MetricSource, at: Refusal['at']): string {
  const query = source.spec.query;
  if (typeof query !== 'string' || query.trim() === '') {
    throw new Refusal(
      { ...at, path: [...at.path, 'spec'] },
      'not converted: a Prometheus metric source needs spec.query (a PromQL expression)',
    );
  }
  return query.trim();
}

/** What an indicator converts to, before objectives. */
interface Indicator {
  name: string;
  backend: { key: string; url: string };
  /** The SLI fields; for threshold metrics a function of the objective's op and value. */
  sli: (objective: Objective, at: Refusal['at']) => Record<string, unknown>;
  threshold: boolean;
}

/** Converts an SLI spec; `at` locates the spec (inline indicator or SLI object). */
function convertIndicator(context: Context, name: string, spec: SliSpec, at: Refusal['at']): Indicator {
  const under = (...path: PropertyKey[]): Refusal['at'] => ({
    object: at.object,
    path: [...at.path, ...path],
  });
  if ((spec.ratioMetric === undefined) === (spec.thresholdMetric === undefined)) {
    throw new Refusal(at, 'not converted: an SLI needs exactly one of ratioMetric and thresholdMetric');
  }
  if (spec.thresholdMetric) {
    const source = spec.thresholdMetric.metricSource;
    const where = under('thresholdMetric', 'metricSource');
    const refusals: Refusal[] = [];
    const backend = attempt(refusals, () => backendOf(context, source, where));
    const query = attempt(refusals, () => {
      const text = queryOf(source, where);
      promql(text, { object: at.object, path: [...where.path, 'spec', 'query'] });
      return text;
    });
    throwRefusals(refusals);
    return {
      backend: backend!,
      name,
      threshold: true,
      sli: (objective, objectiveAt) => {
        if (objective.op === undefined || objective.value === undefined) {
          throw new Refusal(objectiveAt, 'not converted: a thresholdMetric objective needs op and value');
        }
        const compared = `(${query}) ${PROMQL_OPS[objective.op]} bool ${objective.value}`;
        const range = `[window:${THRESHOLD_RESOLUTION}]`;
        return {
          filter_good: `sum(sum_over_time((${compared})${range}))`,
          filter_valid: `sum(count_over_time((${query})${range}))`,
          operators: [],
        };
      },
    };
  }
  const ratio = spec.ratioMetric!;
  if (ratio.raw !== undefined || ratio.rawType !== undefined) {
    throw new Refusal(
      under('ratioMetric', ratio.raw !== undefined ? 'raw' : 'rawType'),
      'not converted: precomputed ratios (ratioMetric.raw) are not supported; give good or bad, and total',
    );
  }
  if ((ratio.good === undefined) === (ratio.bad === undefined) || ratio.total === undefined) {
    throw new Refusal(
      under('ratioMetric'),
      'not converted: ratioMetric needs total and exactly one of good and bad',
    );
  }
  const numerator = ratio.good !== undefined ? 'good' : 'bad';
  const parts = { [numerator]: ratio[numerator]!, total: ratio.total };
  const counter = ratio.counter === true;
  const filters: Record<string, Filter> = {};
  const backends: { key: string; url: string }[] = [];
  const refusals: Refusal[] = [];
  for (const [part, metric] of Object.entries(parts)) {
    const where = under('ratioMetric', part, 'metricSource');
    const backend = attempt(refusals, () => backendOf(context, metric.metricSource, where));
    if (backend) backends.push(backend);
    const filter = attempt(refusals, () =>
      ratioFilter(
        queryOf(metric.metricSource, where),
        counter,
        under('ratioMetric', part, 'metricSource', 'spec', 'query'),
      ),
    );
    if (filter) filters[part] = filter;
  }
  throwRefusals(refusals);
  if (backends[0]!.key !== backends[1]!.key) {
    throw new Refusal(
      under('ratioMetric', 'total', 'metricSource'),
      'not converted: numerator and total come from different data sources; a slokit SLO has one backend',
    );
  }
  // One set of operators serves every filter: when one is an expression, the others are written out too.
  const expression = (filter: Filter) =>
    filter.kind === 'selector' ? `sum(increase(${filter.text}[window]))` : filter.text;
  let sli: Record<string, unknown>;
  if (numerator === 'good' && Object.values(filters).every((f) => f.kind === 'selector')) {
    sli = { filter_good: filters.good!.text, filter_valid: filters.total!.text };
  } else {
    // bad/total: good = total - bad, where a bad counter without series (no error yet) counts 0.
    const total = expression(filters.total!);
    const good =
      numerator === 'good'
        ? expression(filters.good!)
        : `${total} - (${expression(filters.bad!)} or vector(0))`;
    sli = { filter_good: good, filter_valid: total, operators: [] };
  }
  return { name, backend: backends[0]!, threshold: false, sli: () => sli };
}

/** The SLO's indicator: inline, or the SLI its `indicatorRef` names. */
function resolveIndicator(context: Context, object: OpensloObject, slo: SloObject): Indicator {
  const { indicator, indicatorRef } = slo.spec;
  if (indicator !== undefined && indicatorRef !== undefined) {
    throw new Refusal(
      { object, path: ['spec', 'indicatorRef'] },
      'not converted: give indicator or indicatorRef, not both',
    );
  }
  if (indicator !== undefined) {
    const at = { object, path: ['spec', 'indicator', 'spec'] };
    return convertIndicator(context, indicator.metadata.name, indicator.spec, at);
  }
  if (indicatorRef === undefined) {
    const composite = slo.spec.objectives.some(
      (o) => o.indicator !== undefined || o.indicatorRef !== undefined,
    );
    throw new Refusal(
      { object, path: composite ? ['spec', 'objectives'] : ['spec'] },
      composite
        ? 'not converted: composite SLOs (an indicator per objective) are not supported'
        : 'not converted: the SLO needs indicator or indicatorRef',
    );
  }
  const sli = context.slis.get(indicatorRef);
  if (!sli) {
    throw new Refusal(
      { object, path: ['spec', 'indicatorRef'] },
      `not converted: indicatorRef "${indicatorRef}" names no SLI of the input (SLIs: ${[...context.slis.keys()].join(', ') || 'none'})`,
    );
  }
  const at = { object: sli.object, path: ['spec'] };
  return convertIndicator(context, indicatorRef, sli.spec, at);
}

/** A label name Prometheus accepts (exporters turn labels into series labels): other characters become `_`. */
const labelName = (key: string) => key.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=\d)/, '_');

/** Names slokit writes to files: RFC 1123-like, never a path. */
const SAFE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/** slokit names of an SLO's objectives: the SLO's name alone, or with the objectives' names or numbers. */
function objectiveNames(name: string, objectives: readonly Objective[]): string[] {
  if (objectives.length === 1) return [name];
  const slugs = objectives.map((o) => slug(o.displayName ?? ''));
  const distinct = slugs.every((s) => s !== '') && new Set(slugs).size === slugs.length;
  return objectives.map((_, i) => `${name}-${distinct ? slugs[i] : i + 1}`);
}

/** `target`, or `targetPercent` as a ratio (12 significant digits: 99.9 % is 0.999, not 0.9990000000000001). */
function goalOf(objective: Objective, at: Refusal['at']): number {
  if ((objective.target === undefined) === (objective.targetPercent === undefined)) {
    throw new Refusal(at, 'not converted: an objective needs exactly one of target and targetPercent');
  }
  return objective.target ?? Number((objective.targetPercent! / 100).toPrecision(12));
}

/** Notes for objective fields that mean nothing for an Occurrences SLO of this kind of indicator. */
function ignoredObjectiveFields(objective: Objective, threshold: boolean): [string, string][] {
  const ignored: [string, string][] = [];
  for (const field of ['timeSliceTarget', 'timeSliceWindow'] as const) {
    if (objective[field] !== undefined)
      ignored.push([field, `ignored: ${field} applies to Timeslices budgeting only`]);
  }
  if (!threshold) {
    for (const field of ['op', 'value'] as const) {
      if (objective[field] !== undefined)
        ignored.push([field, `ignored: ${field} applies to thresholdMetric only`]);
    }
  }
  return ignored;
}

/** Reads the objects of the documents, checks them against the OpenSLO v1 schemas and indexes SLIs and DataSources. */
function collect(docs: readonly SourceDocument[]): {
  context: Context;
  slos: { object: OpensloObject; slo: SloObject }[];
} {
  const context: Context = { slis: new Map(), dataSources: new Map(), notes: [] };
  const { notes } = context;
  const objects: OpensloObject[] = [];
  for (const doc of docs) {
    const items = Array.isArray(doc.value)
      ? doc.value.map((value, i) => ({ value, path: [i] }))
      : [{ value: doc.value, path: [] }];
    for (const { value, path } of items) {
      const object = { doc, path, value: value as Record<string, unknown> };
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        notes.push(
          noteAt(object, [], 'not converted: expected an OpenSLO object (apiVersion, kind, metadata, spec)'),
        );
        continue;
      }
      objects.push(object);
    }
  }
  const slos: { object: OpensloObject; slo: SloObject }[] = [];
  for (const object of objects) {
    const { apiVersion, kind } = object.value;
    if (apiVersion !== OPENSLO_V1) {
      notes.push(
        noteAt(
          object,
          ['apiVersion'],
          `not converted: apiVersion ${JSON.stringify(apiVersion ?? null)} is not supported (slokit converts ${OPENSLO_V1})`,
        ),
      );
      continue;
    }
    if (typeof kind === 'string' && Object.hasOwn(NOT_CONVERTED_KINDS, kind)) {
      notes.push(noteAt(object, ['kind'], `not converted: kind ${kind}: ${NOT_CONVERTED_KINDS[kind]}`));
      continue;
    }
    if (typeof kind !== 'string' || !Object.hasOwn(SCHEMAS, kind)) {
      const known = [...Object.keys(SCHEMAS), ...Object.keys(NOT_CONVERTED_KINDS)].join(', ');
      notes.push(
        noteAt(
          object,
          ['kind'],
          `not converted: unknown kind ${JSON.stringify(kind ?? null)} (OpenSLO v1 kinds: ${known})`,
        ),
      );
      continue;
    }
    const checked = validateWith(
      SCHEMAS[kind as keyof typeof SCHEMAS],
      object.value,
      object.doc,
      object.path,
    );
    if (!checked.value) {
      notes.push(
        ...checked.issues.map((issue) => ({ ...issue, message: `not converted: ${issue.message}` })),
      );
      continue;
    }
    const { metadata, spec } = checked.value as { metadata: Metadata; spec: Record<string, unknown> };
    if (kind === 'SLO') slos.push({ object, slo: checked.value as SloObject });
    else if (kind === 'SLI') {
      const other = context.slis.get(metadata.name);
      if (other) {
        const where = other.object.doc.locate(other.object.path);
        notes.push(
          noteAt(
            object,
            ['metadata', 'name'],
            `not converted: another SLI is named "${metadata.name}" (${other.object.doc.file}:${where.line})`,
          ),
        );
      } else context.slis.set(metadata.name, { object, spec: spec as SliSpec });
    } else if (kind === 'DataSource') {
      const details = (spec.connectionDetails ?? {}) as Record<string, unknown>;
      const url = typeof details.url === 'string' ? details.url : undefined;
      const type = spec.type as string;
      if (type.toLowerCase() === 'prometheus') {
        for (const key of Object.keys(details).filter((k) => k !== 'url')) {
          notes.push(
            noteAt(
              object,
              ['spec', 'connectionDetails', key],
              `ignored: connectionDetails.${key} is not converted; set basic_auth, bearer_token or headers of backend "prometheus/${metadata.name}" in the shared config`,
            ),
          );
        }
      }
      context.dataSources.set(metadata.name, { object, type, url });
    }
  }
  return { context, slos };
}

/**
 * Converts OpenSLO v1 documents (as `parseOpenslo` returns them) to slokit SLOs and their shared config. Never
 * throws on bad input: what cannot be converted is in `notes` (see the module comment).
 */
export function convertOpenslo(docs: readonly SourceDocument[]): Conversion {
  const { context, slos: sources } = collect(docs);
  const { notes } = context;
  const slos: ConvertedSlo[] = [];
  const config: ConvertedConfig = { backends: {}, error_budget_policies: {} };
  const taken = new Map<string, string>();
  for (const { object, slo } of sources) {
    // A refusal inside a referenced SLI is reported there, naming the SLO it stops.
    const report = (refusal: Refusal) => {
      const elsewhere = refusal.at.object !== object ? ` (SLO "${slo.metadata.name}" uses it)` : '';
      notes.push(noteAt(refusal.at.object, refusal.at.path, `${refusal.message}${elsewhere}`));
    };
    // The SLO's own checks are independent: all run, so every unsupported feature is reported at once.
    const refusals: Refusal[] = [];
    const period = attempt(refusals, () => windowSeconds(object, slo));
    if (slo.spec.budgetingMethod !== 'Occurrences') {
      refusals.push(
        new Refusal(
          { object, path: ['spec', 'budgetingMethod'] },
          `not converted: budgetingMethod ${slo.spec.budgetingMethod} is not supported (slokit counts Occurrences: good and total events over the window)`,
        ),
      );
    }
    const indicator = attempt(refusals, () => resolveIndicator(context, object, slo));
    const { objectives } = slo.spec;
    if (indicator?.threshold && objectives.length > 1) {
      refusals.push(
        new Refusal(
          { object, path: ['spec', 'objectives'] },
          'not converted: a thresholdMetric SLO has exactly one objective (OpenSLO v1)',
        ),
      );
    }
    const converts = !refusals.length;
    if (converts && slo.spec.alertPolicies?.length) {
      notes.push(
        noteAt(
          object,
          ['spec', 'alertPolicies'],
          `ignored: alertPolicies are not converted; ${NOT_CONVERTED_KINDS.AlertPolicy}`,
        ),
      );
    }
    const policy = period === undefined ? '' : `openslo-${formatDuration(period)}`;
    const names = objectiveNames(slo.metadata.name, objectives);
    const from = `${object.doc.file}:${object.doc.locate(object.path).line}`;
    objectives.forEach((objective, i) => {
      const at = { object, path: ['spec', 'objectives', i] };
      const own: Refusal[] = [];
      if (
        objective.indicator !== undefined ||
        objective.indicatorRef !== undefined ||
        objective.compositeWeight !== undefined
      ) {
        own.push(
          new Refusal(
            at,
            'not converted: composite SLOs (an indicator or weight per objective) are not supported',
          ),
        );
      }
      const goal = attempt(own, () => goalOf(objective, at));
      const sli = indicator && attempt(own, () => indicator.sli(objective, at));
      refusals.push(...own);
      if (!converts || own.length || !indicator || goal === undefined || !sli || period === undefined) return;
      const name = names[i]!;
      attempt(refusals, () => {
        if (!SAFE_NAME.test(name)) {
          throw new Refusal(
            { object, path: ['metadata', 'name'] },
            `not converted: "${name}" cannot name a file; use letters, digits, "-", "_" and "."`,
          );
        }
        const other = taken.get(name);
        if (other)
          throw new Refusal(
            { object, path: ['metadata', 'name'] },
            `not converted: the SLO from ${other} is already named "${name}"`,
          );
        taken.set(name, from);
        for (const [field, message] of ignoredObjectiveFields(objective, indicator.threshold)) {
          notes.push(noteAt(object, [...at.path, field], message));
        }
        slos.push({
          config: sloConfig(slo, name, objective, objectives.length, indicator, policy, goal, sli),
          from,
        });
        config.backends[indicator.backend.key] = { url: indicator.backend.url };
        config.error_budget_policies[policy] ??= { steps: workbookPolicy(period) };
      });
    });
    // One reason shared by several objectives (a bad SLI they all use) is said once.
    const said = new Set<string>();
    for (const refusal of refusals) {
      const key = `${refusal.at.object.doc.file}|${formatPath([...refusal.at.object.path, ...refusal.at.path])}|${refusal.message}`;
      if (!said.has(key)) report(refusal);
      said.add(key);
    }
  }
  notes.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
  return { slos, config, notes };
}

/** The slo-generator v2 document of one objective. */
function sloConfig(
  slo: SloObject,
  name: string,
  objective: Objective,
  objectiveCount: number,
  indicator: Indicator,
  policy: string,
  goal: number,
  sli: Record<string, unknown>,
): SloConfig {
  const labels: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(slo.metadata.labels ?? {})) {
    labels[labelName(key)] = Array.isArray(value) ? value.join(',') : value;
  }
  if (slo.spec.service !== undefined) labels.service_name ??= slo.spec.service;
  labels.feature_name ??= indicator.name;
  labels.slo_name ??= name;
  const base = slo.spec.description ?? slo.metadata.displayName ?? '';
  const label = objective.displayName ?? `objective ${goal}`;
  return {
    apiVersion: 'sre.google.com/v2',
    kind: 'ServiceLevelObjective',
    metadata: {
      name,
      labels,
      ...(slo.metadata.annotations ? { annotations: slo.metadata.annotations } : {}),
    },
    spec: {
      description: objectiveCount > 1 ? `${base} (${label})`.trim() : base,
      backend: indicator.backend.key,
      method: 'good_bad_ratio',
      error_budget_policy: policy,
      service_level_indicator: sli,
      goal,
    },
  };
}
