/** statisticalClassifier (shared/reference/slo-exporter.md §3.6), with an injected clock and random source. */
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../../src/config/errors.js';
import { parseSource } from '../../../src/config/yaml-source.js';
import { pickWeighted, WeightHistory } from '../../../src/events/modules/classification-weights.js';
import {
  GUESSED_APP,
  parseStatisticalClassifierModule,
  StatisticalClassifier,
  type StatisticalClassifierOptions,
  statisticalClassifierModule,
} from '../../../src/events/modules/statistical-classifier.js';
import type { SloClassification } from '../../../src/events/pipeline-event.js';
import { exposition, load, loadValid, rawEvent } from './helpers.js';

const MINUTE = 60_000;

/** A classifier on a clock the test moves, with the random numbers the test queues. */
function setup(options: Partial<StatisticalClassifierOptions> = {}) {
  let now = 1_000_000;
  const randoms: number[] = [];
  const classifier = new StatisticalClassifier({
    historyWindowMs: 3 * MINUTE,
    historyWeightUpdateIntervalMs: MINUTE,
    defaultWeights: [],
    now: () => now,
    random: () => {
      const next = randoms.shift();
      if (next === undefined) throw new Error('the test queued no random number');
      return next;
    },
    ...options,
  });
  return {
    classifier,
    advance: (ms: number) => {
      now += ms;
    },
    /** The classification guessed for an unclassified event with the random number `random`. */
    guess(random: number): SloClassification | undefined {
      randoms.push(random);
      return classifier.process(rawEvent({}))?.classification;
    },
    see(domain: string, cls: string, times = 1) {
      for (let i = 0; i < times; i++)
        classifier.process(rawEvent({}, { domain, class: cls, app: 'real-app' }));
    },
  };
}

const guessed = (domain: string, cls: string): SloClassification => ({
  domain,
  class: cls,
  app: GUESSED_APP,
});

describe('pickWeighted', () => {
  const weights = [
    { name: 'a', weight: 1 },
    { name: 'zero', weight: 0 },
    { name: 'b', weight: 3 },
  ];
  it.each([
    [0, 'a'],
    [0.2499, 'a'],
    [0.25, 'b'],
    [0.999999, 'b'],
  ])('random %f picks %s (weights 1, 0, 3)', (random, name) => {
    expect(pickWeighted(weights, () => random)?.name).toBe(name);
  });
  it('picks nothing when the weights sum to 0', () => {
    const random = () => {
      throw new Error('no random number is needed');
    };
    expect(pickWeighted([], random)).toBeUndefined();
    expect(pickWeighted([{ weight: 0 }], random)).toBeUndefined();
  });
});

describe('WeightHistory', () => {
  it('sums the kept buckets and drops the oldest beyond the cap', () => {
    const history = new WeightHistory(2);
    history.increase('d', 'c1', 1);
    history.increase('d', 'c1', 1);
    expect(history.totals()).toEqual([]);
    history.archive();
    history.increase('d', 'c2', 5);
    history.increase('d', 'c1', 1);
    history.archive();
    expect(history.totals()).toEqual([
      { domain: 'd', class: 'c1', weight: 3 },
      { domain: 'd', class: 'c2', weight: 5 },
    ]);
    history.archive();
    expect(history.totals()).toEqual([
      { domain: 'd', class: 'c2', weight: 5 },
      { domain: 'd', class: 'c1', weight: 1 },
    ]);
  });

  it('keeps nothing with 0 buckets, and tells pairs apart exactly', () => {
    const none = new WeightHistory(0);
    none.increase('d', 'c', 1);
    none.archive();
    expect(none.totals()).toEqual([]);
    const history = new WeightHistory(1);
    history.increase('a:b', 'c', 1);
    history.increase('a', 'b:c', 1);
    history.archive();
    expect(history.totals()).toHaveLength(2);
  });
});

