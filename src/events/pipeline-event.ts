/**
 * The contract between the event pipeline's modules (shared/reference/slo-exporter.md §1): the raw event as
 * it moves from a source through the processors (relabel, eventKeyGenerator, the classifiers) to the
 * sloEventProducer, and the shape of a processor module. Types only.
 */
import type { ConfigIssue } from '../config/errors.js';
import type { SourceDocument } from '../config/yaml-source.js';
import type { MetricFamily } from '../lang/prometheus-text.js';
import type { YamlPath } from './literal-yaml-reader.js';

/**
 * The metadata key holding the event key, as slo-exporter keeps it (`event.Raw.EventKey()` reads
 * `__eventKey`), so relabel steps and rule matchers see and may change it.
 */
export const EVENT_KEY_METADATA = '__eventKey';

/** An SLO classification: all three parts non-empty makes an event classified. */
export interface SloClassification {
  domain: string;
  class: string;
  app: string;
}

/** A raw event between the pipeline's modules (slo-exporter's `event.Raw`). */
export interface PipelineEvent {
  /** Event metadata (log line groups, JSON fields); the event key under `EVENT_KEY_METADATA`. */
  metadata: Record<string, string>;
  /** The classification; absent, or with an empty part, means unclassified. */
  classification?: SloClassification | undefined;
  /** How many events this one stands for (a count, usually 1). */
  quantity: number;
}

/** A GET route a module serves under `/<moduleName>/` (slo-exporter: dynamicClassifier's CSV dumps). */
export interface ModuleRoute {
  /** Path below the module's prefix, e.g. `matchers/exact`. */
  path: string;
  contentType: string;
  body(): string;
}

/**
 * A raw-event processor. Synchronous on purpose: a chain of processors runs as plain calls per event, and
 * the source waits for the chain, which is the pipeline's back-pressure.
 */
export interface EventProcessor {
  /** slo-exporter's module name, e.g. `dynamicClassifier`. */
  readonly moduleName: string;
  /** The event to pass on (the same object, possibly changed, or a new one), or undefined to drop it. */
  process(event: PipelineEvent): PipelineEvent | undefined;
  /** The module's own metric families, with slo-exporter's names, for `/metrics`. */
  families(): MetricFamily[];
  /** GET routes under `/<moduleName>/`, if the module has any. */
  routes?(): ModuleRoute[];
}

/** What module loaders may use: relative paths in module configs resolve against `cwd` (slo-exporter: the working directory). */
export interface ModuleContext {
  cwd: string;
}

/**
 * A processor module as the pipeline's root config names it (`pipeline: [..]`, `modules.<name>`). `load`
 * reads and checks the module's config at `path` in `doc`, reads the files it names, and builds the processor;
 * it never throws on bad input: every problem is a positioned issue (file, line, column, field), and the
 * processor is undefined when there is any.
 */
export interface ProcessorModule {
  readonly name: string;
  load(
    doc: SourceDocument,
    path: YamlPath,
    context: ModuleContext,
  ): Promise<{ processor?: EventProcessor; issues: ConfigIssue[] }>;
}
