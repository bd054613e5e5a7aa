/**
 * slo-exporter's `eventMetadataRenamer` processor (shared/reference/slo-exporter.md §3.7): renames metadata
 * keys, in the configured order.
 *
 * ```yaml
 * eventMetadataRenamer:
 *   eventMetadataRenamerConfigs:
 *     - {source: http_status, destination: statusCode}
 * ```
 *
 * A missing `source` skips the step; an existing `destination` is never overwritten: the step is refused and
 * counted in `slo_exporter_event_metadata_renamer_renaming_collisions_total{Source, Destination}` (label
 * names as slo-exporter has them). Module keys are case-insensitive (viper); step fields are strict and
 * case-sensitive (yaml.v2). Stricter than slo-exporter: an unknown module key and an empty `source` or
 * `destination` are errors (slo-exporter ignores the one and accepts the other, which can never rename).
 */
import type { ConfigIssue } from '../../config/errors.js';
import type { SourceDocument } from '../../config/yaml-source.js';
import type { MetricFamily } from '../../lang/prometheus-text.js';
import type { YamlPath } from '../literal-yaml-reader.js';
import { ModuleConfigReader } from '../module-config.js';
import type { EventProcessor, PipelineEvent, ProcessorModule } from '../pipeline-event.js';

/** One rename step. */
export interface RenameStep {
  source: string;
  destination: string;
}

const MODULE_NAME = 'eventMetadataRenamer';
const KEYS = ['eventMetadataRenamerConfigs'] as const;
const STEP_KEYS = ['source', 'destination'] as const;

/** The renamer as an event processor; see the module comment. */
export class EventMetadataRenamer implements EventProcessor {
  readonly moduleName = MODULE_NAME;
  /** Refused renames by step index. */
  private readonly collisions: number[];

  constructor(readonly steps: readonly RenameStep[]) {
    this.collisions = steps.map(() => 0);
  }

  process(event: PipelineEvent): PipelineEvent {
    const metadata = event.metadata;
    this.steps.forEach(({ source, destination }, i) => {
      if (!Object.hasOwn(metadata, source)) return;
      if (Object.hasOwn(metadata, destination)) {
        this.collisions[i]!++;
        return;
      }
      metadata[destination] = metadata[source]!;
      delete metadata[source];
    });
    return event;
  }

  families(): MetricFamily[] {
    // Steps with the same pair share one series, as slo-exporter's CounterVec does.
    const series = new Map<string, { labels: Record<string, string>; value: number }>();
    this.steps.forEach(({ source, destination }, i) => {
      const id = JSON.stringify([source, destination]);
      const entry = series.get(id) ?? { labels: { Source: source, Destination: destination }, value: 0 };
      entry.value += this.collisions[i]!;
      series.set(id, entry);
    });
    return [
      {
        name: 'slo_exporter_event_metadata_renamer_renaming_collisions_total',
        help: 'Total number of collision occurred while attempting to rename a metadata key.',
        type: 'counter',
        samples: [...series.values()],
      },
    ];
  }
}

/** Reads the module config at `path`; every problem positioned. */
function readSteps(doc: SourceDocument, path: YamlPath): { steps?: RenameStep[]; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const module = ModuleConfigReader.open(doc, path, KEYS, issues);
  if (!module) return { issues };
  const list = module.value('eventMetadataRenamerConfigs');
  const steps: RenameStep[] = [];
  if (list !== undefined && list !== null && !Array.isArray(list)) {
    module.issue(
      'eventMetadataRenamerConfigs',
      `expected a list of {source, destination}, got ${module.reader.describeType(list)}`,
    );
  } else {
    (list ?? []).forEach((item: unknown, i: number) => {
      const at = [...module.at('eventMetadataRenamerConfigs'), i];
      if (!module.reader.expectMap(at, item, STEP_KEYS)) return;
      const [source, destination] = STEP_KEYS.map((key) => {
        const text = module.reader.scalar([...at, key], item[key]);
        if (text === '' || (text === undefined && item[key] === undefined))
          module.reader.issue(
            at,
            `"${key}" is required (the metadata key to rename ${key === 'source' ? 'from' : 'to'})`,
          );
        return text ?? '';
      });
      steps.push({ source: source!, destination: destination! });
    });
  }
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  return issues.length ? { issues } : { steps, issues };
}

/** The `eventMetadataRenamer` processor module. */
export const eventMetadataRenamerModule: ProcessorModule = {
  name: MODULE_NAME,
  async load(doc, path) {
    const { steps, issues } = readSteps(doc, path);
    return steps ? { processor: new EventMetadataRenamer(steps), issues } : { issues };
  },
};