describe('StatisticalClassifier', () => {
  it('guesses from the default weights while the history is empty, with app statistically-guessed', () => {
    const { guess } = setup({
      defaultWeights: [
        { domain: 'userportal', class: 'test1', weight: 1 },
        { domain: 'userportal', class: 'test2', weight: 3 },
      ],
    });
    expect(guess(0.2)).toEqual(guessed('userportal', 'test1'));
    expect(guess(0.3)).toEqual(guessed('userportal', 'test2'));
  });

  it('sums the default weights of a pair listed twice (same guesses, one gauge series)', () => {
    const { classifier, guess } = setup({
      defaultWeights: [
        { domain: 'd', class: 'a', weight: 1 },
        { domain: 'd', class: 'b', weight: 1 },
        { domain: 'd', class: 'a', weight: 2 },
      ],
    });
    expect(guess(0.74)).toEqual(guessed('d', 'a'));
    expect(guess(0.75)).toEqual(guessed('d', 'b'));
    expect(exposition(classifier)).toContain(
      [
        'slo_exporter_statistical_classifier_classification_weight{slo_class="a",slo_domain="d"} 3',
        'slo_exporter_statistical_classifier_classification_weight{slo_class="b",slo_domain="d"} 1',
      ].join('\n'),
    );
  });

  it('drops an unclassified event when there is nothing to guess from, and counts it', () => {
    const { classifier } = setup();
    expect(classifier.process(rawEvent({}))).toBeUndefined();
    expect(classifier.process(rawEvent({}))).toBeUndefined();
    expect(exposition(classifier)).toBe(
      [
        '# HELP slo_exporter_statistical_classifier_errors_total Errors of the statistical classifier, by type; failedToClassify events are dropped.',
        '# TYPE slo_exporter_statistical_classifier_errors_total counter',
        'slo_exporter_statistical_classifier_errors_total{type="failedToClassify"} 2',
        '# HELP slo_exporter_statistical_classifier_events_processed_total Events seen by the statistical classifier, by result: classified (guessed), unclassified (dropped: nothing to guess from) or increased-weight (already classified, counted into the weights).',
        '# TYPE slo_exporter_statistical_classifier_events_processed_total counter',
        'slo_exporter_statistical_classifier_events_processed_total{result="unclassified"} 2',
        '',
      ].join('\n'),
    );
  });

  it('learns weights from classified events once an interval has passed, and forgets them after the window', () => {
    const { classifier, advance, guess, see } = setup({
      defaultWeights: [{ domain: 'default', class: 'c', weight: 1 }],
    });
    see('d', 'c1', 3);
    see('d', 'c2', 1);
    advance(MINUTE - 1);
    expect(guess(0.9)).toEqual(guessed('default', 'c'));
    advance(1); // first archive: c1 3, c2 1
    expect(guess(0.7)).toEqual(guessed('d', 'c1'));
    expect(guess(0.8)).toEqual(guessed('d', 'c2'));
    // The window holds 3 intervals: the first bucket is still in it until the 4th archive.
    advance(3 * MINUTE - 1);
    expect(guess(0.8)).toEqual(guessed('d', 'c2'));
    expect(exposition(classifier)).toContain(
      [
        '# TYPE slo_exporter_statistical_classifier_classification_weight gauge',
        'slo_exporter_statistical_classifier_classification_weight{slo_class="c1",slo_domain="d"} 3',
        'slo_exporter_statistical_classifier_classification_weight{slo_class="c2",slo_domain="d"} 1',
        '# HELP slo_exporter_statistical_classifier_events_processed_total Events seen',
      ].join('\n'),
    );
    advance(1);
    expect(guess(0.99)).toEqual(guessed('default', 'c'));
    expect(exposition(classifier)).toContain(
      'slo_exporter_statistical_classifier_classification_weight{slo_class="c",slo_domain="default"} 1\n',
    );
    expect(exposition(classifier)).toContain(
      [
        'slo_exporter_statistical_classifier_events_processed_total{result="increased-weight"} 4',
        'slo_exporter_statistical_classifier_events_processed_total{result="classified"} 5',
      ].join('\n'),
    );
  });

  it('archives every interval that passed during a pause, the first with the recent weights', () => {
    const { classifier, advance, guess, see } = setup();
    see('d', 'c1');
    advance(2 * MINUTE + 5); // two archives: [c1], then [empty, c1]
    see('d', 'c2'); // recent, not yet archived
    expect(guess(0.99)).toEqual(guessed('d', 'c1'));
    advance(MINUTE); // [c2, empty, c1]
    expect(guess(0.99)).toEqual(guessed('d', 'c2'));
    advance(10 * 3600_000); // a long pause empties the window
    expect(classifier.process(rawEvent({}))).toBeUndefined();
  });

  it('counts a classified event into the weights, leaving it as it was', () => {
    const { classifier } = setup();
    const event = rawEvent({ k: 'v' }, { domain: 'd', class: 'c', app: 'a' });
    expect(classifier.process(event)).toBe(event);
    expect(event.classification).toEqual({ domain: 'd', class: 'c', app: 'a' });
  });
});

