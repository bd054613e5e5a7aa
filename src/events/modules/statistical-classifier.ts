/**
 * slo-exporter's `statisticalClassifier` module (shared/reference/slo-exporter.md §3.6): guesses the
 * classification of unclassified events from the classifications seen recently.
 *
 * - A classified event adds weight 1 to its (domain, class) and passes on (`result="increased-weight"`).
 * - An unclassified event gets a (domain, class) picked at random, weighted by the totals over the history
 *   window (or by `defaultWeights` while the history holds nothing), with app `statistically-guessed`
 *   (`result="classified"`). With nothing to pick from (no weights, or all 0) the event is dropped
 *   (`result="unclassified"` and `errors_total{type="failedToClassify"}`).
 * - Every `historyWeightUpdateInterval` the recent weights are archived; the history keeps
 *   `historyWindowSize / historyWeightUpdateInterval` (rounded down) intervals. The clock is read when events
 *   arrive and on scrapes, and every interval that passed is archived then, so the result is the same as
 *   slo-exporter's ticker.
 * - `classification_weight{slo_domain, slo_class}` shows the weights in use now: the history's totals, or the
 *   default weights while the history is empty (slo-exporter keeps showing the last value set for a pair
 *   that is no longer in use; slokit shows only the current ones).
 *
 * ```yaml
 * statisticalClassifier:
 *   historyWindowSize: 30m              # default 30m
 *   historyWeightUpdateInterval: 1m     # default 1m
 *   defaultWeights:
 *     - weight: 1
 *       classification: {sloDomain: userportal, sloClass: critical}
 * ```
 */
import type { ConfigIssue } from '../../config/errors.js';
import type { SourceDocument } from '../../config/yaml-source.js';
import { parseGoFloat } from '../../lang/go-float.js';
import type { MetricFamily } from '../../lang/prometheus-text.js';
import { LiteralYamlReader, type YamlPath } from '../literal-yaml-reader.js';
import { ModuleConfigReader } from '../module-config.js';
import type { EventProcessor, PipelineEvent, ProcessorModule } from '../pipeline-event.js';
import { isClassified } from './classification.js';
import { type ClassWeight, pickWeighted, sumByPair, WeightHistory } from './classification-weights.js';
import { byPosition } from './issue-order.js';
import { MetricVec, moduleMetricPrefix } from './module-metrics.js';

const NAME = 'statisticalClassifier';
const PREFIX = moduleMetricPrefix(NAME);
/** The app of a guessed classification, so guessed events stay distinguishable. */
export const GUESSED_APP = 'statistically-guessed';

/** The module's settings, defaults applied. */
export interface StatisticalClassifierConfig {
  /** Milliseconds of history the weights sum over. */
  historyWindowMs: number;
  /** Milliseconds between archivings of the recent weights. */
  historyWeightUpdateIntervalMs: number;
  /** Weights used while the history is empty, in config order (a pair listed twice counts with both). */
  defaultWeights: readonly ClassWeight[];
}

/** A StatisticalClassifier's settings and, for tests and replays, its clock and random source. */
export interface StatisticalClassifierOptions extends StatisticalClassifierConfig {
  /** Current time in milliseconds; default `Date.now`. */
  now?: () => number;
  /** A number in [0, 1); default `Math.random`. */
  random?: () => number;
  /** Config problems slo-exporter accepts silently, for the caller to log. */
  warnings?: readonly ConfigIssue[];
}

/** Guesses classifications of unclassified events from recent classified ones. */
export class StatisticalClassifier implements EventProcessor {
  readonly moduleName = NAME;
  /** See `StatisticalClassifierOptions.warnings`. */
  readonly warnings: readonly ConfigIssue[];
  private readonly history: WeightHistory;
  private readonly defaultWeights: readonly ClassWeight[];
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly random: () => number;
  /** When the next archiving is due, milliseconds. */
  private nextArchive: number;
  private readonly processed = new MetricVec(
    `${PREFIX}events_processed_total`,
    'Events seen by the statistical classifier, by result: classified (guessed), unclassified (dropped: nothing to guess from) or increased-weight (already classified, counted into the weights).',
    'counter',
    ['result'],
  );
  private readonly errors = new MetricVec(
    `${PREFIX}errors_total`,
    'Errors of the statistical classifier, by type; failedToClassify events are dropped.',
    'counter',
    ['type'],
  );

  constructor(options: StatisticalClassifierOptions) {
    this.history = new WeightHistory(
      Math.floor(options.historyWindowMs / options.historyWeightUpdateIntervalMs),
    );
    this.defaultWeights = sumByPair(options.defaultWeights);
    this.intervalMs = options.historyWeightUpdateIntervalMs;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.warnings = options.warnings ?? [];
    this.nextArchive = this.now() + this.intervalMs;
  }

  process(event: PipelineEvent): PipelineEvent | undefined {
    this.archiveDue();
    if (isClassified(event)) {
      this.history.increase(event.classification.domain, event.classification.class, 1);
      this.processed.inc('increased-weight');
      return event;
    }
    const guess = pickWeighted(this.weightsInUse(), this.random);
    if (!guess) {
      this.processed.inc('unclassified');
      this.errors.inc('failedToClassify');
      return undefined;
    }
    event.classification = { domain: guess.domain, class: guess.class, app: GUESSED_APP };
    this.processed.inc('classified');
    return event;
  }

