/**
 * The shape of a backend instance, for plugin authors and the engine: slo-generator's backend contract. The
 * engine calls the method an SLO's `spec.method` names (also in camelCase: `good_bad_ratio` or
 * `goodBadRatio`) as `method(timestamp, window, sloConfig)` and awaits its result. The methods slo-generator
 * documents are typed below; any other method name works too and is typed as `BackendMethod`.
 */
import type { GoodBadCounts } from '../domain/types.js';
import type { BackendMethod } from './types.js';

/**
 * Arguments of every backend method (those of `BackendMethod`): `timestamp`, the run's evaluation time
 * (Unix seconds, fractional); `window`, the policy step's window (seconds); `slo`, the whole SLO config
 * (slo-generator passes it whole, so a method may read any field: `slo.spec.service_level_indicator`,
 * `slo.metadata.labels`...).
 */
export type BackendMethodArgs = Parameters<BackendMethod>;

/** `good_bad_ratio`: good and bad event counts over the window (`NO_DATA` for a side without samples). */
export type GoodBadRatioMethod = (...args: BackendMethodArgs) => GoodBadCounts | Promise<GoodBadCounts>;

/** `query_sli`: the SLI over the window directly, a ratio between 0 and 1 (or `NO_DATA`). */
export type QuerySliMethod = (...args: BackendMethodArgs) => number | Promise<number>;

/** `distribution_cut`: good and bad counts split at a latency threshold, like `good_bad_ratio`. */
export type DistributionCutMethod = GoodBadRatioMethod;

/**
 * A backend instance: any object; the methods slo-generator documents, when present, must have these
 * signatures (snake_case as in slo-generator, or camelCase). Custom methods are not listed (TypeScript
 * cannot type "every other method"); they follow `BackendMethod`. A method that throws, rejects or returns
 * anything else gives the SLO an invalid report naming the problem; it never stops other SLOs.
 *
 * `object &` keeps classes with only custom methods assignable (an all-optional type alone would reject
 * objects sharing no property with it).
 */
export type Backend = object & {
  good_bad_ratio?: GoodBadRatioMethod;
  goodBadRatio?: GoodBadRatioMethod;
  query_sli?: QuerySliMethod;
  querySli?: QuerySliMethod;
  distribution_cut?: DistributionCutMethod;
  distributionCut?: DistributionCutMethod;
};
