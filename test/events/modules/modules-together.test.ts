/**
 * The five processor modules loaded from one slo-exporter root config (test/fixtures/events/modules/pipeline,
 * CSV path relative to that directory as the working directory) and chained in the pipeline's order, on
 * events shaped as the tailer gives them for the access-log lines of slo-exporter's tailer test; then the
 * modules' families together must be a valid exposition for promtool.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../../src/config/errors.js';
import { parseSource } from '../../../src/config/yaml-source.js';
import { dynamicClassifierModule } from '../../../src/events/modules/dynamic-classifier.js';
import { eventKeyGeneratorModule } from '../../../src/events/modules/event-key-generator.js';
import { metadataClassifierModule } from '../../../src/events/modules/metadata-classifier.js';
import { relabelModule } from '../../../src/events/modules/relabel-module.js';
import { statisticalClassifierModule } from '../../../src/events/modules/statistical-classifier.js';
import { loadWarnings, PROCESSOR_MODULES } from '../../../src/events/pipeline-config/processor-modules.js';
import {
  EVENT_KEY_METADATA,
  type EventProcessor,
  type PipelineEvent,
} from '../../../src/events/pipeline-event.js';
import { renderFamilies } from '../../../src/lang/prometheus-text.js';
import { promtoolCheck, rawEvent } from './helpers.js';

const DIR = 'test/fixtures/events/modules/pipeline';
const MODULES = [
  relabelModule,
  eventKeyGeneratorModule,
  metadataClassifierModule,
  dynamicClassifierModule,
  statisticalClassifierModule,
];

async function pipeline(): Promise<EventProcessor[]> {
  const { doc, issues } = parseSource(readFileSync(`${DIR}/slo_exporter.yaml`, 'utf8'), 'slo_exporter.yaml');
  expect(issues).toEqual([]);
  const loaded = await Promise.all(MODULES.map((m) => m.load(doc, ['modules', m.name], { cwd: DIR })));
  expect(loaded.flatMap((l) => l.issues).map(formatIssue)).toEqual([]);
  return loaded.map((l) => l.processor!);
}

const run = (processors: EventProcessor[], event: PipelineEvent) =>
  processors.reduce<PipelineEvent | undefined>((e, p) => e && p.process(e), event);

/** Metadata the tailer gives for a line of the tailer test's format (groups equal to "-" omitted). */
const line = (request: string, statusCode: string, slo?: [string, string, string]) =>
  rawEvent({
    ip: '34.65.133.58',
    time: '12/Mar/2020:13:13:13 +0100',
    request,
    statusCode,
    userAgent: 'curl/7.64',
    requestDuration: '0.018',
    ...(slo && { sloDomain: slo[0], sloClass: slo[1], sloApp: slo[2] }),
  });

describe('processor modules chained as an slo-exporter pipeline', () => {
  it('filters, keys, classifies by metadata, CSV, learnt cache and statistics, and exposes valid metrics', async () => {
    const processors = await pipeline();
    const results = [
      line('GET /api/users?id=1 HTTP/1.1', '200'),
      line('GET /api/users HTTP/2.0', '503'),
      line('POST /checkout HTTP/1.1', '200', ['userportal', 'high', 'shop']),
      line('POST /checkout', '201'),
      line('GET /robots.txt', '200'),
    ].map((event) => run(processors, event));
    expect(results.map((e) => e && [e.metadata[EVENT_KEY_METADATA], e.classification])).toEqual([
      ['GET:/api/users', { domain: 'userportal', app: 'frontend-api', class: 'critical' }],
      undefined, // 5xx dropped by relabel
      ['POST:/checkout', { domain: 'userportal', class: 'high', app: 'shop' }],
      // Learnt by the dynamic classifier from the previous, classified event with the same key.
      ['POST:/checkout', { domain: 'userportal', class: 'high', app: 'shop' }],
      // Found nowhere: guessed from the weights (none archived yet, so the default ones).
      ['GET:/robots.txt', { domain: 'userportal', class: 'guessed', app: 'statistically-guessed' }],
    ]);
    const text = renderFamilies(processors.flatMap((p) => p.families()));
    expect(text).toContain('slo_exporter_relabel_dropped_events_total 1\n');
    expect(text).toContain(
      'slo_exporter_dynamic_classifier_events_processed_total{classified_by="",metadata_user_agent="curl/7.64",result="unclassified"} 1\n',
    );
    expect(await promtoolCheck(text)).toEqual({ code: 0, findings: [] });
  });
});

describe('PROCESSOR_MODULES and loadWarnings', () => {
  it('finds each module by its slo-exporter name and gives the warnings kept at load', async () => {
    expect([...PROCESSOR_MODULES.keys()]).toEqual([
      'relabel',
      'eventKeyGenerator',
      'metadataClassifier',
      'dynamicClassifier',
      'statisticalClassifier',
      'eventMetadataRenamer',
    ]);
    const { doc } = parseSource(
      'modules:\n  statisticalClassifier: {historyWindowSize: 1s}\n  relabel: {}\n',
      'slo_exporter.yaml',
    );
    const statistical = await PROCESSOR_MODULES.get('statisticalClassifier')!.load(
      doc,
      ['modules', 'statisticalClassifier'],
      { cwd: '.' },
    );
    expect(loadWarnings(statistical.processor!).map(formatIssue)).toEqual([
      'slo_exporter.yaml:2:46: modules.statisticalClassifier.historyWindowSize: the history window is shorter than the update interval: no history is kept',
    ]);
    const relabel = await PROCESSOR_MODULES.get('relabel')!.load(doc, ['modules', 'relabel'], { cwd: '.' });
    expect(loadWarnings(relabel.processor!)).toEqual([]);
  });
});
