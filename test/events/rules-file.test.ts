import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/config/errors.js';
import { parseRulesFile } from '../../src/events/rules-file.js';

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../fixtures/events/${name}`, import.meta.url)), 'utf8');

const issuesOf = (text: string) => parseRulesFile(text, 'rules.yaml').issues.map(formatIssue);

describe('parseRulesFile', () => {
  it("loads the seed's whole rules file as written", () => {
    const { rules, issues } = parseRulesFile(fixture('seed-rules.yaml'), 'seed-rules.yaml');
    expect(issues).toEqual([]);
    expect(rules).toHaveLength(2);
    const [first, second] = rules;
    expect(first!.honorSloResult).toBe(true); // `True`
    expect(first!.sloMatcher.domain!.source).toBe('test-domain');
    expect(first!.failureConditions.map((c) => [c.operatorName, c.key, c.value, c.threshold])).toEqual([
      ['numberHigherThan', 'statusCode', '499', 499],
    ]);
    expect(second!.honorSloResult).toBe(false);
    expect(second!.metadataMatchers.map((c) => [c.operator.name, c.key, c.value])).toEqual([
      ['isMatchingRegexp', 'statusCode', '200'],
    ]);
    // Literal text: 6 stays "6", 0.8 stays "0.8", in file order.
    expect(Object.entries(second!.additionalMetadata)).toEqual([
      ['slo_version', '6'],
      ['slo_type', 'latency90'],
      ['percentile', '90'],
      ['le', '0.8'],
    ]);
    expect(second!.origin).toEqual({ file: 'seed-rules.yaml', line: 14, column: 5, path: 'rules[1]' });
  });

  it('reads scalars as their literal text', () => {
    const { rules, issues } = parseRulesFile(
      [
        'rules:',
        '  - additional_metadata:',
        '      a: 8.0',
        '      b: 0.80',
        '      c: 0x10',
        '      d: yes',
        '      e: ~',
        '      f: null',
        "      g: '0.50'",
        '      h: 2001-12-14',
        '      i: True',
        '      j: 1e3',
        '      k: "a\\tb"',
      ].join('\n'),
      'r.yaml',
    );
    expect(issues).toEqual([]);
    expect({ ...rules[0]!.additionalMetadata }).toEqual({
      a: '8.0',
      b: '0.80',
      c: '0x10',
      d: 'yes',
      e: '',
      f: '',
      g: '0.50',
      h: '2001-12-14',
      i: 'True',
      j: '1e3',
      k: 'a\tb',
    });
  });

  it('accepts YAML 1.1 booleans for honor_slo_result and expose_as_metric', () => {
    for (const [word, value] of [
      ['True', true],
      ['yes', true],
      ['on', true],
      ['false', false],
      ['No', false],
      ['OFF', false],
    ] as const) {
      const { rules, issues } = parseRulesFile(
        `rules:\n  - honor_slo_result: ${word}\n    failure_conditions:\n      - {operator: numberHigherThan, key: k, value: 1, expose_as_metric: ${word}}\n`,
        'r.yaml',
      );
      expect(issues).toEqual([]);
      expect(rules[0]!.honorSloResult).toBe(value);
      expect(rules[0]!.failureConditions[0]!.exposeAsMetric).toBe(value);
    }
  });

  it('takes an empty file or an empty rules list as no rules', () => {
    expect(parseRulesFile('', 'r.yaml')).toEqual({ rules: [], issues: [] });
    expect(parseRulesFile('rules: []\n', 'r.yaml')).toEqual({ rules: [], issues: [] });
    expect(parseRulesFile('rules:\n', 'r.yaml')).toEqual({ rules: [], issues: [] });
  });

  it('loads a slo-exporter v6 file', () => {
    const { rules, issues } = parseRulesFile(fixture('v6-rules.yaml'), 'v6-rules.yaml');
    expect(issues).toEqual([]);
    expect(rules.map((r) => r.failureConditions.map((c) => c.operator.name))).toEqual([
      ['numberIsHigherThan', 'isMatchingRegexp'],
      ['durationIsHigherThan'],
    ]);
  });

  it('reports every problem at once with file, line, column and field', () => {
    const text = [
      'rules:', //                                                     1
      '  - metadata_matcher:', //                                      2
      '      - operator: isEqualTo', //                                3
      '        key: a', //                                             4
      '        value: b', //                                           5
      '        expose_as_metric: true', //                             6
      '    slo_matcher:', //                                           7
      '      domain: "(unclosed"', //                                  8
      '      klass: x', //                                             9
      '    failure_conditions:', //                                   10
      '      - operator: numberIsHigherThen', //                      11
      '        key: statusCode', //                                   12
      '        value: 499', //                                        13
      '      - operator: numberHigherThan', //                        14
      '        key: statusCode', //                                   15
      '        value: " 499"', //                                     16
      '      - operator: durationHigherThan', //                      17
      '        key: d', //                                            18
      '        value: 1d', //                                         19
      '      - operator: matchesRegexp', //                           20
      '        key: d', //                                            21
      '        value: "a(?=b)"', //                                   22
      '      - key: x', //                                            23
      '        value: 1', //                                          24
      '    additional_metadata:', //                                  25
      '      nested: {a: b}', //                                      26
      '    honor_slo_result: maybe', //                               27
      '    failure_condition: []', //                                 28
      '  - 42', //                                                    29
    ].join('\n');
    expect(issuesOf(text)).toEqual([
      'rules.yaml:6:9: rules[0].metadata_matcher[0].expose_as_metric: unknown field "expose_as_metric" (expected one of: operator, key, value)',
      'rules.yaml:8:15: rules[0].slo_matcher.domain: invalid regexp "(unclosed": error parsing regexp: missing closing ): `(unclosed`',
      'rules.yaml:9:7: rules[0].slo_matcher.klass: unknown field "klass"; did you mean "class"?',
      'rules.yaml:11:19: rules[0].failure_conditions[0].operator: unknown operator "numberIsHigherThen"; did you mean "numberIsHigherThan"?',
      'rules.yaml:16:16: rules[0].failure_conditions[1].value: expected a number (Go strconv.ParseFloat syntax, e.g. 499, 0.8, 1e3), got " 499"',
      'rules.yaml:19:16: rules[0].failure_conditions[2].value: expected a duration (Go time.ParseDuration syntax, e.g. 300ms, 1.5s, 1h30m), got "1d"',
      'rules.yaml:22:16: rules[0].failure_conditions[3].value: invalid regexp "a(?=b)": error parsing regexp: invalid or unsupported Perl syntax: `(?=`',
      'rules.yaml:23:9: rules[0].failure_conditions[4].operator: required field "operator" is missing',
      'rules.yaml:26:15: rules[0].additional_metadata.nested: expected a single value, got a map',
      'rules.yaml:27:23: rules[0].honor_slo_result: expected true or false, got string "maybe"',
      'rules.yaml:28:5: rules[0].failure_condition: unknown field "failure_condition"; did you mean "failure_conditions"?',
      'rules.yaml:29:5: rules[1]: expected a map, got number',
    ]);
  });

  it('reports duplicate keys and YAML syntax errors with their position', () => {
    expect(issuesOf('rules:\n  - honor_slo_result: true\n    honor_slo_result: false\n')).toEqual([
      'rules.yaml:3:5: rules[0].honor_slo_result: duplicate key "honor_slo_result" (first written at line 2, column 5); keys of a map must be unique',
    ]);
    expect(issuesOf('rules: [\n')).toEqual([expect.stringMatching(/^rules\.yaml:\d+:\d+: invalid YAML:/)]);
    // A duplicate key does not hide the file's other problems.
    expect(
      issuesOf('rules:\n  - honor_slo_result: true\n    honor_slo_result: false\n    slo_matchr: {}\n'),
    ).toEqual([
      'rules.yaml:3:5: rules[0].honor_slo_result: duplicate key "honor_slo_result" (first written at line 2, column 5); keys of a map must be unique',
      expect.stringMatching(
        /^rules\.yaml:4:5: rules\[0\]\.slo_matchr: unknown field "slo_matchr"; did you mean "slo_matcher"\?/,
      ),
    ]);
  });

  it('says there is no strict less-than operator instead of suggesting the opposite one', () => {
    const rule = (operator: string) =>
      `rules:\n  - failure_conditions: [{operator: ${operator}, key: k, value: '1'}]\n`;
    expect(issuesOf(rule('numberIsLessThan'))).toEqual([
      'rules.yaml:2:37: rules[0].failure_conditions[0].operator: unknown operator "numberIsLessThan": slo-exporter has no strict less-than operator; use numberIsEqualOrLessThan, or write the opposite condition with numberIsHigherThan',
    ]);
    expect(issuesOf(rule('durationLowerThan'))).toEqual([
      'rules.yaml:2:37: rules[0].failure_conditions[0].operator: unknown operator "durationLowerThan": slo-exporter has no less-than operator for durations; write the opposite condition with durationIsHigherThan',
    ]);
    expect(issuesOf(rule('numberIsHigerThan'))[0]).toContain('did you mean "numberIsHigherThan"?');
  });

  it('rejects unknown top-level keys and a rules field that is not a list', () => {
    expect(issuesOf('rule: []\n')).toEqual([
      'rules.yaml:1:1: rule: unknown field "rule"; did you mean "rules"?',
    ]);
    expect(issuesOf('rules: {a: 1}\n')).toEqual([
      'rules.yaml:1:8: rules: expected a list of rules, got a map',
    ]);
  });
});
