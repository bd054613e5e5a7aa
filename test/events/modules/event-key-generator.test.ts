/** eventKeyGenerator, with the oracle of slo-exporter's event_key_generator_test.go (reference §3.3). */
import { describe, expect, it } from 'vitest';
import {
  type EventKeyGenerator,
  eventKeyGeneratorModule,
} from '../../../src/events/modules/event-key-generator.js';
import { EVENT_KEY_METADATA } from '../../../src/events/pipeline-event.js';
import { exposition, load, loadValid, rawEvent } from './helpers.js';

const generator = (config: string) =>
  loadValid<EventKeyGenerator>(eventKeyGeneratorModule, `modules:\n  eventKeyGenerator: ${config}\n`);

describe('eventKeyGenerator', () => {
  it.each<[Record<string, string>, string[], string, string]>([
    [{ foo: 'foo' }, [], ':', ''],
    [{ foo: 'foo' }, ['bar'], ':', ''],
    [{ foo: 'foo' }, ['foo'], ':', 'foo'],
    [{ foo: 'foo', bar: 'bar' }, ['foo', 'bar'], ':', 'foo:bar'],
    [{ foo: 'foo', bar: '' }, ['foo', 'bar'], ':', 'foo:'],
    [{ foo: 'foo', bar: 'bar' }, ['foo', 'bar'], '|', 'foo|bar'],
    [{ foo: 'foo', bar: 'bar' }, ['xxx', 'bar'], ':', 'bar'],
  ])("slo-exporter's oracle: %j keys %j separator %j → %j", async (metadata, keys, separator, expected) => {
    const processor = await generator(
      `{filedSeparator: ${JSON.stringify(separator)}, metadataKeys: ${JSON.stringify(keys)}}`,
    );
    expect(processor.process(rawEvent(metadata)).metadata[EVENT_KEY_METADATA]).toBe(expected);
  });

  it('defaults to ":" and to overriding an existing key, even with ""', async () => {
    const processor = await generator('{metadataKeys: [method, path]}');
    expect(processor.config).toEqual({
      separator: ':',
      overrideExistingEventKey: true,
      metadataKeys: ['method', 'path'],
    });
    const event = rawEvent({ method: 'GET', path: '/a', [EVENT_KEY_METADATA]: 'old' });
    expect(processor.process(event).metadata[EVENT_KEY_METADATA]).toBe('GET:/a');
    expect(processor.process(rawEvent({ [EVENT_KEY_METADATA]: 'old' })).metadata[EVENT_KEY_METADATA]).toBe(
      '',
    );
    // A null separator is unset for viper: the default applies. An empty string is a separator.
    expect((await generator('{filedSeparator: null}')).config.separator).toBe(':');
    expect((await generator('{filedSeparator: ""}')).config.separator).toBe('');
  });

  it('keeps a non-empty key without override, sets an empty one, and counts both operations', async () => {
    const processor = await generator('{OverrideExistingEventKey: false, MetadataKeys: [path]}');
    expect(
      processor.process(rawEvent({ path: '/a', [EVENT_KEY_METADATA]: 'kept' })).metadata[EVENT_KEY_METADATA],
    ).toBe('kept');
    expect(
      processor.process(rawEvent({ path: '/a', [EVENT_KEY_METADATA]: '' })).metadata[EVENT_KEY_METADATA],
    ).toBe('/a');
    expect(processor.process(rawEvent({ path: '/b' })).metadata[EVENT_KEY_METADATA]).toBe('/b');
    expect(exposition(processor)).toBe(
      '# HELP slo_exporter_event_key_generator_processed_events_total Events seen by the event key generator, by whether it set their key (generated-event-key) or kept it (skipped).\n' +
        '# TYPE slo_exporter_event_key_generator_processed_events_total counter\n' +
        'slo_exporter_event_key_generator_processed_events_total{operation="skipped"} 1\n' +
        'slo_exporter_event_key_generator_processed_events_total{operation="generated-event-key"} 2\n',
    );
  });

  it('exposes no series before the first event, as client_golang does', async () => {
    expect(exposition(await generator('{}'))).toBe('');
  });

  it('does not read Object members as metadata, even of plain-object metadata', async () => {
    const processor = await generator('{metadataKeys: [constructor, a]}');
    expect(processor.process({ metadata: { a: 'x' }, quantity: 1 }).metadata[EVENT_KEY_METADATA]).toBe('x');
  });

  it('reports unknown keys (with did-you-mean) and bad values, all with positions', async () => {
    const { processor, issues } = await load(
      eventKeyGeneratorModule,
      `modules:
  eventKeyGenerator:
    fieldSeparator: "|"
    overrideExistingEventKey: maybe
    metadataKeys: path
`,
    );
    expect(processor).toBeUndefined();
    expect(issues).toEqual([
      'slo_exporter.yaml:3:5: modules.eventKeyGenerator.fieldSeparator: unknown field "fieldSeparator"; did you mean "filedSeparator"?',
      'slo_exporter.yaml:4:31: modules.eventKeyGenerator.overrideExistingEventKey: expected true or false, got string "maybe"',
      'slo_exporter.yaml:5:19: modules.eventKeyGenerator.metadataKeys: expected a list, got string',
    ]);
  });
});
