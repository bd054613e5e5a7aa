/**
 * slo-exporter's `relabel` module (shared/reference/slo-exporter.md §3.2): the event's metadata, taken as
 * Prometheus labels, goes through the `eventRelabelConfigs` steps in order (src/events/relabel.ts); a `keep`
 * or `drop` step that rejects the event drops it and counts it in `slo_exporter_relabel_dropped_events_total`.
 * The classification and quantity are not touched. As in slo-exporter, keys of this module other than
 * `eventRelabelConfigs` are ignored, and a missing module config means no steps (every event passes).
 */
import type { MetricFamily } from '../../lang/prometheus-text.js';
import { inheritsNothing, metadataRecord } from '../metadata-record.js';
import type { EventProcessor, PipelineEvent, ProcessorModule } from '../pipeline-event.js';
import { type CompiledRelabel, compileRelabel, parseRelabelModule, type RelabelConfig } from '../relabel.js';
import { moduleMetricPrefix } from './module-metrics.js';

const NAME = 'relabel';

/** Applies relabel steps to each event's metadata; counts the events it drops. */
export class RelabelProcessor implements EventProcessor {
  readonly moduleName = NAME;
  /** Events dropped by a `keep` or `drop` step so far. */
  private dropped = 0;

  private readonly apply: CompiledRelabel;

  constructor(configs: readonly RelabelConfig[]) {
    this.apply = compileRelabel(configs);
  }

  /** Relabels the event's metadata in place (a copy first if it inherits anything). */
  process(event: PipelineEvent): PipelineEvent | undefined {
    // Inheriting nothing, a label named like an Object member stays plain data.
    const metadata = inheritsNothing(event.metadata)
      ? event.metadata
      : Object.assign(metadataRecord(), event.metadata);
    if (!this.apply(metadata)) {
      this.dropped++;
      return undefined;
    }
    event.metadata = metadata;
    return event;
  }

  families(): MetricFamily[] {
    return [
      {
        name: `${moduleMetricPrefix(NAME)}dropped_events_total`,
        help: 'Events dropped by a keep or drop relabel step.',
        type: 'counter',
        samples: [{ value: this.dropped }],
      },
    ];
  }
}

/** The `relabel` module: reads `eventRelabelConfigs` (positioned issues, all at once) and builds the processor. */
export const relabelModule: ProcessorModule = {
  name: NAME,
  async load(doc, path) {
    const { configs, issues } = parseRelabelModule(doc, path);
    return issues.length ? { issues } : { processor: new RelabelProcessor(configs), issues };
  },
};
