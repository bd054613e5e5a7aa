/**
 * Relabel semantics, from Prometheus' documentation of `relabel_config`
 * (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#relabel_config) and the
 * behaviour of the Prometheus version slo-exporter v6 links (shared/reference/slo-exporter.md §3.2).
 */
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/config/errors.js';
import {
  type Labels,
  parseRelabelModuleText,
  type RelabelConfigFields,
  relabel,
  relabelConfig,
} from '../../src/events/relabel.js';

const run = (labels: Labels, ...steps: RelabelConfigFields[]) => relabel(labels, steps.map(relabelConfig));

describe('relabel: replace', () => {
  it.each<[string, Labels, RelabelConfigFields, Labels]>([
    [
      'defaults: regex (.*), replacement $1, separator ;',
      { a: 'x', b: 'y' },
      { source_labels: ['a', 'b'], target_label: 't' },
      { a: 'x', b: 'y', t: 'x;y' },
    ],
    [
      'a missing source label reads as ""',
      { a: 'x' },
      { source_labels: ['a', 'b'], target_label: 't' },
      { a: 'x', t: 'x;' },
    ],
    [
      'custom separator',
      { a: 'x', b: 'y' },
      { source_labels: ['a', 'b'], separator: '/', target_label: 't' },
      { a: 'x', b: 'y', t: 'x/y' },
    ],
    // The regex is anchored: "b" alone does not match "abc".
    [
      'no match (anchored) leaves labels unchanged',
      { a: 'abc' },
      { source_labels: ['a'], regex: 'b', target_label: 't', replacement: 'hit' },
      { a: 'abc' },
    ],
    [
      'a full match replaces',
      { a: 'abc' },
      { source_labels: ['a'], regex: 'a(b)c', target_label: 't', replacement: '<$1>' },
      { a: 'abc', t: '<b>' },
    ],
    [
      '${1}x and ${name}',
      { a: 'GET /x' },
      {
        source_labels: ['a'],
        regex: '(?P<method>\\w+) (.*)',
        target_label: 't',
        replacement: '${method}:${2}x',
      },
      { a: 'GET /x', t: 'GET:/xx' },
    ],
    // Go: "$1x" names the group "1x", which does not exist, so it expands to "".
    [
      '$1x is the group named "1x" (empty): the result is empty, the target is removed',
      { a: 'v', t: 'old' },
      { source_labels: ['a'], target_label: 't', replacement: '$1x' },
      { a: 'v' },
    ],
    [
      '$$ is a literal $',
      { a: 'v' },
      { source_labels: ['a'], target_label: 't', replacement: '$$$1' },
      { a: 'v', t: '$v' },
    ],
    [
      'a malformed reference keeps the $',
      { a: 'v' },
      { source_labels: ['a'], target_label: 't', replacement: '${1 $-' },
      { a: 'v', t: '${1 $-' },
    ],
    [
      'an unmatched optional group expands to ""',
      { a: 'x' },
      { source_labels: ['a'], regex: 'x(y)?', target_label: 't', replacement: 'v$1' },
      { a: 'x', t: 'v' },
    ],
    [
      'the target label is expanded too',
      { a: 'method=GET' },
      { source_labels: ['a'], regex: '(\\w+)=(\\w+)', target_label: 'http_$1', replacement: '$2' },
      { a: 'method=GET', http_method: 'GET' },
    ],
    [
      'an empty result deletes the target label',
      { a: '', t: 'old' },
      { source_labels: ['a'], target_label: 't' },
      {},
    ],
    // "bad-name" is no label name: the label named by the unexpanded target ("$1") is deleted, nothing is set.
    [
      'an invalid expanded target sets nothing',
      { a: 'bad-name' },
      { source_labels: ['a'], target_label: '$1', replacement: 'v' },
      { a: 'bad-name' },
    ],
    // Prometheus ~v2.31 deletes the label named by the unexpanded target ("x_$1"); later versions delete "x_a".
    [
      'an empty result deletes the unexpanded target label (v2.31)',
      { s: 'a', x_a: 'kept' },
      { source_labels: ['s'], regex: '(a)', target_label: 'x_$1', replacement: '' },
      { s: 'a', x_a: 'kept' },
    ],
    [
      'a static replacement with no source labels (empty value matches (.*))',
      { a: 'x' },
      { target_label: 'env', replacement: 'prod' },
      { a: 'x', env: 'prod' },
    ],
    [
      'RE2 classes and (?i) flags',
      { a: 'GET' },
      { source_labels: ['a'], regex: '(?i)get|post', target_label: 'read', replacement: 'yes' },
      { a: 'GET', read: 'yes' },
    ],
  ])('%s', (_, input, step, output) => {
    expect(run(input, step)).toEqual(output);
  });

  it('the action name is case-insensitive', () => {
    expect(run({ a: 'x' }, { action: 'RePlAcE', source_labels: ['a'], target_label: 'b' })).toEqual({
      a: 'x',
      b: 'x',
    });
  });

  it("drops labels with an empty value once any step runs, as Prometheus' label builder does", () => {
    expect(run({ a: '', b: 'x' }, { action: 'keep', source_labels: ['b'], regex: 'x' })).toEqual({ b: 'x' });
    expect(relabel({ a: '', b: 'x' }, [])).toEqual({ a: '', b: 'x' });
  });

  it('does not change its input', () => {
    const input = { a: 'x' };
    run(input, { source_labels: ['a'], target_label: 'b' });
    expect(input).toEqual({ a: 'x' });
  });
});