describe('statisticalClassifier module config', () => {
  const parse = (text: string) => {
    const { doc } = parseSource(`modules:\n  statisticalClassifier:\n${text}`, 'slo_exporter.yaml');
    const parsed = parseStatisticalClassifierModule(doc, ['modules', 'statisticalClassifier']);
    return { ...parsed, issues: parsed.issues.map(formatIssue), warnings: parsed.warnings.map(formatIssue) };
  };

  it("applies slo-exporter's defaults (30m window, 1m interval, no default weights)", () => {
    expect(parse('    {}\n').config).toEqual({
      historyWindowMs: 30 * MINUTE,
      historyWeightUpdateIntervalMs: MINUTE,
      defaultWeights: [],
    });
  });

  it('reads durations and default weights, keys in any case', async () => {
    const { config, issues, warnings } = parse(`    HistoryWindowSize: 1h
    historyweightupdateinterval: 90s
    defaultWeights:
      - weight: 1
        classification: {sloDomain: userportal, sloClass: test1}
      - Weight: 2.5
        Classification: {SLODOMAIN: userportal, sloclass: test2}
`);
    expect(issues).toEqual([]);
    expect(warnings).toEqual([]);
    expect(config).toEqual({
      historyWindowMs: 3600_000,
      historyWeightUpdateIntervalMs: 90_000,
      defaultWeights: [
        { domain: 'userportal', class: 'test1', weight: 1 },
        { domain: 'userportal', class: 'test2', weight: 2.5 },
      ],
    });
    const processor = await loadValid(
      statisticalClassifierModule,
      'modules:\n  statisticalClassifier:\n    defaultWeights: [{weight: 1, classification: {sloDomain: d, sloClass: c}}]\n',
    );
    expect(processor.process(rawEvent({}))?.classification).toEqual(guessed('d', 'c'));
  });

  it('reports every problem with its position, and warns about what slo-exporter accepts silently', async () => {
    const { config, issues, warnings } = parse(`    historyWindowSize: 30s
    historyWeightUpdateInterval: 1m
    defaultWeight: []
    defaultWeights:
      - weight: -1
        classification: {sloDomain: d, sloClass: c}
      - weight: lots
        classification: {sloDomain: d, sloClas: c}
      - weight: 1
        classification: {sloDomain: d}
`);
    expect(config).toBeUndefined();
    expect(issues).toEqual([
      'slo_exporter.yaml:5:5: modules.statisticalClassifier.defaultWeight: unknown field "defaultWeight"; did you mean "defaultWeights"?',
      'slo_exporter.yaml:7:17: modules.statisticalClassifier.defaultWeights[0].weight: expected a non-negative number, got "-1"',
      'slo_exporter.yaml:9:17: modules.statisticalClassifier.defaultWeights[1].weight: expected a non-negative number, got "lots"',
      'slo_exporter.yaml:10:40: modules.statisticalClassifier.defaultWeights[1].classification.sloClas: unknown field "sloClas"; did you mean "sloClass"?',
    ]);
    expect(warnings).toEqual([
      'slo_exporter.yaml:3:24: modules.statisticalClassifier.historyWindowSize: the history window is shorter than the update interval: no history is kept',
      'slo_exporter.yaml:10:25: modules.statisticalClassifier.defaultWeights[1].classification: sloDomain and sloClass should both be set: a guess without them stays unclassified',
      'slo_exporter.yaml:12:25: modules.statisticalClassifier.defaultWeights[2].classification: sloDomain and sloClass should both be set: a guess without them stays unclassified',
    ]);
    const { issues: loadIssues } = await load(
      statisticalClassifierModule,
      'modules:\n  statisticalClassifier:\n    historyWeightUpdateInterval: 0s\n',
    );
    expect(loadIssues).toEqual([
      'slo_exporter.yaml:3:34: modules.statisticalClassifier.historyWeightUpdateInterval: expected a positive Go duration such as "2s" or "500ms", got "0s"',
    ]);
  });
});
