/** What both generations of Iter8 provider files compile to. */
import type { MetricRequest } from './request.js';
import type { Values } from './values.js';

/**
 * The two generations of Iter8 metric definitions (reference/iter8.md §0): `template`, the newer provider
 * file (the whole file a Go template, `url`/`metrics[]`, Iter8 v0.11-v0.14), and `metric-crd`, the older
 * Kubernetes `Metric` objects (`urlTemplate`, `authType`, `$placeholders`, Iter8 v0.5-v0.7).
 */
export type Generation = 'template' | 'metric-crd';

/**
 * One metric of a provider rendered for one version: its request and jq expression, or the problem that
 * makes it unavailable before anything is sent (a type other than counter/gauge, a URL without a scheme).
 */
export type RenderedMetric = { name: string; jqExpression: string } & (
  | { request: MetricRequest }
  | { problem: string }
);

/** A compiled provider file. */
export interface Provider {
  /** How errors name the file: the path as given, or the URL without credentials. */
  readonly location: string;
  readonly generation: Generation;
  /**
   * The provider's metrics rendered with one version's `values` at `nowMs` (ms since the epoch, the time
   * the elapsed time runs to); `version` (0-based) only labels errors. Throws ConfigError for problems of
   * the whole provider (template execution, YAML of the rendered text, fields of the wrong type,
   * `startingTime`), naming the file and position. Secrets never appear in the error.
   */
  render(values: Values, nowMs: number, version: number): RenderedMetric[];
}
