/**
 * PromQL construction for the Prometheus backend, slo-generator's rules exactly:
 * - `[window` in the text becomes `[<seconds>s` (so `[window]` and subqueries `[window:1m]` both work);
 *   without a placeholder, `[<seconds>s]` is appended to the whole expression;
 * - operators wrap the expression in list order, first = innermost (default `increase` then `sum`);
 * - extra labels (`le` for distribution_cut) are injected before every `}`.
 */

/** Builds the PromQL of one query. */
export function formatQuery(
  query: string,
  window: number,
  operators: readonly string[] = [],
  labels: Readonly<Record<string, string>> = {},
): string {
  let promql = query.trim();
  promql = promql.includes('[window') ? promql.replaceAll('[window', `[${window}s`) : `${promql}[${window}s]`;
  for (const operator of operators) promql = `${operator}(${promql})`;
  for (const [name, value] of Object.entries(labels)) {
    promql = promql.replaceAll('}', `, ${name}="${value}"}`);
  }
  return promql;
}

/** Default operators of good_bad_ratio and distribution_cut. */
export const DEFAULT_OPERATORS = ['increase', 'sum'] as const;

/**
 * The `le` label text for a threshold, as slo-generator's `str()` gives it. Integers print as such
 * (1 → "1"); floats written in an SLO file reach here as the text Python prints ("1.0"), see config/load.ts.
 */
export function thresholdLabel(threshold: number | string): string {
  return String(threshold);
}
