/**
 * The raw-event processor modules an slo-exporter root config may name in its `pipeline` (shared/reference/
 * slo-exporter.md §3), by module name. Adding one is one import and one entry in `PROCESSOR_MODULES`; the
 * linking rules (slo-exporter-config.ts) treat every registered module as a raw → raw processor.
 */
import type { ConfigIssue } from '../../config/errors.js';
import { dynamicClassifierModule } from '../modules/dynamic-classifier.js';
import { eventKeyGeneratorModule } from '../modules/event-key-generator.js';
import { eventMetadataRenamerModule } from '../modules/event-metadata-renamer.js';
import { metadataClassifierModule } from '../modules/metadata-classifier.js';
import { relabelModule } from '../modules/relabel-module.js';
import { statisticalClassifierModule } from '../modules/statistical-classifier.js';
import type { EventProcessor, ProcessorModule } from '../pipeline-event.js';

/** Processor modules by name; lookups must use `Object.hasOwn` or `Map.get`, never `record[name]`. */
export type ProcessorModuleRegistry = ReadonlyMap<string, ProcessorModule>;

/**
 * A registry of `modules`, keyed by their `name`. Throws a TypeError when two modules share a name (a
 * registration mistake, not user input).
 */
export function processorModuleRegistry(modules: readonly ProcessorModule[]): ProcessorModuleRegistry {
  const registry = new Map<string, ProcessorModule>();
  for (const module of modules) {
    if (registry.has(module.name)) throw new TypeError(`processor module "${module.name}" registered twice`);
    registry.set(module.name, module);
  }
  return registry;
}

/** slokit's processor modules. */
export const PROCESSOR_MODULES: ProcessorModuleRegistry = processorModuleRegistry([
  relabelModule,
  eventKeyGeneratorModule,
  metadataClassifierModule,
  dynamicClassifierModule,
  statisticalClassifierModule,
  eventMetadataRenamerModule,
]);

/**
 * Problems found while loading that slo-exporter only logs and skips (a classification CSV record without 4
 * fields or with an invalid regexp, a statistical history window shorter than its interval, ...), positioned
 * like config issues, kept by the processor as `warnings`; empty for modules that keep none.
 */
export function loadWarnings(processor: EventProcessor): readonly ConfigIssue[] {
  const { warnings } = processor as { warnings?: unknown };
  return Array.isArray(warnings) ? (warnings as ConfigIssue[]) : [];
}
