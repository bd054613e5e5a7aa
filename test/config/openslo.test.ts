import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/config/errors.js';
import { type Conversion, convertOpenslo, parseOpenslo, workbookPolicy } from '../../src/config/openslo.js';

const FILE = 'openslo.yaml';

/** Converts OpenSLO text; YAML problems fail the test. */
function convert(text: string): Conversion & { messages: string[] } {
  const { docs, issues } = parseOpenslo(text, FILE);
  expect(issues).toEqual([]);
  const conversion = convertOpenslo(docs);
  return { ...conversion, messages: conversion.notes.map(formatIssue) };
}

/** `line:column` (1-based) of the first occurrence of `needle` in `text`: where a note must point. */
function at(text: string, needle: string): string {
  const offset = text.indexOf(needle);
  expect(offset, needle).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before.at(-1)!.length + 1}`;
}

const GOOD = 'http_requests_total{service="api", code!~"5.."}';
const TOTAL = 'http_requests_total{service="api"}';

/** A convertible OpenSLO SLO: ratio good/total of Prometheus counters, 28 days rolling, one objective. */
const SLO = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: api-availability
  displayName: API availability
spec:
  description: API requests succeed
  service: api
  indicator:
    metadata:
      name: api-good
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              query: sum(${GOOD})
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(${TOTAL})
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.999
`;

