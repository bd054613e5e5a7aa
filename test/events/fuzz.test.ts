/**
 * Fuzzing the input path (bytes → lines → JSON → events → rules): random JSON, deep nesting, huge strings,
 * invalid UTF-8 and inputs that make backtracking regexp engines take exponential time. Nothing may throw
 * or hang (the test timeout catches a hang), every line is either classified or counted as malformed, and
 * pathological regexp inputs get the right answer.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom as random } from '../../bench/lib/random.mjs';
import { Classifier, type SloEvent } from '../../src/events/classifier.js';
import { EventLineReader } from '../../src/events/event-lines.js';
import { rulesFrom } from './helpers.js';

const RULES = rulesFrom(`rules:
  - metadata_matcher: [{operator: equalTo, key: kind, value: http}]
    failure_conditions:
      - {operator: matchesRegexp, key: s, value: '(a+)+$'}
      - {operator: matchesRegexp, key: s, value: '^(x|x|xx)*y'}
      - {operator: numberHigherThan, key: n, value: 1e3}
      - {operator: durationHigherThan, key: d, value: 1s}
    additional_metadata: {id: http}
  - slo_matcher: {domain: '(?i)^(d|e)+$'}
    metadata_matcher: [{operator: notMatchesRegexp, key: s, value: '\\\\d{3,}'}]
    failure_conditions: [{operator: numberEqualOrLessThan, key: n, value: '-0x1p4'}]
    additional_metadata: {id: any}
`);

const STRINGS = [
  '',
  'http',
  'a'.repeat(40),
  'aaaa!',
  '1e400',
  '0x10',
  ' 12',
  'NaN',
  '1h',
  '0.127',
  '\ud800',
  '€',
  '\u0000',
  'd',
  'DeD',
];

function randomValue(next: () => number, depth: number): unknown {
  const r = next();
  if (depth > 3 || r < 0.3) return STRINGS[Math.floor(next() * STRINGS.length)];
  if (r < 0.45) return (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20);
  if (r < 0.5) return next() < 0.5;
  if (r < 0.55) return null;
  if (r < 0.7) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  const keys = [
    'kind',
    's',
    'n',
    'd',
    'slo_domain',
    'slo_class',
    'slo_app',
    'event_key',
    'quantity',
    'slo_result',
    '__proto__',
    'constructor',
  ];
  const object: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 8); i > 0; i--)
    object[keys[Math.floor(next() * keys.length)]!] = randomValue(next, depth + 1);
  return object;
}

function feed(chunks: Buffer[]) {
  const classifier = new Classifier(RULES);
  const out: SloEvent[] = [];
  const reader = new EventLineReader(classifier, (e) => out.push(e), { maxLineLength: 8 * 1024 * 1024 });
  for (const chunk of chunks) reader.push(chunk);
  reader.end();
  return { classifier, out, counts: reader.counts };
}

describe('event input fuzzing', () => {
  it('survives random JSON lines, cut into random chunks, and accounts for every line', () => {
    const next = random(7);
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const value = randomValue(next, 0);
      const text =
        JSON.stringify(
          next() < 0.7
            ? { slo_domain: 'd', slo_class: 'c', slo_app: 'a', kind: 'http', ...(value as object) }
            : value,
        ) ?? 'null';
      // Some lines are damaged: truncated or with a stray byte.
      lines.push(next() < 0.1 ? text.slice(0, Math.floor(next() * text.length)) : text);
    }
    const bytes = Buffer.from(lines.join('\n'));
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; ) {
      const size = 1 + Math.floor(next() * 300);
      chunks.push(bytes.subarray(at, at + size));
      at += size;
    }
    const { classifier, counts, out } = feed(chunks);
    const nonBlank = lines.filter((l) => l.trim() !== '').length;
    expect(counts.lines).toBe(nonBlank);
    expect(counts.malformed + classifier.stats.processed).toBe(counts.lines);
    expect(classifier.stats.processed).toBeGreaterThan(1000);
    expect(out.length).toBe(classifier.stats.sloEvents);
    expect(counts.malformed).toBeGreaterThan(0);
  });

  it('survives invalid UTF-8 and random bytes', () => {
    const next = random(11);
    const chunks = Array.from({ length: 200 }, () =>
      Buffer.from(Array.from({ length: Math.floor(next() * 200) }, () => Math.floor(next() * 256))),
    );
    // Each special line starts on a line of its own, after the random bytes.
    chunks.push(
      Buffer.from([
        0x0a, 0x7b, 0x22, 0x73, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0x22, 0x7d, 0x0a,
      ]),
    );
    chunks.push(
      Buffer.from('\n{"slo_domain":"d","slo_class":"c","slo_app":"a","kind":"http","s":"\xff"}\n', 'latin1'),
    );
    const { classifier, counts } = feed(chunks);
    expect(counts.malformed + classifier.stats.processed).toBe(counts.lines);
    expect(classifier.stats.processed).toBeGreaterThanOrEqual(2);
  });

  it('survives deep nesting', () => {
    const deepArray = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const deepObject = `{"slo_domain":"d","slo_class":"c","slo_app":"a","kind":"http","s":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`;
    const unbalanced = '['.repeat(200_000);
    const { classifier, counts, out } = feed([Buffer.from(`${deepArray}\n${deepObject}\n${unbalanced}\n`)]);
    expect(counts).toEqual({ lines: 3, malformed: 2 });
    expect(classifier.stats.processed).toBe(1);
    // The nested value is not text: a missing key for every condition, negated ones included.
    expect(out.map((e) => `${e.metadata.id}:${e.result}`)).toEqual(['http:success']);
  });

  it('matches pathological regexp inputs in linear time, with the right answers', () => {
    const event = (fields: Record<string, string>) =>
      Buffer.from(
        `${JSON.stringify({ slo_class: 'c', slo_app: 'a', kind: 'http', slo_domain: 'other', ...fields })}\n`,
      );
    const { out, classifier } = feed([
      event({ s: `${'a'.repeat(1_000_000)}!` }), // (a+)+$ does not match: exponential for a backtracking engine
      event({ s: 'a'.repeat(1_000_000) }), // matches: fail
      event({ s: `${'x'.repeat(100_000)}z` }), // ^(x|x|xx)*y does not match
      event({ s: 'z', n: '1'.repeat(2_000_000) }), // out of float64 range: an evaluation error, not a failure
      event({ s: 'z', slo_domain: `${'d'.repeat(100_000)}x` }), // (?i)^(d|e)+$ does not match the domain
      event({ s: 'z', slo_domain: 'DeDe' }), // ... and matches this one
    ]);
    expect(out.map((e) => `${e.metadata.id}:${e.result}`)).toEqual([
      'http:success',
      'http:fail',
      'http:success',
      'http:success',
      'http:success',
      'http:success',
      'any:success',
    ]);
    expect(classifier.stats.evaluationErrors).toBe(1);
  });

  it('counts a huge line over the limit as malformed without failing', () => {
    const classifier = new Classifier(RULES);
    const reader = new EventLineReader(classifier, () => {}, { maxLineLength: 1024 * 1024 });
    const huge = Buffer.from(
      `{"s":"${'z'.repeat(4 * 1024 * 1024)}"}\n{"slo_domain":"d","slo_class":"c","slo_app":"a"}\n`,
    );
    for (let at = 0; at < huge.length; at += 65536) reader.push(huge.subarray(at, at + 65536));
    reader.end();
    expect(reader.counts).toEqual({ lines: 2, malformed: 1 });
    expect(classifier.stats.processed).toBe(1);
  });
});