describe('relabel: keep and drop', () => {
  it.each<[string, Labels, RelabelConfigFields, Labels | undefined]>([
    [
      'drop on a full match',
      { a: 'true' },
      { action: 'drop', source_labels: ['a'], regex: 'true' },
      undefined,
    ],
    [
      'drop is anchored: a partial match keeps the event',
      { a: 'untrue' },
      { action: 'drop', source_labels: ['a'], regex: 'true' },
      { a: 'untrue' },
    ],
    [
      'keep on a full match',
      { a: '200' },
      { action: 'keep', source_labels: ['a'], regex: '2..' },
      { a: '200' },
    ],
    [
      'keep drops what does not match',
      { a: '500' },
      { action: 'keep', source_labels: ['a'], regex: '2..' },
      undefined,
    ],
    ['keep of a missing label tests ""', {}, { action: 'keep', source_labels: ['a'], regex: '' }, {}],
    [
      'drop on joined labels',
      { a: 'x', b: 'y' },
      { action: 'drop', source_labels: ['a', 'b'], regex: 'x;y' },
      undefined,
    ],
  ])('%s', (_, input, step, output) => {
    expect(run(input, step)).toEqual(output);
  });

  it('a dropped event stops the later steps', () => {
    expect(
      run(
        { a: 'x' },
        { action: 'drop', source_labels: ['a'], regex: 'x' },
        { target_label: 'b', replacement: 'y' },
      ),
    ).toBeUndefined();
  });
});

describe('relabel: hashmod', () => {
  it('is md5 (last 8 bytes, big-endian) modulo the modulus', () => {
    // Same case as Prometheus' own relabel tests: "baz" with modulus 1000 gives 976.
    expect(
      run({ c: 'baz' }, { action: 'hashmod', source_labels: ['c'], target_label: 'd', modulus: 1000 }),
    ).toEqual({ c: 'baz', d: '976' });
    expect(
      run({ c: 'foo' }, { action: 'hashmod', source_labels: ['c'], target_label: 'd', modulus: 1000 }),
    ).toEqual({ c: 'foo', d: '696' });
  });

  it('works with a modulus beyond 2^53', () => {
    const modulus = 2n ** 64n - 1n;
    const out = run({ c: 'baz' }, { action: 'hashmod', source_labels: ['c'], target_label: 'd', modulus });
    expect(BigInt(out!.d!) % 1000n).toBe(976n); // the full hash is below 2^64-1 here, so mod 1000 stays 976
  });
});

