/**
 * The raw-event processors of the `events:` section that slo-exporter has no module for: the field mapping
 * (metadata → classification, event key, quantity) and a static classification. (Its relabel steps and event
 * key use the slo-exporter modules' processors, src/events/modules/.) Each is a small EventProcessor.
 */
import { parseGoFloat } from '../../lang/go-float.js';
import type { MetricFamily } from '../../lang/prometheus-text.js';
import type { EventFieldNames } from '../event-fields.js';
import {
  EVENT_KEY_METADATA,
  type EventProcessor,
  type PipelineEvent,
  type SloClassification,
} from '../pipeline-event.js';

/** A counter family of one unlabelled sample. */
const counter = (name: string, help: string, value: number): MetricFamily => ({
  name,
  help,
  type: 'counter',
  samples: [{ value }],
});

/** The event's classification, created empty when it has none, so parts can be set one by one. */
function classificationOf(event: PipelineEvent): SloClassification {
  event.classification ??= { domain: '', class: '', app: '' };
  return event.classification;
}

/**
 * Reads the fields named by `fields` from the metadata: a non-empty domain, class or app sets that part of
 * the classification; the event key field sets the event key (`__eventKey`); the quantity field sets the
 * quantity (a non-negative number as Go's ParseFloat reads it). An event with a bad quantity is dropped and
 * counted in `slokit_events_invalid_quantity_total`. The fields stay in the metadata, where rules can read
 * them. Idempotent, so events whose source mapped the fields already (POST /api/events) come out the same.
 */
export class FieldMappingProcessor implements EventProcessor {
  readonly moduleName = 'eventFields';
  private invalidQuantity = 0;

  constructor(private readonly fields: EventFieldNames) {}

  process(event: PipelineEvent): PipelineEvent | undefined {
    const { metadata } = event;
    const { fields } = this;
    if (Object.hasOwn(metadata, fields.quantity)) {
      const value = parseGoFloat(metadata[fields.quantity]!);
      if (value === undefined || !(value >= 0) || value === Number.POSITIVE_INFINITY) {
        this.invalidQuantity++;
        return undefined;
      }
      event.quantity = value;
    }
    for (const part of ['domain', 'class', 'app'] as const) {
      const value = Object.hasOwn(metadata, fields[part]) ? metadata[fields[part]] : undefined;
      if (value) classificationOf(event)[part] = value;
    }
    if (Object.hasOwn(metadata, fields.key)) metadata[EVENT_KEY_METADATA] = metadata[fields.key]!;
    return event;
  }

  families(): MetricFamily[] {
    return [
      counter(
        'slokit_events_invalid_quantity_total',
        'Events dropped because their quantity field was not a non-negative number.',
        this.invalidQuantity,
      ),
    ];
  }
}

/** Fills the classification parts an event lacks (empty or absent) with fixed values. */
export class StaticClassificationProcessor implements EventProcessor {
  readonly moduleName = 'staticClassification';

  constructor(private readonly parts: Partial<SloClassification>) {}

  process(event: PipelineEvent): PipelineEvent {
    const classification = classificationOf(event);
    for (const part of ['domain', 'class', 'app'] as const) {
      const value = this.parts[part];
      if (value && !classification[part]) classification[part] = value;
    }
    return event;
  }

  families(): MetricFamily[] {
    return [];
  }
}
