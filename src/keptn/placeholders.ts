/**
 * SLI queries of one get-sli request, as prometheus-service builds them (reference/keptn.md §3.3, §3.4). Pure.
 *
 * Placeholders, by precedence (prometheus-service's order of replacement): every custom filter `{key, value}`
 * fills `$<key>` and `$<KEY>` (value without `'` and `"`), then `$PROJECT`, `$STAGE`, `$SERVICE`,
 * `$DEPLOYMENT`, `$LABEL.<name>` and `$DURATION_SECONDS` (`ceil(end − start)` seconds + `s`). So a filter
 * named `stage` overrides `$STAGE`, as the SLO spec's "default filters can be overwritten" says.
 *
 * Two deliberate differences from prometheus-service's chain of plain text replacements, both only visible
 * when names collide: the text is scanned once and at each `$` the longest placeholder name wins (a filter
 * `handler` no longer corrupts `$handlerName` when `handlerName` is a placeholder too; label order no longer
 * matters), and a substituted value is not scanned again (a label value containing `$STAGE` stays as sent).
 * A name that is no placeholder stays as written, and a shorter name still matches a longer text
 * (`$STAGE_X` → `<stage>_X` when there is no placeholder `STAGE_X`), as in prometheus-service.
 */

/** One entry of `data.get-sli.customFilters`. */
export interface CustomFilter {
  key: string;
  value: string;
}

/** What placeholders are filled from: the triggered event's context and its time frame. */
export interface QueryContext {
  project: string;
  stage: string;
  service: string;
  /** See `deploymentOf`. */
  deployment: string;
  labels: Readonly<Record<string, string>>;
  customFilters: readonly CustomFilter[];
  /** `$DURATION_SECONDS`, e.g. `30s`. */
  duration: string;
}

const stripQuotes = (value: string) => value.replace(/['"]/g, '');

/**
 * prometheus-service's deployment: the `deployment` label wins over `data.deployment`; neither given →
 * `primary`.
 */
export function deploymentOf(
  deployment: string | undefined,
  labels: Readonly<Record<string, string>>,
): string {
  if (Object.hasOwn(labels, 'deployment')) return labels.deployment!;
  return deployment ? deployment : 'primary';
}

/** Placeholder names (without `$`) and their values; the first given for a name wins. */
function placeholderValues(context: QueryContext): Map<string, string> {
  const values = new Map<string, string>();
  const set = (name: string, value: string) => {
    if (!values.has(name)) values.set(name, value);
  };
  for (const { key, value } of context.customFilters) {
    set(key, stripQuotes(value));
    set(key.toUpperCase(), stripQuotes(value));
  }
  set('PROJECT', context.project);
  set('STAGE', context.stage);
  set('SERVICE', context.service);
  set('DEPLOYMENT', context.deployment);
  for (const [name, value] of Object.entries(context.labels)) set(`LABEL.${name}`, value);
  set('DURATION_SECONDS', context.duration);
  values.delete('');
  return values;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `query` with its placeholders filled (see the module comment). */
export function fillPlaceholders(query: string, context: QueryContext): string {
  const values = placeholderValues(context);
  if (values.size === 0 || !query.includes('$')) return query;
  const names = [...values.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const pattern = new RegExp(`\\$(${names.join('|')})`, 'g');
  return query.replace(pattern, (_, name: string) => values.get(name)!);
}

const OPERATORS = ['=~', '!~', '!=', '='];

/**
 * The label matchers of the built-in queries: each filter as `key='value'` (quotes removed), or as
 * `key<value>` when the value starts with an operator (`=`, `!=`, `=~`, `!~`; `"` turned into `'`), joined
 * with `,`; `job='<service>-<project>-<stage>-canary'` first unless a filter is named `job`.
 */
export function defaultFilterExpression(context: QueryContext): string {
  const parts = context.customFilters.map(({ key, value }) =>
    OPERATORS.some((op) => value.startsWith(op))
      ? `${key}${value.replace(/"/g, "'")}`
      : `${key}='${stripQuotes(value)}'`,
  );
  if (!context.customFilters.some((f) => f.key === 'job')) {
    parts.unshift(`job='${context.service}-${context.project}-${context.stage}-canary'`);
  }
  return parts.join(',');
}

/** The SLIs prometheus-service answers without an sli.yaml entry. */
export const DEFAULT_SLIS = [
  'throughput',
  'error_rate',
  'response_time_p50',
  'response_time_p90',
  'response_time_p95',
] as const;

/**
 * The built-in query of a default SLI (`DEFAULT_SLIS`), or undefined for any other name. Metrics as
 * prometheus-service assumes them: `http_requests_total` with a `status` label and the
 * `http_response_time_milliseconds` histogram.
 */
export function defaultQuery(sli: string, context: QueryContext): string | undefined {
  const f = defaultFilterExpression(context);
  const d = context.duration;
  if (sli === 'throughput') return `sum(rate(http_requests_total{${f}}[${d}]))`;
  if (sli === 'error_rate') {
    return `sum(rate(http_requests_total{${f},status!~'2..'}[${d}]))/sum(rate(http_requests_total{${f}}[${d}]))`;
  }
  const p = /^response_time_p(50|90|95)$/.exec(sli)?.[1];
  if (p)
    return `histogram_quantile(0.${p},sum(rate(http_response_time_milliseconds_bucket{${f}}[${d}]))by(le))`;
  return undefined;
}