describe('relabel: labelmap, labeldrop, labelkeep', () => {
  it('labelmap copies matching labels under the expanded replacement, keeping the originals', () => {
    expect(
      run(
        { http_status: '200', http_method: 'POST', other: 'x' },
        { action: 'labelmap', regex: 'http_(.*)' },
      ),
    ).toEqual({
      http_status: '200',
      http_method: 'POST',
      other: 'x',
      status: '200',
      method: 'POST',
    });
  });

  it("labelmap maps names in Prometheus' sorted label order: the last name wins a shared target", () => {
    // Prometheus ranges over the step's input label set, which is sorted by name; insertion order is no order.
    expect(
      run({ b_x: 'from b', a_x: 'from a' }, { action: 'labelmap', regex: '.*_x', replacement: 'y' }),
    ).toEqual({ b_x: 'from b', a_x: 'from a', y: 'from b' });
    // Each name maps with the value it had when the step began, also when an earlier name's copy replaced it.
    expect(
      run({ x: '1', x_x: '2' }, { action: 'labelmap', regex: '(x)(_x)?', replacement: '${1}_x' }),
    ).toEqual({
      x: '1',
      x_x: '2',
    });
  });

  it('labelmap is anchored on the label name', () => {
    expect(run({ my_http_x: '1' }, { action: 'labelmap', regex: 'http_(.*)' })).toEqual({ my_http_x: '1' });
  });

  it('labeldrop removes matching names; labelkeep keeps only them', () => {
    expect(run({ a: '1', ab: '2', b: '3' }, { action: 'labeldrop', regex: 'a.*' })).toEqual({ b: '3' });
    expect(run({ a: '1', ab: '2', b: '3' }, { action: 'labelkeep', regex: 'a.*' })).toEqual({
      a: '1',
      ab: '2',
    });
  });
});

describe('relabelConfig validation', () => {
  it.each<[RelabelConfigFields, string]>([
    [{ action: 'keepequal' }, 'unknown relabel action "keepequal"'],
    [{ regex: '(', target_label: 't' }, 'invalid regexp "("'],
    [
      { source_labels: ['http_slo-domain'], target_label: 't' },
      '"http_slo-domain" is not a valid label name',
    ],
    [{}, 'the replace action requires a target_label'],
    [{ target_label: 'bad-name' }, '"bad-name" is not a valid target_label'],
    [{ action: 'hashmod', target_label: 't' }, 'requires a non-zero modulus'],
    [
      { action: 'hashmod', modulus: 2, target_label: '$1' },
      'not a valid target_label for the hashmod action',
    ],
    [{ action: 'labelmap', replacement: 'x-$1' }, 'not a valid replacement for the labelmap action'],
    [{ action: 'labeldrop', regex: 'a', source_labels: ['a'] }, 'takes only "regex", not "source_labels"'],
  ])('%j: %s', (fields, message) => {
    expect(() => relabelConfig(fields)).toThrow(message);
  });

  it('accepts $-references in a replace target_label', () => {
    expect(relabelConfig({ target_label: 'x_${1}_$name' }).targetLabel).toBe('x_${1}_$name');
  });
});

const parse = (text: string) => parseRelabelModuleText(text, 'relabel.yaml');

