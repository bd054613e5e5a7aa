/** metadataClassifier, with the oracles of slo-exporter's metadata classifier tests (reference §3.4). */
import { describe, expect, it } from 'vitest';
import {
  type MetadataClassifier,
  metadataClassifierModule,
} from '../../../src/events/modules/metadata-classifier.js';
import type { SloClassification } from '../../../src/events/pipeline-event.js';
import { exposition, load, loadValid, rawEvent } from './helpers.js';

const KEYS = 'sloDomainMetadataKey: domain, sloClassMetadataKey: class, sloAppMetadataKey: app';
const classifier = (extra = '') =>
  loadValid<MetadataClassifier>(
    metadataClassifierModule,
    `modules:\n  metadataClassifier: {${KEYS}${extra}}\n`,
  );
const old: SloClassification = { domain: 'xxx', class: 'xxx', app: 'xxx' };

describe('metadataClassifier', () => {
  it("slo-exporter's oracle: with override, parts present in metadata replace the old ones", async () => {
    const out = (await classifier()).process(rawEvent({ domain: 'domain', class: 'class' }, old));
    expect(out.classification).toEqual({ domain: 'domain', class: 'class', app: 'xxx' });
  });

  it("slo-exporter's oracle: without override, a classified event is left as it was", async () => {
    const processor = await classifier(', overrideExistingValues: false');
    const out = processor.process(rawEvent({ domain: 'domain', class: 'class', app: 'app' }, old));
    expect(out.classification).toEqual(old);
  });

  it('without override, fills only the empty parts of a partly classified event', async () => {
    const processor = await classifier(', overrideExistingValues: false');
    const partial = { domain: 'kept', class: '', app: '' };
    const out = processor.process(rawEvent({ domain: 'domain', class: 'class' }, partial));
    expect(out.classification).toEqual({ domain: 'kept', class: 'class', app: '' });
  });

  it('takes a present empty value, and always leaves a classification', async () => {
    const processor = await classifier();
    expect(processor.process(rawEvent({ domain: '' }, old)).classification).toEqual({
      domain: '',
      class: 'xxx',
      app: 'xxx',
    });
    expect(processor.process(rawEvent({})).classification).toEqual({ domain: '', class: '', app: '' });
  });

  it('does not read Object members as metadata values', async () => {
    const processor = await loadValid<MetadataClassifier>(
      metadataClassifierModule,
      'modules:\n  metadataClassifier: {sloDomainMetadataKey: constructor, sloClassMetadataKey: toString}\n',
    );
    const out = processor.process({ metadata: { constructor: 'd' }, quantity: 1 });
    expect(out.classification).toEqual({ domain: 'd', class: '', app: '' });
  });

  it('counts generated and skipped classifications', async () => {
    const processor = await classifier(', OverrideExistingValues: false');
    processor.process(rawEvent({ domain: 'd', class: 'c', app: 'a' }));
    processor.process(rawEvent({}, old));
    processor.process(rawEvent({}, old));
    expect(exposition(processor)).toBe(
      '# HELP slo_exporter_metadata_classifier_processed_events_total Events seen by the metadata classifier, by whether it classified them (generated-slo-classification) or left them as they were (skipped).\n' +
        '# TYPE slo_exporter_metadata_classifier_processed_events_total counter\n' +
        'slo_exporter_metadata_classifier_processed_events_total{operation="generated-slo-classification"} 1\n' +
        'slo_exporter_metadata_classifier_processed_events_total{operation="skipped"} 2\n',
    );
  });

  it('reports unknown keys with did-you-mean and bad values, with positions', async () => {
    const { processor, issues } = await load(
      metadataClassifierModule,
      `modules:
  metadataClassifier:
    sloDomainMetadataKeys: d
    sloClassMetadataKey: [c]
    overrideExistingValues: 2
`,
    );
    expect(processor).toBeUndefined();
    expect(issues).toEqual([
      'slo_exporter.yaml:3:5: modules.metadataClassifier.sloDomainMetadataKeys: unknown field "sloDomainMetadataKeys"; did you mean "sloDomainMetadataKey"?',
      'slo_exporter.yaml:4:26: modules.metadataClassifier.sloClassMetadataKey: expected a single value, got a list',
      'slo_exporter.yaml:5:29: modules.metadataClassifier.overrideExistingValues: expected true or false, got number 2',
    ]);
  });
});
