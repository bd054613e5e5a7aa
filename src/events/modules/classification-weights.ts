/**
 * The weighted history behind slo-exporter's statisticalClassifier (shared/reference/slo-exporter.md §3.6):
 * weights per (SLO domain, SLO class) are added to a current bucket; every update interval the bucket is
 * archived into a history of at most `buckets` buckets (the oldest falls out) and the totals over the history
 * are recomputed. A weighted random pick among the totals (or default weights) guesses a classification.
 * Pure: the caller decides when to archive and supplies the random numbers.
 */

/** A weight for one (domain, class) pair. */
export interface ClassWeight {
  domain: string;
  class: string;
  /** Non-negative; a pair is picked with probability weight / total. */
  weight: number;
}

type Bucket = Map<string, ClassWeight>;

/** Exact identity of a (domain, class) pair. */
const pairKey = (domain: string, cls: string) => JSON.stringify([domain, cls]);

function add(bucket: Bucket, domain: string, cls: string, weight: number): void {
  const key = pairKey(domain, cls);
  const entry = bucket.get(key);
  if (entry) entry.weight += weight;
  else bucket.set(key, { domain, class: cls, weight });
}

/**
 * One weight per (domain, class) pair, the sum of its weights in `weights`, in order of first appearance.
 * Picking among the sums is the same as picking among the separate weights.
 */
export function sumByPair(weights: Iterable<ClassWeight>): ClassWeight[] {
  const sums: Bucket = new Map();
  for (const { domain, class: cls, weight } of weights) add(sums, domain, cls, weight);
  return [...sums.values()];
}

/** Recent weights and a capped history of archived buckets. */
export class WeightHistory {
  private recent: Bucket = new Map();
  /** Archived buckets, newest first. */
  private readonly history: Bucket[] = [];
  private totalsOverHistory: readonly ClassWeight[] = [];

  /** `buckets`: how many archived buckets are kept (slo-exporter: window / interval, rounded down; may be 0). */
  constructor(readonly buckets: number) {}

  /** Adds `weight` to the pair in the current bucket (seen by `totals` after the next `archive`). */
  increase(domain: string, cls: string, weight: number): void {
    add(this.recent, domain, cls, weight);
  }

  /** Archives the current bucket, drops buckets beyond the cap and recomputes the totals. */
  archive(): void {
    this.history.unshift(this.recent);
    this.recent = new Map();
    if (this.history.length > this.buckets) this.history.length = this.buckets;
    // Oldest first, so pairs keep the order in which they first appeared.
    const oldestFirst = [...this.history].reverse();
    this.totalsOverHistory = sumByPair(oldestFirst.flatMap((bucket) => [...bucket.values()]));
  }

  /** The summed weights of the archived buckets; empty when no bucket holds any weight. */
  totals(): readonly ClassWeight[] {
    return this.totalsOverHistory;
  }
}

/**
 * Picks one of `weights` with probability proportional to its weight; `random` gives a number in [0, 1) and
 * is called once, only when there is something to pick. Undefined when the weights sum to 0.
 */
export function pickWeighted<T extends { weight: number }>(
  weights: readonly T[],
  random: () => number,
): T | undefined {
  let total = 0;
  for (const { weight } of weights) total += weight;
  if (!(total > 0)) return undefined;
  const target = random() * total;
  let sum = 0;
  for (const item of weights) {
    sum += item.weight;
    if (target < sum) return item;
  }
  // Only reachable through rounding at the very top of the range: the last item with weight wins.
  return weights.findLast((item) => item.weight > 0);
}
