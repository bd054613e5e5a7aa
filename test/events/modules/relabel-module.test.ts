/** The relabel module with the oracle of slo-exporter's relabel_test.go (shared/reference/slo-exporter.md §3.2). */
import { describe, expect, it } from 'vitest';
import { type RelabelProcessor, relabelModule } from '../../../src/events/modules/relabel-module.js';
import { EVENT_KEY_METADATA } from '../../../src/events/pipeline-event.js';
import { exposition, load, loadValid, rawEvent } from './helpers.js';

const ORACLE_CONFIG = `modules:
  relabel:
    eventRelabelConfigs:
      - {source_labels: ["to_be_dropped"], regex: "true", action: drop}
      - {regex: "label_to_be_dropped", action: labeldrop}
      - {source_labels: ["url"], regex: ".*operationName=(.*)(&.*)?$", target_label: operation_name, replacement: "$1"}
      - {source_labels: ["url"], regex: ".*operationName=(.*)(&.*)?$", action: replace, target_label: operation_name, replacement: "$1"}
      - {action: labelmap, regex: "http_(.*)", replacement: "$1"}
`;

describe('relabel module', () => {
  it.each<[string, Record<string, string>, Record<string, string> | undefined]>([
    ['no metadata', {}, {}],
    ['unrelated metadata', { foo: 'bar' }, { foo: 'bar' }],
    ['drop', { to_be_dropped: 'true' }, undefined],
    ['labeldrop', { foo: 'bar', label_to_be_dropped: 'xxx' }, { foo: 'bar' }],
    [
      'replace',
      { url: 'http://foo.bar:8080?operationName=test-operation' },
      { url: 'http://foo.bar:8080?operationName=test-operation', operation_name: 'test-operation' },
    ],
    [
      'labelmap',
      { http_status: '200', http_method: 'POST' },
      { http_status: '200', http_method: 'POST', status: '200', method: 'POST' },
    ],
  ])("slo-exporter's oracle: %s", async (_, metadata, expected) => {
    const processor = await loadValid<RelabelProcessor>(relabelModule, ORACLE_CONFIG);
    const out = processor.process(rawEvent(metadata));
    expect(out && { ...out.metadata }).toEqual(expected);
  });

  it('keeps classification and quantity, sees the event key, and counts dropped events', async () => {
    const processor = await loadValid<RelabelProcessor>(
      relabelModule,
      `modules:
  relabel:
    eventRelabelConfigs:
      - {source_labels: [${EVENT_KEY_METADATA}], regex: "GET:/health.*", action: drop}
      - {source_labels: [path], target_label: ${EVENT_KEY_METADATA}, replacement: "key:$1"}
`,
    );
    const classification = { domain: 'd', class: 'c', app: 'a' };
    const event = {
      ...rawEvent({ path: '/api', [EVENT_KEY_METADATA]: 'GET:/api' }, classification),
      quantity: 3,
    };
    const out = processor.process(event)!;
    expect({ ...out.metadata }).toEqual({ path: '/api', [EVENT_KEY_METADATA]: 'key:/api' });
    expect(out.classification).toEqual(classification);
    expect(out.quantity).toBe(3);
    expect(exposition(processor)).toContain('slo_exporter_relabel_dropped_events_total 0\n');
    expect(processor.process(rawEvent({ [EVENT_KEY_METADATA]: 'GET:/healthz' }))).toBeUndefined();
    expect(processor.process(rawEvent({ [EVENT_KEY_METADATA]: 'GET:/health' }))).toBeUndefined();
    expect(exposition(processor)).toBe(
      '# HELP slo_exporter_relabel_dropped_events_total Events dropped by a keep or drop relabel step.\n' +
        '# TYPE slo_exporter_relabel_dropped_events_total counter\n' +
        'slo_exporter_relabel_dropped_events_total 2\n',
    );
  });

  it('passes every event when the module has no steps, and ignores its other keys as slo-exporter does', async () => {
    const processor = await loadValid<RelabelProcessor>(
      relabelModule,
      'modules:\n  relabel:\n    other: 1\n',
    );
    expect({ ...processor.process(rawEvent({ a: 'b' }))!.metadata }).toEqual({ a: 'b' });
    const missing = await loadValid<RelabelProcessor>(relabelModule, 'modules: {}\n');
    expect({ ...missing.process(rawEvent({ a: 'b' }))!.metadata }).toEqual({ a: 'b' });
  });

  it('reads the module key in any case and reports every bad step with its position', async () => {
    const { processor, issues } = await load(
      relabelModule,
      `modules:
  relabel:
    EventRelabelConfigs:
      - {regexP: "x", action: drop}
      - {action: keepequal}
      - {source_labels: [ok], target_label: "", action: replace}
`,
    );
    expect(processor).toBeUndefined();
    expect(issues).toEqual([
      'slo_exporter.yaml:4:10: modules.relabel.EventRelabelConfigs[0].regexP: unknown field "regexP"; did you mean "regex"?',
      'slo_exporter.yaml:5:18: modules.relabel.EventRelabelConfigs[1].action: unknown relabel action "keepequal" (expected one of: replace, keep, drop, hashmod, labelmap, labeldrop, labelkeep)',
      'slo_exporter.yaml:6:45: modules.relabel.EventRelabelConfigs[2].target_label: the replace action requires a target_label',
    ]);
  });

  it('keeps a label named like an Object member as plain metadata', async () => {
    const processor = await loadValid<RelabelProcessor>(
      relabelModule,
      'modules:\n  relabel:\n    eventRelabelConfigs: [{source_labels: [a], target_label: constructor}]\n',
    );
    const out = processor.process(rawEvent({ a: 'x' }))!;
    expect(Object.hasOwn(out.metadata, 'constructor')).toBe(true);
    expect(out.metadata.constructor).toBe('x');
    expect(out.metadata.toString).toBeUndefined();
  });
});
