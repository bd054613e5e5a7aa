/**
 * slo-exporter's `eventKeyGenerator` module (shared/reference/slo-exporter.md §3.3): builds the event key
 * (`__eventKey` metadata) by joining the values of `metadataKeys` that the event has, in order, with
 * `filedSeparator` (sic, slo-exporter's spelling; default ":"). A missing key is skipped, a present empty
 * value is joined (`{foo: "foo", bar: ""}` → `foo:`). The key is written when the event has none (or "")
 * or when `overrideExistingEventKey` (default true) is set, even when the result is "".
 *
 * ```yaml
 * eventKeyGenerator:
 *   filedSeparator: ":"
 *   overrideExistingEventKey: true
 *   metadataKeys: [httpMethod, httpPath]
 * ```
 */
import type { ConfigIssue } from '../../config/errors.js';
import { lookup } from '../../config/lookup.js';
import type { SourceDocument } from '../../config/yaml-source.js';
import type { MetricFamily } from '../../lang/prometheus-text.js';
import type { YamlPath } from '../literal-yaml-reader.js';
import { ModuleConfigReader } from '../module-config.js';
import {
  EVENT_KEY_METADATA,
  type EventProcessor,
  type PipelineEvent,
  type ProcessorModule,
} from '../pipeline-event.js';
import { byPosition } from './issue-order.js';
import { MetricVec, moduleMetricPrefix } from './module-metrics.js';

const NAME = 'eventKeyGenerator';

/** The module's settings, defaults applied. */
export interface EventKeyGeneratorConfig {
  /** Put between the joined values. */
  separator: string;
  /** Replace an event key the event already has. */
  overrideExistingEventKey: boolean;
  /** Metadata keys whose values make the event key, in order. */
  metadataKeys: readonly string[];
}

/** Sets each event's key from its metadata. */
export class EventKeyGenerator implements EventProcessor {
  readonly moduleName = NAME;
  private readonly processed = new MetricVec(
    `${moduleMetricPrefix(NAME)}processed_events_total`,
    'Events seen by the event key generator, by whether it set their key (generated-event-key) or kept it (skipped).',
    'counter',
    ['operation'],
  );

  constructor(readonly config: EventKeyGeneratorConfig) {}

  /** The key `metadataKeys` give for `metadata` ("" when none of them is present). */
  eventKey(metadata: Readonly<Record<string, string>>): string {
    // Joined as it goes: no array per event.
    const { metadataKeys, separator } = this.config;
    let key: string | undefined;
    for (let i = 0; i < metadataKeys.length; i++) {
      const value = lookup(metadata, metadataKeys[i]!);
      if (value !== undefined) key = key === undefined ? value : key + separator + value;
    }
    return key ?? '';
  }

  process(event: PipelineEvent): PipelineEvent {
    const current = lookup(event.metadata, EVENT_KEY_METADATA) ?? '';
    if (current === '' || this.config.overrideExistingEventKey) {
      event.metadata[EVENT_KEY_METADATA] = this.eventKey(event.metadata);
      this.processed.inc('generated-event-key');
    } else {
      this.processed.inc('skipped');
    }
    return event;
  }

  families(): MetricFamily[] {
    return this.processed.families();
  }
}

const KEYS = ['filedSeparator', 'overrideExistingEventKey', 'metadataKeys'] as const;

/** Reads the module config at `path` (viper rules: keys in any case, unknown keys are errors). */
export function parseEventKeyGeneratorModule(
  doc: SourceDocument,
  path: YamlPath,
): { config?: EventKeyGeneratorConfig; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const module = ModuleConfigReader.open(doc, path, KEYS, issues);
  if (!module) return { issues };
  // A null value is unset for viper: the default applies.
  const separator = module.value('filedSeparator') === null ? ':' : (module.text('filedSeparator') ?? ':');
  const config: EventKeyGeneratorConfig = {
    separator,
    overrideExistingEventKey: module.boolean('overrideExistingEventKey', true),
    metadataKeys: module.textList('metadataKeys') ?? [],
  };
  issues.sort(byPosition);
  return issues.length ? { issues } : { config, issues };
}

/** The `eventKeyGenerator` module. */
export const eventKeyGeneratorModule: ProcessorModule = {
  name: NAME,
  async load(doc, path) {
    const { config, issues } = parseEventKeyGeneratorModule(doc, path);
    return config ? { processor: new EventKeyGenerator(config), issues } : { issues };
  },
};
