/**
 * Differential tests of the event pipeline's fast paths: each gives, on random inputs, exactly what the plain
 * way of computing the same thing gives (an optimisation never changes a result).
 */
import { createHash } from 'node:crypto';
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../bench/lib/random.mjs';
import { Classifier, type SloEvent } from '../../src/events/classifier.js';
import { SloEventCounters } from '../../src/events/counters.js';
import { rawEventFrom } from '../../src/events/event-lines.js';
import { GoSubmatchRegexp } from '../../src/events/go-submatch.js';
import { regexpLineParser } from '../../src/events/line-parsers.js';
import { PipelineRunner } from '../../src/events/pipeline-runner.js';
import {
  compileRelabel,
  type Labels,
  type RelabelConfig,
  type RelabelConfigFields,
  relabelConfig,
} from '../../src/events/relabel.js';
import { parseRulesFile } from '../../src/events/rules-file.js';
import { renderFamilies } from '../../src/lang/prometheus-text.js';
import { pipelineSpec } from './pipeline-fixtures.js';

/** A seeded pseudo-random generator (bench/lib/random.mjs), so a failure replays. */
function random(seed: number) {
  const next = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const text = (alphabet: readonly string[], max: number) =>
    Array.from({ length: Math.floor(next() * (max + 1)) }, () => pick(alphabet)).join('');
  return { next, pick, text };
}

describe('GoSubmatchRegexp: one findSubmatch pass', () => {
  const patterns = [
    '^(?P<ip>\\S+) \\S+ \\[(?P<time>[^\\]]*)\\] "(?P<method>\\S+) (?P<path>\\S+)" (?P<status>\\d+)(?: rt=(?P<rt>\\S+))?$',
    '(a+)(b)?(?P<c>c*)',
    '(a|ab)(c|bcd)(d*)',
    'x*',
    '(?i)(é+)|(b)',
    '((a)|b)+',
    '(?P<first>[^;]*);(?P<second>.*)',
  ];
  const alphabet = ['a', 'b', 'c', 'd', 'x', ' ', '-', ';', 'é', '😀', '[', ']', '"', '1', '0', 'rt=', 'A'];
  const rnd = random(9);
  const texts = Array.from({ length: 400 }, () => rnd.text(alphabet, 12));
  texts.push('1.2.3.4 - [30/Nov/2026:07:00:00 +0000] "GET /a" 200 rt=0.5', '1.2.3.4 - [x] "GET /a" 200');

  it.each(patterns)('%s: the same groups as re2js Matcher.find() + group(i), memo or not', (pattern) => {
    const compiled = RE2JS.compile(pattern);
    const plain = (text: string) => {
      const matcher = compiled.matcher(text);
      if (!matcher.find()) return undefined;
      return Array.from({ length: compiled.groupCount() + 1 }, (_, i) => matcher.group(i) ?? undefined);
    };
    const memo = new GoSubmatchRegexp(pattern);
    const once = new GoSubmatchRegexp(pattern, false, { memo: false });
    for (const text of [...texts, ...texts]) {
      const expected = plain(text);
      expect(memo.exec(text)).toEqual(expected);
      expect(once.exec(text)).toEqual(expected);
    }
  });
});

describe('regexpLineParser: a literal emptyGroupRE compared as text', () => {
  it.each([
    ['^-$', '^(?:-)$'],
    ['^$', '^(?:)$'],
    ['^n/a$', '^(?:n/a)$'],
    ['^é$', '^(?:é)$'],
  ])('%s leaves out the same groups as the regexp %s', (literal, regexp) => {
    const pattern = '^(?P<a>[^ ]*) (?P<b>[^ ]*)(?: (?P<c>.*))?$';
    const fast = regexpLineParser(pattern, literal);
    const plain = regexpLineParser(pattern, regexp);
    const rnd = random(3);
    const parts = ['', '-', '--', 'n/a', 'é', 'x', '-\n', ' -'];
    for (let i = 0; i < 500; i++) {
      const line = `${rnd.pick(parts)} ${rnd.pick(parts)}${rnd.next() < 0.5 ? ` ${rnd.pick(parts)}` : ''}`;
      expect(fast(line)).toEqual(plain(line));
    }
  });
});

