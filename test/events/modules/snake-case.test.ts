/** Cases documented by iancoleman/strcase v0.3.0 (`ToSnake`), which slo-exporter uses for metric names. */
import { describe, expect, it } from 'vitest';
import { moduleMetricPrefix } from '../../../src/events/modules/module-metrics.js';
import { toSnakeCase } from '../../../src/events/modules/snake-case.js';

describe('toSnakeCase', () => {
  it.each([
    ['testCase', 'test_case'],
    ['TestCase', 'test_case'],
    ['Test Case', 'test_case'],
    [' Test Case ', 'test_case'],
    ['test', 'test'],
    ['test_case', 'test_case'],
    ['', ''],
    ['ManyManyWords', 'many_many_words'],
    ['AnyKind of_string', 'any_kind_of_string'],
    ['numbers2and55with000', 'numbers_2_and_55_with_000'],
    ['JSONData', 'json_data'],
    ['userID', 'user_id'],
    ['AAAbbb', 'aa_abbb'],
    ['1A2', '1_a_2'],
    ['A1B', 'a_1_b'],
    ['AB1 AB2 AB3', 'ab_1_ab_2_ab_3'],
    ['http_slo-domain', 'http_slo_domain'],
    ['a.b', 'a_b'],
    ['\u00a0userAgent\t', 'user_agent'],
    ['clé', 'clé'],
  ])('%j → %j', (input, expected) => {
    expect(toSnakeCase(input)).toBe(expected);
  });

  it("names module metric prefixes as slo-exporter's pipeline does", () => {
    expect(moduleMetricPrefix('eventKeyGenerator')).toBe('slo_exporter_event_key_generator_');
    expect(moduleMetricPrefix('relabel')).toBe('slo_exporter_relabel_');
    expect(moduleMetricPrefix('dynamicClassifier')).toBe('slo_exporter_dynamic_classifier_');
  });
});