describe('converting OpenSLO v1 SLOs', () => {
  it('ratio good/total of counters: the selectors, default operators, the policy of the window', () => {
    const result = convert(SLO);
    expect(result.messages).toEqual([]);
    expect(result.slos).toEqual([
      {
        from: `${FILE}:1`,
        config: {
          apiVersion: 'sre.google.com/v2',
          kind: 'ServiceLevelObjective',
          metadata: {
            name: 'api-availability',
            labels: { service_name: 'api', feature_name: 'api-good', slo_name: 'api-availability' },
          },
          spec: {
            description: 'API requests succeed',
            backend: 'prometheus',
            method: 'good_bad_ratio',
            error_budget_policy: 'openslo-28d',
            service_level_indicator: { filter_good: GOOD, filter_valid: TOTAL },
            goal: 0.999,
          },
        },
      },
    ]);
    expect(result.config).toEqual({
      backends: { prometheus: { url: '${PROMETHEUS_URL:-http://localhost:9090}' } },
      error_budget_policies: { 'openslo-28d': { steps: workbookPolicy(28 * 86400) } },
    });
  });

  it('a bare selector converts as sum(selector) does', () => {
    const result = convert(SLO.replace(`sum(${GOOD})`, GOOD));
    expect(result.slos[0]!.config.spec.service_level_indicator).toEqual({
      filter_good: GOOD,
      filter_valid: TOTAL,
    });
  });

  it('bad/total: good is total minus bad (no bad series yet counts 0), written out with [window]', () => {
    const result = convert(
      SLO.replace('good:', 'bad:').replace(`sum(${GOOD})`, 'errors_total{service="api"}'),
    );
    expect(result.messages).toEqual([]);
    expect(result.slos[0]!.config.spec.service_level_indicator).toEqual({
      filter_good: `sum(increase(${TOTAL}[window])) - (sum(increase(errors_total{service="api"}[window])) or vector(0))`,
      filter_valid: `sum(increase(${TOTAL}[window]))`,
      operators: [],
    });
  });

  it("keeps a query with slokit's [window] placeholder as written, for gauges too", () => {
    const good = 'sum(sum_over_time(good_minutes{service="api"}[window]))';
    const result = convert(
      SLO.replace('counter: true', 'counter: false')
        .replace(`sum(${GOOD})`, good)
        .replace(`sum(${TOTAL})`, 'sum(count_over_time(good_minutes{service="api"}[window]))'),
    );
    expect(result.messages).toEqual([]);
    expect(result.slos[0]!.config.spec.service_level_indicator).toEqual({
      filter_good: good,
      filter_valid: 'sum(count_over_time(good_minutes{service="api"}[window]))',
      operators: [],
    });
    // A counter selector next to an expression is written out as the default operators would build it.
    const mixed = convert(SLO.replace(`sum(${TOTAL})`, `sum(increase(${TOTAL}[window]))`));
    expect(mixed.slos[0]!.config.spec.service_level_indicator).toEqual({
      filter_good: `sum(increase(${GOOD}[window]))`,
      filter_valid: `sum(increase(${TOTAL}[window]))`,
      operators: [],
    });
  });

  it.each([
    ['lt', '<'],
    ['lte', '<='],
    ['gt', '>'],
    ['gte', '>='],
  ])('thresholdMetric with op %s: each minute an occurrence, good when query %s value', (op, promql) => {
    const query = 'histogram_quantile(0.99, sum by (le) (rate(latency_seconds_bucket[5m])))';
    const text = SLO.replace(
      /ratioMetric:[\s\S]*?(?=\n {2}timeWindow)/,
      `thresholdMetric:\n        metricSource:\n          type: prometheus\n          spec:\n            query: ${query}`,
    ).replace('- target: 0.999', `- op: ${op}\n      value: 0.25\n      target: 0.99`);
    const result = convert(text);
    expect(result.messages).toEqual([]);
    expect(result.slos[0]!.config.spec).toMatchObject({
      goal: 0.99,
      service_level_indicator: {
        filter_good: `sum(sum_over_time(((${query}) ${promql} bool 0.25)[window:1m]))`,
        filter_valid: `sum(count_over_time((${query})[window:1m]))`,
        operators: [],
      },
    });
  });

  it('one SLO per objective, named by displayName (or number), targetPercent as a ratio', () => {
    const objectives =
      '- displayName: Good\n      target: 0.99\n    - displayName: Great!\n      targetPercent: 99.9';
    const named = convert(SLO.replace('- target: 0.999', objectives));
    expect(
      named.slos.map((s) => [s.config.metadata.name, s.config.spec.goal, s.config.spec.description]),
    ).toEqual([
      ['api-availability-good', 0.99, 'API requests succeed (Good)'],
      ['api-availability-great', 0.999, 'API requests succeed (Great!)'],
    ]);
    const numbered = convert(SLO.replace('- target: 0.999', '- target: 0.99\n    - targetPercent: 99.95'));
    expect(numbered.slos.map((s) => [s.config.metadata.name, s.config.spec.goal])).toEqual([
      ['api-availability-1', 0.99],
      ['api-availability-2', 0.9995],
    ]);
  });

  it('indicatorRef and metricSourceRef across documents and list documents, labels and annotations kept', () => {
    const text = `- apiVersion: openslo/v1
  kind: DataSource
  metadata: {name: prom-eu}
  spec:
    type: Prometheus
    connectionDetails: {url: "http://prom-eu:9090", token: s3cret}
- apiVersion: openslo/v1
  kind: SLI
  metadata: {name: api-good}
  spec:
    ratioMetric:
      counter: true
      good: {metricSource: {metricSourceRef: prom-eu, spec: {query: '${GOOD}'}}}
      total: {metricSource: {metricSourceRef: prom-eu, spec: {query: '${TOTAL}'}}}
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: api
  labels: {team: [payments, sre], cost.centre: "42"}
  annotations: {openslo.com/owner: sre}
spec:
  service: api
  indicatorRef: api-good
  timeWindow: [{duration: 4w, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.99}]
`;
    const result = convert(text);
    expect(result.messages).toEqual([
      `${FILE}:${at(text, 's3cret')}: [0].spec.connectionDetails.token: ignored: connectionDetails.token is not converted; set basic_auth, bearer_token or headers of backend "prometheus/prom-eu" in the shared config`,
    ]);
    expect(result.slos[0]!.config).toMatchObject({
      metadata: {
        name: 'api',
        labels: {
          team: 'payments,sre',
          cost_centre: '42',
          service_name: 'api',
          feature_name: 'api-good',
          slo_name: 'api',
        },
        annotations: { 'openslo.com/owner': 'sre' },
      },
      spec: { backend: 'prometheus/prom-eu', error_budget_policy: 'openslo-28d', description: '' },
    });
    expect(result.slos[0]!.from).toBe(`${FILE}:16`);
    expect(JSON.stringify(result)).not.toContain('s3cret');
    expect(result.config.backends).toEqual({ 'prometheus/prom-eu': { url: 'http://prom-eu:9090' } });
  });

  it('one policy per window, shared by the SLOs using it', () => {
    const second = SLO.replace('api-availability', 'api-2').replace('28d', '4w');
    const third = SLO.replace('api-availability', 'api-3').replace('28d', '7d');
    const result = convert(`${SLO}---\n${second}---\n${third}`);
    expect(result.slos.map((s) => s.config.spec.error_budget_policy)).toEqual([
      'openslo-28d',
      'openslo-28d',
      'openslo-7d',
    ]);
    expect(Object.keys(result.config.error_budget_policies)).toEqual(['openslo-28d', 'openslo-7d']);
  });
});

