/**
 * The raw-event processor modules of an slo-exporter pipeline, by the names its root config uses
 * (`pipeline: [...]`, `modules.<name>`), and the load-time warnings some of them keep.
 */
import type { ConfigIssue } from '../../config/errors.js';
import type { EventProcessor, ProcessorModule } from '../pipeline-event.js';
import { dynamicClassifierModule } from './dynamic-classifier.js';
import { eventKeyGeneratorModule } from './event-key-generator.js';
import { metadataClassifierModule } from './metadata-classifier.js';
import { relabelModule } from './relabel-module.js';
import { statisticalClassifierModule } from './statistical-classifier.js';

/** Each processor module by its slo-exporter name (`relabel`, `eventKeyGenerator`, ...). */
export const PROCESSOR_MODULES: ReadonlyMap<string, ProcessorModule> = new Map(
  [
    relabelModule,
    eventKeyGeneratorModule,
    metadataClassifierModule,
    dynamicClassifierModule,
    statisticalClassifierModule,
  ].map((module) => [module.name, module]),
);

/**
 * Problems found while loading that slo-exporter only logs and skips (a classification CSV record without 4
 * fields or with an invalid regexp, a statistical history window shorter than its interval, ...), positioned
 * like config issues; to be logged at startup. Empty for modules that keep none.
 */
export function loadWarnings(processor: EventProcessor): readonly ConfigIssue[] {
  const { warnings } = processor as { warnings?: unknown };
  return Array.isArray(warnings) ? (warnings as ConfigIssue[]) : [];
}
