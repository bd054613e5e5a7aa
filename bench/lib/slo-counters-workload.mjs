/**
 * Workload of bench/slo-counters.mjs: SLO events for the counter cascade (slo-exporter's four
 * `slo_events_total` families), shaped so the exposition holds exactly `series` sample lines, generated
 * deterministically from a seed.
 *
 * Shape: 2 rules (additional_metadata `slo_type: availability` / `latency`), 4 domains x 2 classes x 25 apps,
 * and as many distinct event keys (`/api/v1/resource-<n>/items`, one app each) as it takes to reach `series`
 * lines: every label set is two lines (result fail and success), so
 * keys = series / 2 - (rules x (domains + domains x classes + domains x classes x apps)).
 *
 * Events are built on the fly with fresh strings, as a parser hands them over (no string hash is cached
 * yet), by the same code for every variant: `fill()` sends each key's event once (creating every series),
 * `spread(n)` sends n events over keys drawn uniformly, 10 % of them failures.
 */
import { seededRandom } from './random.mjs';

const RULES = [{ slo_type: 'availability' }, { slo_type: 'latency' }];
const DOMAINS = 4;
const CLASSES = ['critical', 'high'];
/** Prefixed copies: `slice(1)` of them gives a fresh string of each class name. */
const CLASS_SOURCES = CLASSES.map((c) => ` ${c}`);
const APPS = 25;
const GROUPS = RULES.length * DOMAINS * CLASSES.length * APPS;

/** Rule YAML of the workload (parse it with the rules-file parser of the variant that needs rules). */
export const RULES_YAML = `rules:\n${RULES.map((m) => `  - additional_metadata: {slo_type: ${m.slo_type}}\n`).join('')}`;

/** Metadata label names of the rules (prom-client declares them up front). */
export const METADATA_NAMES = ['slo_type'];

/**
 * Distinct event keys for an exposition of `series` lines; throws when `series` is odd or too small to hold
 * every rule/domain/class/app label set with at least one key each.
 */
export function keysFor(series) {
  const coarse = RULES.length * (DOMAINS + DOMAINS * CLASSES.length + GROUPS / RULES.length);
  const keys = series / 2 - coarse;
  if (!Number.isInteger(keys) || keys < GROUPS) {
    throw new Error(
      `cannot shape ${series} series: need an even number of at least ${2 * (coarse + GROUPS)}`,
    );
  }
  return keys;
}

/**
 * The event source: `emit(rule index, domain, class, app, key, result, quantity)` is called once per event
 * with fresh strings. Key `k` belongs to rule/domain/class/app group `k % GROUPS`.
 * @param {number} series
 * @param {number} seed
 */
export function workload(series, seed) {
  const keys = keysFor(series);
  const group = (k) => {
    const g = k % GROUPS;
    const rule = g % RULES.length;
    const rest = (g - rule) / RULES.length;
    const app = rest % APPS;
    const cls = ((rest - app) / APPS) % CLASSES.length;
    const domain = (rest - app - cls * APPS) / APPS / CLASSES.length;
    return { rule, domain, cls, app };
  };
  /** @param {number} k @param {boolean} fail @param {(...a: any[]) => void} emit */
  const send = (k, fail, emit) => {
    const { rule, domain, cls, app } = group(k);
    emit(
      rule,
      `domain-${domain}`,
      CLASS_SOURCES[cls].slice(1),
      `app-${app}-frontend`,
      `/api/v1/resource-${k}/items`,
      fail ? 'fail' : 'success',
      1,
    );
  };
  return {
    keys,
    rules: RULES,
    /** One success event per key, in key order. */
    fill(emit) {
      for (let k = 0; k < keys; k++) send(k, false, emit);
    },
    /** `n` events over uniformly drawn keys, 10 % failures, the same sequence for the same seed. */
    spread(n, emit) {
      const random = seededRandom(seed);
      for (let i = 0; i < n; i++) send(Math.floor(random() * keys), random() < 0.1, emit);
    },
  };
}