describe('workbookPolicy', () => {
  const summary = (period: number) =>
    workbookPolicy(period).map(
      (s) => `${s.name}: ${s.window}/${s.short_window ?? '-'} > ${s.burn_rate_threshold}`,
    );

  it("gives the SRE workbook's thresholds for 30 days", () => {
    expect(summary(30 * 86400)).toEqual([
      'page 1h: 1h/5m > 14.4',
      'page 6h: 6h/30m > 6',
      'ticket 1d: 1d/2h > 3',
      'ticket 3d: 3d/6h > 1',
      'window 30d: 30d/- > 1',
    ]);
  });

  it('derives them from the period (budget share x period / window), neither rounded nor clamped', () => {
    expect(summary(28 * 86400)).toEqual([
      'page 1h: 1h/5m > 13.44',
      'page 6h: 6h/30m > 5.6',
      'ticket 1d: 1d/2h > 2.8',
      'ticket 3d: 3d/6h > 0.9333333333333333',
      'window 28d: 28d/- > 1',
    ]);
    expect(summary(7 * 86400)).toEqual([
      'page 1h: 1h/5m > 3.36',
      'page 6h: 6h/30m > 1.4',
      'ticket 1d: 1d/2h > 0.7',
      'ticket 3d: 3d/6h > 0.23333333333333334',
      'window 7d: 7d/- > 1',
    ]);
  });

  it('leaves out alert windows not shorter than the period', () => {
    expect(summary(86400)).toEqual(['page 1h: 1h/5m > 0.48', 'page 6h: 6h/30m > 0.2', 'window 1d: 1d/- > 1']);
    expect(summary(3600)).toEqual(['window 1h: 1h/- > 1']);
  });

  it('writes messages naming the budget share and windows', () => {
    expect(workbookPolicy(30 * 86400)[0]).toEqual({
      name: 'page 1h',
      window: '1h',
      short_window: '5m',
      burn_rate_threshold: 14.4,
      message_alert: 'Page: 2% of the 30d error budget burnt in 1h',
      message_ok: 'Last 1h within the 30d error budget',
    });
  });
});