/**
 * The relabel semantics written plainly (relabel.ts's module comment): a Map per event, every step from the
 * config fields as they are, templates expanded from their text.
 */
function plainRelabel(labels: Labels, configs: readonly RelabelConfig[]): [string, string][] | undefined {
  if (!configs.length) return Object.entries(labels);
  const current = new Map(Object.entries(labels).filter(([, value]) => value !== ''));
  const set = (name: string, value: string) =>
    value === '' ? current.delete(name) : current.set(name, value);
  for (const config of configs) {
    const value = config.sourceLabels.map((name) => current.get(name) ?? '').join(config.separator);
    const { regex } = config;
    switch (config.action) {
      case 'drop':
        if (regex.test(value)) return undefined;
        break;
      case 'keep':
        if (!regex.test(value)) return undefined;
        break;
      case 'replace': {
        const groups = regex.exec(value);
        if (!groups) break;
        const target = regex.expand(config.targetLabel, groups);
        const result = regex.expand(config.replacement, groups);
        if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(target) || result === '') current.delete(config.targetLabel);
        else current.set(target, result);
        break;
      }
      case 'hashmod': {
        const hash = createHash('md5').update(value).digest().readBigUInt64BE(8);
        set(config.targetLabel, String(hash % config.modulus));
        break;
      }
      case 'labelmap': {
        const byName = [...current].sort(([a], [b]) =>
          Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')),
        );
        for (const [name, labelValue] of byName) {
          const groups = regex.exec(name);
          if (groups) set(regex.expand(config.replacement, groups), labelValue);
        }
        break;
      }
      case 'labeldrop':
      case 'labelkeep':
        for (const name of [...current.keys()]) {
          if (regex.test(name) !== (config.action === 'labelkeep')) current.delete(name);
        }
        break;
    }
  }
  return Object.entries(Object.assign(Object.create(null), Object.fromEntries(current)));
}

describe('compileRelabel: steps compiled once, labels changed in place', () => {
  it('gives the labels (names in the same order) and drops of the plain way, on random steps and labels', () => {
    const rnd = random(42);
    const names = ['a', 'b', 'path', 'c_d', 'constructor', '1', '10', 'é_x', '😀', 'x_x', '__eventKey'];
    const values = ['', 'a', 'ab', 'b;a', '/api/v1/users', '/api/v2/x/y', 'ü', '200', '503', 'GET', '😀'];
    const step = (): RelabelConfigFields => ({
      action: rnd.pick([
        'replace',
        'replace',
        'keep',
        'drop',
        'hashmod',
        'labelmap',
        'labeldrop',
        'labelkeep',
      ]),
      source_labels: Array.from({ length: Math.floor(rnd.next() * 3) }, () =>
        rnd.pick(['a', 'b', 'path', 'c_d', 't']),
      ),
      separator: rnd.pick([';', '/', '']),
      regex: rnd.pick([
        '(.*)',
        'a.*',
        '(a|b)(.*)',
        '/api/(v[0-9]+)/(.*)',
        '',
        'x?',
        '[ab;]+',
        '(.)_(x)',
        '.*_x',
      ]),
      target_label: rnd.pick(['a', 'b', 't', '${1}x', '$1', 'path']),
      replacement: rnd.pick(['$1', '${2}-$1', '', 'web', '$9', '$$', 'y', '${1}_x', 'copy_$1']),
      modulus: rnd.pick([1, 7, 10]),
    });
    /** Fields a step's action accepts (labeldrop and labelkeep take only regex). */
    const fieldsFor = (fields: RelabelConfigFields): RelabelConfigFields =>
      fields.action === 'labeldrop' || fields.action === 'labelkeep'
        ? { action: fields.action, regex: fields.regex }
        : fields;
    let compared = 0;
    let dropped = 0;
    for (let round = 0; round < 300; round++) {
      const configs: RelabelConfig[] = [];
      for (let i = 0; i < 1 + Math.floor(rnd.next() * 4); i++) {
        try {
          configs.push(relabelConfig(fieldsFor(step())));
        } catch {
          // An invalid combination of random fields: not a step.
        }
      }
      const apply = compileRelabel(configs);
      for (let event = 0; event < 20; event++) {
        const labels: Record<string, string> = Object.create(null);
        for (let i = 0; i < 5; i++) labels[rnd.pick(names)] = rnd.pick(values);
        const expected = plainRelabel(labels, configs);
        const actual: Record<string, string> = Object.assign(Object.create(null), labels);
        const kept = apply(actual);
        expect(kept).toBe(expected !== undefined);
        if (expected) expect(Object.entries(actual)).toEqual(expected);
        else dropped++;
        compared++;
      }
    }
    // The random steps keep and drop a fair share of events.
    expect(dropped).toBeGreaterThan(compared / 20);
    expect(dropped).toBeLessThan(compared - compared / 20);
  });
  it('gives the same replace outcomes across a reset of its per-value memo and for long values', () => {
    const configs = [
      relabelConfig({
        source_labels: ['path'],
        regex: '/api/(v[0-9]+)/(.*)',
        target_label: 'app',
        replacement: '${2}-$1',
      }),
      relabelConfig({
        source_labels: ['path'],
        regex: '/other/(.*)',
        target_label: '${1}',
        replacement: 'x',
      }),
    ];
    const apply = compileRelabel(configs);
    const paths = Array.from({ length: 5000 }, (_, i) =>
      i % 3 ? `/api/v${i % 7}/x${i}` : `/other/${i % 2 ? 'ok' : '1bad'}`,
    );
    paths.push(`/api/v1/${'y'.repeat(300)}`);
    for (let round = 0; round < 2; round++) {
      for (const path of paths) {
        const labels: Record<string, string> = Object.assign(Object.create(null), { path, app: 'old' });
        expect(apply(labels)).toBe(true);
        expect(Object.entries(labels)).toEqual(plainRelabel({ path, app: 'old' }, configs));
      }
    }
  });
});