describe('parseRelabelModule', () => {
  it("reproduces slo-exporter's own relabel test (relabel_test.go)", () => {
    const { configs, issues } = parse(`
eventRelabelConfigs:
  - source_labels: ["to_be_dropped"]
    regex: "true"
    action: drop
  - regex: "label_to_be_dropped"
    action: labeldrop
  - source_labels: ["url"]
    regex: ".*operationName=(.*)(&.*)?$"
    target_label: operation_name
    replacement: "$1"
  - source_labels: ["url"]
    regex: ".*operationName=(.*)(&.*)?$"
    action: replace
    target_label: operation_name
    replacement: "$1"
  - action: labelmap
    regex: "http_(.*)"
    replacement: "$1"
`);
    expect(issues).toEqual([]);
    expect(relabel({}, configs)).toEqual({});
    expect(relabel({ foo: 'bar' }, configs)).toEqual({ foo: 'bar' });
    expect(relabel({ to_be_dropped: 'true' }, configs)).toBeUndefined();
    expect(relabel({ foo: 'bar', label_to_be_dropped: 'xxx' }, configs)).toEqual({ foo: 'bar' });
    expect(relabel({ url: 'http://foo.bar:8080?operationName=test-operation' }, configs)).toEqual({
      url: 'http://foo.bar:8080?operationName=test-operation',
      operation_name: 'test-operation',
    });
    expect(relabel({ http_status: '200', http_method: 'POST' }, configs)).toEqual({
      http_status: '200',
      http_method: 'POST',
      status: '200',
      method: 'POST',
    });
  });

  it('reads the module key in any case and scalars as their literal text', () => {
    const { configs, issues } = parse(`
EventRelabelConfigs:
  - source_labels: [a]
    regex: true
    target_label: t
    replacement: 0.50
  - action: hashmod
    source_labels: [c]
    target_label: d
    modulus: 1000
`);
    expect(issues).toEqual([]);
    expect(relabel({ a: 'true', c: 'baz' }, configs)).toEqual({ a: 'true', c: 'baz', t: '0.50', d: '976' });
  });

  it('an absent or empty list relabels nothing', () => {
    expect(parse('{}')).toEqual({ configs: [], issues: [] });
    expect(parse('eventRelabelConfigs:')).toEqual({ configs: [], issues: [] });
  });

  it('names file, line, column and field of every problem', () => {
    const { configs, issues } = parse(`eventRelabelConfigs:
  - source_labels: [a]
    regexP: x
    target_label: t
  - action: dorp
  - source_labels: [a]
    regex: "("
    target_label: t
  - action: hashmod
    target_label: t
  - action: hashmod
    target_label: t
    modulus: -1
  - source_labels: a
    target_label: t
  - action: labelkeep
    separator: ","
`);
    expect(configs).toEqual([]);
    expect(issues.map(formatIssue)).toEqual([
      'relabel.yaml:3:5: eventRelabelConfigs[0].regexP: unknown field "regexP"; did you mean "regex"?',
      'relabel.yaml:5:13: eventRelabelConfigs[1].action: unknown relabel action "dorp" (expected one of: replace, keep, drop, hashmod, labelmap, labeldrop, labelkeep)',
      expect.stringMatching(
        /^relabel\.yaml:7:12: eventRelabelConfigs\[2\]\.regex: invalid regexp "\(": error parsing regexp: missing closing \)/,
      ),
      'relabel.yaml:9:5: eventRelabelConfigs[3]: the hashmod action requires a non-zero modulus',
      'relabel.yaml:13:14: eventRelabelConfigs[4].modulus: expected an unsigned 64-bit integer, got "-1"',
      'relabel.yaml:14:20: eventRelabelConfigs[5].source_labels: expected a list of label names, got string',
      'relabel.yaml:17:16: eventRelabelConfigs[6].separator: the labelkeep action takes only "regex", not "separator"',
    ]);
  });

  it('rejects a list that is not a list and a module that is not a map', () => {
    expect(parse('eventRelabelConfigs: 3').issues.map(formatIssue)).toEqual([
      'relabel.yaml:1:22: eventRelabelConfigs: expected a list of relabel configs, got number',
    ]);
    expect(parse('[1]').issues.map(formatIssue)).toEqual(['relabel.yaml:1:1: expected a map, got a list']);
  });
});