describe('what is not converted is reported with its position', () => {
  /** The only note of converting `text`, and the SLOs converted. */
  const only = (text: string) => {
    const result = convert(text);
    expect(result.messages).toHaveLength(1);
    return { message: result.messages[0]!, converted: result.slos.length };
  };
  const refused = (text: string, needle: string, path: string, message: string) => {
    expect(only(text)).toEqual({
      message: `${FILE}:${at(text, needle)}: ${path}: not converted: ${message}`,
      converted: 0,
    });
  };

  it('calendar-aligned and non-rolling windows', () => {
    const calendar = SLO.replace(
      'isRolling: true',
      'calendar: {startTime: "2022-01-01 12:00:00", timeZone: America/New_York}',
    );
    refused(
      calendar,
      '{startTime',
      'spec.timeWindow[0].calendar',
      'calendar-aligned time windows are not supported (slokit windows roll); use isRolling: true',
    );
    refused(
      SLO.replace('isRolling: true', 'isRolling: false'),
      'false',
      'spec.timeWindow[0].isRolling',
      'slokit windows roll: the time window needs isRolling: true',
    );
    refused(
      SLO.replace('\n      isRolling: true', ''),
      'duration: 28d',
      'spec.timeWindow[0]',
      'slokit windows roll: the time window needs isRolling: true',
    );
  });

  it('windows in months, quarters or years, malformed durations, several windows, none', () => {
    refused(
      SLO.replace('28d', '1M'),
      '1M',
      'spec.timeWindow[0].duration',
      'a rolling window of 1M has no fixed length (months, quarters and years vary); write it in days or weeks, e.g. 30d or 4w',
    );
    refused(
      SLO.replace('28d', '28 days'),
      '28 days',
      'spec.timeWindow[0].duration',
      'expected a duration shorthand such as 28d or 4w, got "28 days"',
    );
    const two = SLO.replace(
      '      isRolling: true',
      '      isRolling: true\n    - duration: 7d\n      isRolling: true',
    );
    refused(two, 'duration: 7d', 'spec.timeWindow[1]', 'timeWindow must have exactly one item (OpenSLO v1)');
    const none = SLO.replace(/ {2}timeWindow:\n.*\n.*\n/, '');
    refused(
      none,
      'description',
      'spec',
      'the SLO has no timeWindow; slokit needs its rolling window (e.g. timeWindow: [{duration: 28d, isRolling: true}])',
    );
  });

  it.each(['Timeslices', 'RatioTimeslices'])('budgetingMethod %s', (method) => {
    refused(
      SLO.replace('budgetingMethod: Occurrences', `budgetingMethod: ${method}`),
      method,
      'spec.budgetingMethod',
      `budgetingMethod ${method} is not supported (slokit counts Occurrences: good and total events over the window)`,
    );
  });

  it('precomputed ratios (raw)', () => {
    const text = SLO.replace(
      /counter: true[\s\S]*?(?=\n {2}timeWindow)/,
      'rawType: success\n        raw:\n          metricSource:\n            type: Prometheus\n            spec:\n              query: ratio',
    );
    refused(
      text,
      'metricSource:\n            type',
      'spec.indicator.spec.ratioMetric.raw',
      'precomputed ratios (ratioMetric.raw) are not supported; give good or bad, and total',
    );
  });

  it('other metric sources, unknown references, a query missing', () => {
    refused(
      SLO.replace('type: Prometheus', 'type: Datadog'),
      'Datadog',
      'spec.indicator.spec.ratioMetric.good.metricSource.type',
      'metric source type "Datadog" is not supported (slokit converts Prometheus sources)',
    );
    refused(
      SLO.replace('type: Prometheus', 'metricSourceRef: nowhere'),
      'nowhere',
      'spec.indicator.spec.ratioMetric.good.metricSource.metricSourceRef',
      'metricSourceRef "nowhere" names no DataSource of the input and the source has no type',
    );
    const datadog = `apiVersion: openslo/v1\nkind: DataSource\nmetadata: {name: dd}\nspec: {type: Datadog}\n---\n${SLO.replace('type: Prometheus', 'metricSourceRef: dd')}`;
    refused(
      datadog,
      'dd\n',
      'spec.indicator.spec.ratioMetric.good.metricSource.metricSourceRef',
      'metric source type "Datadog" is not supported (slokit converts Prometheus sources)',
    );
    refused(
      SLO.replace(`query: sum(${GOOD})`, 'promql: up'),
      'promql',
      'spec.indicator.spec.ratioMetric.good.metricSource.spec',
      'a Prometheus metric source needs spec.query (a PromQL expression)',
    );
  });

  it('queries slokit cannot take an increase of', () => {
    for (const query of [
      'sum(rate(x_total[5m]))',
      'sum by (code) (x_total)',
      'x_total offset 5m',
      'a_total / b_total',
    ]) {
      refused(
        SLO.replace(`sum(${GOOD})`, query),
        query,
        'spec.indicator.spec.ratioMetric.good.metricSource.spec.query',
        `query "${query}": slokit takes the increase of a counter over each window itself, so it needs the counter: a selector (http_requests_total{code="200"}) or sum(selector); or write the count over the window with slokit's [window] placeholder, e.g. sum(increase(x[window]))`,
      );
    }
    // Both queries are gauges then: both are reported.
    const gauges = SLO.replace('counter: true', 'counter: false');
    const gauge = (part: string, query: string) =>
      `${FILE}:${at(gauges, `sum(${query})`)}: spec.indicator.spec.ratioMetric.${part}.metricSource.spec.query: not converted: query "sum(${query})": a gauge (counter: false) has no count over a window slokit can derive; or write the count over the window with slokit's [window] placeholder, e.g. sum(increase(x[window]))`;
    expect(convert(gauges)).toMatchObject({
      slos: [],
      messages: [gauge('good', GOOD), gauge('total', TOTAL)],
    });
  });

  it('every problem of one SLO at once: window, budgeting method, metric sources, objectives', () => {
    const text = SLO.replace('isRolling: true', 'isRolling: false')
      .replace('Occurrences', 'Timeslices')
      .replace(/type: Prometheus/g, 'type: Datadog')
      .replace(
        '- target: 0.999',
        '- {target: 0.999, targetPercent: 99.9}\n    - {target: 0.99, indicatorRef: x}',
      );
    const note = (needle: string, path: string, message: string) =>
      `${FILE}:${at(text, needle)}: ${path}: not converted: ${message}`;
    const datadog = (part: string) => `spec.indicator.spec.ratioMetric.${part}.metricSource.type`;
    const unsupported = 'metric source type "Datadog" is not supported (slokit converts Prometheus sources)';
    expect(convert(text)).toMatchObject({
      slos: [],
      messages: [
        note(`Datadog\n            spec:\n              query: sum(${GOOD}`, datadog('good'), unsupported),
        note(`Datadog\n            spec:\n              query: sum(${TOTAL}`, datadog('total'), unsupported),
        note(
          'false',
          'spec.timeWindow[0].isRolling',
          'slokit windows roll: the time window needs isRolling: true',
        ),
        note(
          'Timeslices',
          'spec.budgetingMethod',
          'budgetingMethod Timeslices is not supported (slokit counts Occurrences: good and total events over the window)',
        ),
        note(
          '{target: 0.999',
          'spec.objectives[0]',
          'an objective needs exactly one of target and targetPercent',
        ),
        note(
          '{target: 0.99,',
          'spec.objectives[1]',
          'composite SLOs (an indicator or weight per objective) are not supported',
        ),
      ],
    });
  });

  it('queries that are not PromQL', () => {
    refused(
      SLO.replace(`sum(${GOOD})`, 'sum(x{'),
      'sum(x{',
      'spec.indicator.spec.ratioMetric.good.metricSource.spec.query',
      'query "sum(x{" is not valid PromQL',
    );
    const threshold = SLO.replace(
      /ratioMetric:[\s\S]*?(?=\n {2}timeWindow)/,
      'thresholdMetric:\n        metricSource:\n          type: Prometheus\n          spec:\n            query: rate(x[5m]',
    ).replace('- target: 0.999', '- {op: lt, value: 1, target: 0.9}');
    refused(
      threshold,
      'rate(x',
      'spec.indicator.spec.thresholdMetric.metricSource.spec.query',
      'query "rate(x[5m]" is not valid PromQL',
    );
  });

  it('ratio metrics without exactly one numerator and a total, or from two data sources', () => {
    const both = SLO.replace(
      '        total:',
      `        bad:\n          metricSource:\n            type: Prometheus\n            spec:\n              query: x\n        total:`,
    );
    refused(
      both,
      'counter: true',
      'spec.indicator.spec.ratioMetric',
      'ratioMetric needs total and exactly one of good and bad',
    );
    const noTotal = SLO.replace(/ {8}total:[\s\S]*?(?=\n {2}timeWindow)/, '').replace(
      /\n+ {2}timeWindow/,
      '\n  timeWindow',
    );
    refused(
      noTotal,
      'counter: true',
      'spec.indicator.spec.ratioMetric',
      'ratioMetric needs total and exactly one of good and bad',
    );
    const text = `apiVersion: openslo/v1\nkind: DataSource\nmetadata: {name: eu}\nspec: {type: Prometheus}\n---\n${SLO.replace('type: Prometheus', 'metricSourceRef: eu')}`;
    refused(
      text,
      'type: Prometheus\n            spec:\n              query: sum(http_requests_total{service="api"})',
      'spec.indicator.spec.ratioMetric.total.metricSource',
      'numerator and total come from different data sources; a slokit SLO has one backend',
    );
  });

  it('composite SLOs', () => {
    const text = SLO.replace('- target: 0.999', '- target: 0.999\n      indicatorRef: other');
    refused(
      text,
      'target: 0.999',
      'spec.objectives[0]',
      'composite SLOs (an indicator or weight per objective) are not supported',
    );
  });

  it('objectives without a target, with two, threshold objectives without op or with siblings', () => {
    refused(
      SLO.replace('- target: 0.999', '- displayName: x'),
      'displayName: x',
      'spec.objectives[0]',
      'an objective needs exactly one of target and targetPercent',
    );
    refused(
      SLO.replace('- target: 0.999', '- target: 0.999\n      targetPercent: 99.9'),
      'target: 0.999',
      'spec.objectives[0]',
      'an objective needs exactly one of target and targetPercent',
    );
    const threshold = SLO.replace(
      /ratioMetric:[\s\S]*?(?=\n {2}timeWindow)/,
      'thresholdMetric:\n        metricSource:\n          type: Prometheus\n          spec:\n            query: latency_seconds',
    );
    refused(
      threshold,
      'target: 0.999',
      'spec.objectives[0]',
      'a thresholdMetric objective needs op and value',
    );
    refused(
      threshold.replace(
        '- target: 0.999',
        '- {op: lt, value: 1, target: 0.9}\n    - {op: lt, value: 2, target: 0.99}',
      ),
      '- {op',
      'spec.objectives',
      'a thresholdMetric SLO has exactly one objective (OpenSLO v1)',
    );
  });

  it('indicator references: missing SLI, both forms, neither', () => {
    const ref = SLO.replace(/ {2}indicator:[\s\S]*?(?=\n {2}timeWindow)/, '  indicatorRef: missing');
    refused(
      ref,
      'missing',
      'spec.indicatorRef',
      'indicatorRef "missing" names no SLI of the input (SLIs: none)',
    );
    refused(
      SLO.replace('  service: api', '  indicatorRef: x'),
      'x\n',
      'spec.indicatorRef',
      'give indicator or indicatorRef, not both',
    );
    const neither = SLO.replace(/ {2}indicator:[\s\S]*?(?=\n {2}timeWindow)/, '');
    refused(neither, 'description', 'spec', 'the SLO needs indicator or indicatorRef');
  });

  it('a referenced SLI that cannot convert is reported where it is, once per SLO using it', () => {
    const sli = `apiVersion: openslo/v1
kind: SLI
metadata: {name: dd-good}
spec:
  ratioMetric:
    counter: true
    good: {metricSource: {type: Datadog, spec: {query: 'a'}}}
    total: {metricSource: {type: Datadog, spec: {query: 'b'}}}
`;
    const ref = SLO.replace(/ {2}indicator:[\s\S]*?(?=\n {2}timeWindow)/, '  indicatorRef: dd-good');
    const text = `${sli}---\n${ref}---\n${ref.replace('api-availability', 'api-other')}`;
    const where = (part: string, needle: string) =>
      `${FILE}:${at(text, needle)}: spec.ratioMetric.${part}.metricSource.type: not converted: metric source type "Datadog" is not supported (slokit converts Prometheus sources)`;
    const good = where('good', "Datadog, spec: {query: 'a'");
    const total = where('total', "Datadog, spec: {query: 'b'");
    expect(convert(text)).toMatchObject({
      slos: [],
      messages: [
        `${good} (SLO "api-availability" uses it)`,
        `${good} (SLO "api-other" uses it)`,
        `${total} (SLO "api-availability" uses it)`,
        `${total} (SLO "api-other" uses it)`,
      ],
    });
  });

  it('other apiVersions, kinds slokit has no counterpart for, unknown kinds and fields', () => {
    refused(
      SLO.replace('openslo/v1', 'openslo/v1alpha'),
      'openslo/v1alpha',
      'apiVersion',
      'apiVersion "openslo/v1alpha" is not supported (slokit converts openslo/v1)',
    );
    const policy = `apiVersion: openslo/v1\nkind: AlertPolicy\nmetadata: {name: p}\nspec: {conditions: []}\n---\n${SLO}`;
    expect(only(policy)).toEqual({
      message: `${FILE}:2:7: kind: not converted: kind AlertPolicy: slokit alerts with the error budget policy of each converted SLO (multiwindow burn rates from the SRE workbook)`,
      converted: 1,
    });
    refused(
      SLO.replace('kind: SLO', 'kind: Slo'),
      'Slo',
      'kind',
      'unknown kind "Slo" (OpenSLO v1 kinds: SLO, SLI, DataSource, Service, AlertPolicy, AlertCondition, AlertNotificationTarget)',
    );
    const typo = SLO.replace('budgetingMethod:', 'budgetingMetod:');
    expect(convert(typo)).toMatchObject({
      slos: [],
      messages: [
        `${FILE}:${at(typo, 'description: API')}: spec.budgetingMethod: not converted: required field is missing (expected string)`,
        `${FILE}:${at(typo, 'budgetingMetod')}: spec.budgetingMetod: not converted: unknown field "budgetingMetod"; did you mean "budgetingMethod"?`,
      ],
    });
    refused('- 42\n', '42', '[0]', 'expected an OpenSLO object (apiVersion, kind, metadata, spec)');
  });

  it('SLO names that repeat or cannot name a file', () => {
    const twice = convert(`${SLO}---\n${SLO}`);
    expect(twice.slos).toHaveLength(1);
    expect(twice.messages).toEqual([
      `${FILE}:${31 + 4}:9: metadata.name: not converted: the SLO from ${FILE}:1 is already named "api-availability"`,
    ]);
    refused(
      SLO.replace('name: api-availability', 'name: ../../etc/cron.d/x'),
      '../../etc',
      'metadata.name',
      '"../../etc/cron.d/x" cannot name a file; use letters, digits, "-", "_" and "."',
    );
  });
});