describe('PipelineRunner: SLO events of a read summed before they are counted', () => {
  const { rules } = parseRulesFile(
    `rules:
  - slo_matcher: {domain: web}
    failure_conditions:
      - {operator: numberIsEqualOrHigherThan, key: status, value: 500}
    additional_metadata: {slo_type: availability}
  - slo_matcher: {domain: web}
    failure_conditions:
      - {operator: numberIsHigherThan, key: duration, value: 1.5}
    additional_metadata: {slo_type: latency}
  - slo_matcher: {class: critical}
    failure_conditions:
      - {operator: numberIsEqualOrHigherThan, key: status, value: 500}
    additional_metadata: {slo_type: availability}
`,
    'rules.yaml',
  );

  it.each([
    ['integer quantities', [1, 1, 1, 2, 0, 5]],
    ['fractional quantities from some event on', [1, 1, 1, 1, 1, 2, 0.1]],
    ['integers whose total passes 2^53', [1, 3, 2 ** 52, 2 ** 51 + 1]],
  ])(
    '%s: the same counters (values, series and key order, key cap) as one add per event',
    (_, quantities) => {
      const rnd = random(quantities.length);
      const exporter = { maximumUniqueEventKeys: 4 };
      const runner = new PipelineRunner(
        pipelineSpec({ processors: [], producer: { rules, exposeRulesAsMetrics: false }, exporter }),
      );
      const plain = new SloEventCounters(exporter);
      const classifier = new Classifier(rules);
      const emit = (slo: SloEvent) => plain.add(slo);
      for (let body = 0; body < 60; body++) {
        const events = Array.from({ length: 1 + Math.floor(rnd.next() * 30) }, () => ({
          slo_domain: rnd.pick(['web', 'web', 'api']),
          slo_class: rnd.pick(['critical', 'low']),
          slo_app: rnd.pick(['a', 'b']),
          event_key: rnd.pick(['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7']),
          status: rnd.pick([200, 200, 503]),
          duration: rnd.pick([0.2, 2]),
          quantity: rnd.pick(quantities),
        }));
        runner.ingestText(events.map((event) => JSON.stringify(event)).join('\n'), 'http');
        for (const event of events) classifier.classify(rawEventFrom(event)!, emit);
      }
      // The exposition and every sample (families carry a render function, compared through its output).
      expect(renderFamilies(runner.counters.families())).toBe(renderFamilies(plain.families()));
      const samples = (counters: SloEventCounters) =>
        counters.families().map((family) => [family.name, family.samples]);
      expect(samples(runner.counters)).toEqual(samples(plain));
      expect(runner.counters.eventKeys).toBe(4);
    },
  );
});
