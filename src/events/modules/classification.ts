/** Classification facts shared by the classifier modules. */
import type { PipelineEvent, SloClassification } from '../pipeline-event.js';

/** slo-exporter's `IsClassified`: a classification whose domain, class and app are all non-empty. */
export function isClassified(
  event: PipelineEvent,
): event is PipelineEvent & { classification: SloClassification } {
  const c = event.classification;
  return c !== undefined && c.domain !== '' && c.class !== '' && c.app !== '';
}