describe('features converted without their OpenSLO extras', () => {
  const ignored = (text: string) => {
    const result = convert(text);
    expect(result.slos).toHaveLength(1);
    return result.messages;
  };

  it('alertPolicies', () => {
    const text = `${SLO}  alertPolicies:\n    - alertPolicyRef: page-on-burn\n`;
    expect(ignored(text)).toEqual([
      `${FILE}:${at(text, '- alertPolicyRef')}: spec.alertPolicies: ignored: alertPolicies are not converted; slokit alerts with the error budget policy of each converted SLO (multiwindow burn rates from the SRE workbook)`,
    ]);
  });

  it('time slice fields of an Occurrences SLO, op and value of a ratio SLO', () => {
    const text = SLO.replace(
      '- target: 0.999',
      '- target: 0.999\n      timeSliceWindow: 1m\n      op: gt\n      value: 1',
    );
    expect(ignored(text)).toEqual([
      `${FILE}:${at(text, '1m')}: spec.objectives[0].timeSliceWindow: ignored: timeSliceWindow applies to Timeslices budgeting only`,
      `${FILE}:${at(text, 'gt')}: spec.objectives[0].op: ignored: op applies to thresholdMetric only`,
      `${FILE}:${at(text, ': 1\n').replace(/:(\d+)$/, (_, c) => `:${Number(c) + 2}`)}: spec.objectives[0].value: ignored: value applies to thresholdMetric only`,
    ]);
  });
});

describe('parseOpenslo', () => {
  it('keeps true positions in every document of a stream and skips empty ones', () => {
    const text = `---\n${SLO}---\n# nothing here\n---\n${SLO.replace('api-availability', 'second').replace('Occurrences', 'Timeslices')}`;
    const { docs, issues } = parseOpenslo(text, FILE);
    expect(issues).toEqual([]);
    expect(docs).toHaveLength(2);
    const result = convertOpenslo(docs);
    expect(result.notes.map(formatIssue)).toEqual([
      `${FILE}:${at(text, 'Timeslices')}: spec.budgetingMethod: not converted: budgetingMethod Timeslices is not supported (slokit counts Occurrences: good and total events over the window)`,
    ]);
  });

  it('reports YAML errors with their document position', () => {
    const text = `${SLO}---\nkind: [unclosed\n`;
    const { issues } = parseOpenslo(text, FILE);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]!.line).toBeGreaterThan(31);
  });
});
