/**
 * slo-exporter's `metadataClassifier` module (shared/reference/slo-exporter.md §3.4): takes the event's SLO
 * domain, class and app from three metadata keys.
 *
 * - With `overrideExistingValues: false`, an event that is already classified (all three parts non-empty)
 *   is passed on untouched and counted as `skipped`.
 * - Otherwise each part is taken from its metadata key when the event has that key (even with an empty
 *   value) and either overriding is on or the part is empty; a missing key keeps the part as it was. The
 *   event always leaves with a classification (possibly with empty parts: unclassified).
 *
 * ```yaml
 * metadataClassifier:
 *   sloDomainMetadataKey: http_slo-domain
 *   sloClassMetadataKey: http_slo-class
 *   sloAppMetadataKey: http_slo-app
 *   overrideExistingValues: true     # default true
 * ```
 */
import type { ConfigIssue } from '../../config/errors.js';
import { lookup } from '../../config/lookup.js';
import type { SourceDocument } from '../../config/yaml-source.js';
import type { MetricFamily } from '../../lang/prometheus-text.js';
import type { YamlPath } from '../literal-yaml-reader.js';
import { ModuleConfigReader } from '../module-config.js';
import type { EventProcessor, PipelineEvent, ProcessorModule, SloClassification } from '../pipeline-event.js';
import { isClassified } from './classification.js';
import { byPosition } from './issue-order.js';
import { MetricVec, moduleMetricPrefix } from './module-metrics.js';

const NAME = 'metadataClassifier';

/** The module's settings, defaults applied; an unset key is "" (a metadata key events rarely have). */
export interface MetadataClassifierConfig {
  sloDomainMetadataKey: string;
  sloClassMetadataKey: string;
  sloAppMetadataKey: string;
  overrideExistingValues: boolean;
}

/** Classifies events from their metadata. */
export class MetadataClassifier implements EventProcessor {
  readonly moduleName = NAME;
  private readonly processed = new MetricVec(
    `${moduleMetricPrefix(NAME)}processed_events_total`,
    'Events seen by the metadata classifier, by whether it classified them (generated-slo-classification) or left them as they were (skipped).',
    'counter',
    ['operation'],
  );

  constructor(readonly config: MetadataClassifierConfig) {}

  process(event: PipelineEvent): PipelineEvent {
    if (!this.config.overrideExistingValues && isClassified(event)) {
      this.processed.inc('skipped');
      return event;
    }
    const old = event.classification;
    event.classification = {
      domain: this.part(event, this.config.sloDomainMetadataKey, old?.domain ?? ''),
      class: this.part(event, this.config.sloClassMetadataKey, old?.class ?? ''),
      app: this.part(event, this.config.sloAppMetadataKey, old?.app ?? ''),
    } satisfies SloClassification;
    this.processed.inc('generated-slo-classification');
    return event;
  }

  /** One classification part: the metadata value when present and allowed to replace `current`. */
  private part(event: PipelineEvent, key: string, current: string): string {
    const value = lookup(event.metadata, key);
    return value !== undefined && (this.config.overrideExistingValues || current === '') ? value : current;
  }

  families(): MetricFamily[] {
    return this.processed.families();
  }
}

const KEYS = [
  'sloDomainMetadataKey',
  'sloClassMetadataKey',
  'sloAppMetadataKey',
  'overrideExistingValues',
] as const;

/** Reads the module config at `path` (viper rules: keys in any case, unknown keys are errors). */
export function parseMetadataClassifierModule(
  doc: SourceDocument,
  path: YamlPath,
): { config?: MetadataClassifierConfig; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const module = ModuleConfigReader.open(doc, path, KEYS, issues);
  if (!module) return { issues };
  const config: MetadataClassifierConfig = {
    sloDomainMetadataKey: module.text('sloDomainMetadataKey') ?? '',
    sloClassMetadataKey: module.text('sloClassMetadataKey') ?? '',
    sloAppMetadataKey: module.text('sloAppMetadataKey') ?? '',
    overrideExistingValues: module.boolean('overrideExistingValues', true),
  };
  issues.sort(byPosition);
  return issues.length ? { issues } : { config, issues };
}

/** The `metadataClassifier` module. */
export const metadataClassifierModule: ProcessorModule = {
  name: NAME,
  async load(doc, path) {
    const { config, issues } = parseMetadataClassifierModule(doc, path);
    return config ? { processor: new MetadataClassifier(config), issues } : { issues };
  },
};