  /** The history's totals, or the default weights while the history holds none. */
  weightsInUse(): readonly ClassWeight[] {
    const totals = this.history.totals();
    return totals.length ? totals : this.defaultWeights;
  }

  /**
   * Archives once per interval that has ended. After `buckets + 1` archivings every kept bucket is empty,
   * so more are not needed: a long pause costs no more than that.
   */
  private archiveDue(): void {
    const now = this.now();
    if (now < this.nextArchive) return;
    const due = Math.floor((now - this.nextArchive) / this.intervalMs) + 1;
    for (let i = 0; i < Math.min(due, this.history.buckets + 1); i++) this.history.archive();
    this.nextArchive += due * this.intervalMs;
  }

  families(): MetricFamily[] {
    this.archiveDue();
    const weights = this.weightsInUse();
    const weightFamily: MetricFamily[] = weights.length
      ? [
          {
            name: `${PREFIX}classification_weight`,
            help: 'Weight of each SLO domain and class in the guesses now: summed over the history window, or the default weights while the history is empty.',
            type: 'gauge',
            samples: weights.map(({ domain, class: cls, weight }) => ({
              labels: { slo_domain: domain, slo_class: cls },
              value: weight,
            })),
          },
        ]
      : [];
    return [...this.processed.families(), ...this.errors.families(), ...weightFamily];
  }
}

const KEYS = ['historyWindowSize', 'historyWeightUpdateInterval', 'defaultWeights'] as const;
const DEFAULT_WINDOW_MS = 30 * 60_000;
const DEFAULT_INTERVAL_MS = 60_000;

/**
 * Reads the module config at `path` (viper rules: keys in any case, also inside `defaultWeights`; unknown
 * keys are errors). A weight must be a non-negative number. `warnings` get what slo-exporter accepts but
 * makes no sense: a window shorter than the interval (the history then never holds anything) and a default
 * weight without domain or class.
 */
export function parseStatisticalClassifierModule(
  doc: SourceDocument,
  path: YamlPath,
): { config?: StatisticalClassifierConfig; issues: ConfigIssue[]; warnings: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const module = ModuleConfigReader.open(doc, path, KEYS, issues);
  if (!module) return { issues, warnings };
  const historyWindowMs = module.durationMs('historyWindowSize', DEFAULT_WINDOW_MS);
  const historyWeightUpdateIntervalMs = module.durationMs('historyWeightUpdateInterval', DEFAULT_INTERVAL_MS);
  if (historyWindowMs < historyWeightUpdateIntervalMs) {
    const at = module.has('historyWindowSize') ? 'historyWindowSize' : 'historyWeightUpdateInterval';
    new LiteralYamlReader(doc, warnings).issue(
      module.at(at),
      'the history window is shorter than the update interval: no history is kept',
    );
  }
  const defaultWeights = readDefaultWeights(doc, module, issues, warnings);
  const config = { historyWindowMs, historyWeightUpdateIntervalMs, defaultWeights };
  issues.sort(byPosition);
  warnings.sort(byPosition);
  return issues.length ? { issues, warnings } : { config, issues, warnings };
}

/** The `defaultWeights` list: `{weight, classification: {sloDomain, sloClass}}` items. */
function readDefaultWeights(
  doc: SourceDocument,
  module: ModuleConfigReader<(typeof KEYS)[number]>,
  issues: ConfigIssue[],
  warnings: ConfigIssue[],
): ClassWeight[] {
  const list = module.value('defaultWeights');
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    module.issue('defaultWeights', `expected a list, got ${module.reader.describeType(list)}`);
    return [];
  }
  const weights: ClassWeight[] = [];
  list.forEach((_, i) => {
    const itemPath = [...module.at('defaultWeights'), i];
    const item = ModuleConfigReader.open(doc, itemPath, ['weight', 'classification'] as const, issues);
    if (!item) return;
    const classification = ModuleConfigReader.open(
      doc,
      item.at('classification'),
      ['sloDomain', 'sloClass'] as const,
      issues,
    );
    const text = item.text('weight') ?? '';
    // slo-exporter decodes a missing weight as 0.
    const weight = text === '' ? 0 : parseGoFloat(text);
    if (weight === undefined || !(weight >= 0) || weight === Number.POSITIVE_INFINITY)
      item.issue('weight', `expected a non-negative number, got "${text}"`);
    if (!classification) return;
    const domain = classification.text('sloDomain') ?? '';
    const cls = classification.text('sloClass') ?? '';
    if (domain === '' || cls === '') {
      new LiteralYamlReader(doc, warnings).issue(
        item.at('classification'),
        'sloDomain and sloClass should both be set: a guess without them stays unclassified',
      );
    }
    weights.push({ domain, class: cls, weight: weight ?? 0 });
  });
  return weights;
}

/** The `statisticalClassifier` module. */
export const statisticalClassifierModule: ProcessorModule = {
  name: NAME,
  async load(doc, path) {
    const { config, issues, warnings } = parseStatisticalClassifierModule(doc, path);
    return config ? { processor: new StatisticalClassifier({ ...config, warnings }), issues } : { issues };
  },
};
