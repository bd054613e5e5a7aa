/**
 * An slo-exporter root config (`--config-file`, shared/reference/slo-exporter.md §1.2) → a PipelineSpec,
 * read and linked as slo-exporter does, so an existing deployment's file loads unchanged:
 *
 * ```yaml
 * webServerListenAddress: 0.0.0.0:8080         # default
 * maximumGracefulShutdownDuration: 20s         # default
 * afterPipelineShutdownDelay: 0s               # default
 * logLevel: info                               # accepted and ignored, as slo-exporter does (a warning)
 * pipeline: [tailer, relabel, eventKeyGenerator, dynamicClassifier, sloEventProducer, prometheusExporter]
 * modules: { <moduleName>: <module config>, ... }
 * ```
 *
 * - Keys are case-insensitive at every level (viper), unknown root and module keys are errors
 *   (`UnmarshalExact`); pipeline entries are module names, case-sensitive (slo-exporter's factory switch).
 * - Linking (§1.1): each module must ingest what the one before produces (raw → raw processors, then
 *   `sloEventProducer` raw → SLO, then `prometheusExporter`, which consumes SLO events). Only `tailer` may
 *   produce events, first. Beyond slo-exporter, these are errors too: a pipeline that does not end in
 *   `prometheusExporter` (slo-exporter blocks after the first event), a module listed twice (slo-exporter
 *   fails registering its metrics), a module that needs config without a `modules` entry.
 * - Differences, as warnings: no producer module is fine (events come from `POST /api/events` and
 *   `--stdin`); a module with usable defaults may lack its `modules` entry; `modules` entries outside the
 *   pipeline are ignored; `logLevel` and `exemplarMetadataKeys` have no effect; `reopen: false` still follows
 *   by name.
 * - Relative paths (tailed file, positions, rule files, module files) resolve against `cwd`, as slo-exporter
 *   resolves them against its working directory. `SLO_EXPORTER_*` environment overrides are not read.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { didYouMean } from '../../config/did-you-mean.js';
import { type ConfigIssue, fileErrorReason, formatPath } from '../../config/errors.js';
import type { SourceDocument } from '../../config/yaml-source.js';
import { parseGoDuration } from '../../lang/go-duration.js';
import type { CounterOptions } from '../counters.js';
import { DEFAULT_EVENT_FIELDS } from '../event-fields.js';
import { isYamlMap, type YamlPath } from '../literal-yaml-reader.js';
import { ModuleConfigReader } from '../module-config.js';
import type { EventProcessor } from '../pipeline-event.js';
import type { EventStoreSpec, FileSourceSpec, PipelineSpec } from '../pipeline-spec.js';
import { parseTailerModule } from '../tailer-config.js';
import { readConfigDocument } from './config-file.js';
import { readExporterModule } from './exporter-module.js';
import { sortIssues } from './issues.js';
import { parseListenAddress } from './listen-address.js';
import { loadWarnings, PROCESSOR_MODULES, type ProcessorModuleRegistry } from './processor-modules.js';
import { readProducerModule } from './producer-module.js';

/** What `loadSloExporterConfig` needs besides the file. */
export interface SloExporterConfigOptions {
  /** The working directory: relative paths in the config resolve against it, as slo-exporter does. */
  cwd: string;
  /** The windowed event store to fill (the CLI's `--history-db` / `--no-store`); none when undefined. */
  store?: EventStoreSpec | undefined;
  /** Processor modules by name; default `PROCESSOR_MODULES` (tests and embedders add their own). */
  modules?: ProcessorModuleRegistry;
}

/** A loaded pipeline config: the spec when there is no issue, and every issue and warning, positioned. */
export interface PipelineConfigResult {
  spec?: PipelineSpec;
  /** Problems that prevent running, each with file, line, column and field; sorted by file, then position. */
  issues: ConfigIssue[];
  /** Things that run, but differently from what the file may intend (or from slo-exporter). */
  warnings: ConfigIssue[];
}

const ROOT_KEYS = [
  'webServerListenAddress',
  'maximumGracefulShutdownDuration',
  'afterPipelineShutdownDelay',
  'logLevel',
  'pipeline',
  'modules',
] as const;
const DEFAULT_LISTEN_ADDRESS = '0.0.0.0:8080';
const DEFAULT_GRACEFUL_SHUTDOWN_MS = 20_000;

type EventType = 'raw' | 'SLO';
/** What a module takes from the one before it and gives to the one after it (undefined: nothing). */
interface ModuleKind {
  ingests?: EventType;
  produces?: EventType;
}
const PRODUCER: ModuleKind = { produces: 'raw' };
const PROCESSOR: ModuleKind = { ingests: 'raw', produces: 'raw' };
const BUILT_IN: Readonly<Record<string, ModuleKind>> = {
  tailer: PRODUCER,
  sloEventProducer: { ingests: 'raw', produces: 'SLO' },
  prometheusExporter: { ingests: 'SLO' },
};
/** slo-exporter's producers that slokit replaces by its own ingest. */
const UNSUPPORTED_PRODUCERS = ['prometheusIngester', 'kafkaIngester', 'envoyAccessLogServer'];
/** Built-in modules that cannot work on defaults alone, and what they need. */
const NEEDS_CONFIG: Readonly<Record<string, string>> = {
  tailer: 'tailedFile',
  sloEventProducer: 'rulesFiles',
};

/**
 * Loads the slo-exporter root config `file` (see the module comment). Never throws on bad input: every
 * problem of the root config, its modules and its rule files is returned at once in `issues` (then `spec` is
 * undefined), with the warnings.
 */
export async function loadSloExporterConfig(
  file: string,
  options: SloExporterConfigOptions,
): Promise<PipelineConfigResult> {
  const read = await readConfigDocument(file);
  if (!read.doc) return { issues: read.issues, warnings: [] };
  const rootIssues: ConfigIssue[] = [];
  const root = ModuleConfigReader.open(read.doc, [], ROOT_KEYS, rootIssues);
  if (!root) return { issues: sortIssues([...read.issues, ...rootIssues]), warnings: [] };
  const loader = new RootConfigLoader(read.doc, root, options, rootIssues);
  const spec = await loader.load();
  const issues = sortIssues([...read.issues, ...loader.issues]);
  return issues.length || !spec
    ? { issues, warnings: sortIssues(loader.warnings) }
    : { spec, issues, warnings: sortIssues(loader.warnings) };
}

/** One pipeline entry while linking. */
interface Entry {
  name: string;
  path: YamlPath;
  kind?: ModuleKind | undefined;
}

/** Reads, links and builds one root config; problems accumulate in `issues` and `warnings`. */
class RootConfigLoader {
  readonly warnings: ConfigIssue[] = [];
  private readonly modules: ProcessorModuleRegistry;
  /** `modules` keys as written, by lower-cased name (viper's lookup). */
  private readonly moduleKeys = new Map<string, string>();

  /** `issues` holds the root reader's issues and receives every later one. */
  constructor(
    private readonly doc: SourceDocument,
    private readonly root: ModuleConfigReader<(typeof ROOT_KEYS)[number]>,
    private readonly options: SloExporterConfigOptions,
    readonly issues: ConfigIssue[],
  ) {
    this.modules = options.modules ?? PROCESSOR_MODULES;
  }

  async load(): Promise<PipelineSpec | undefined> {
    const root = this.root;
    const listenAddress = this.listenAddress();
    const maximumGracefulShutdownMs = root.durationMs(
      'maximumGracefulShutdownDuration',
      DEFAULT_GRACEFUL_SHUTDOWN_MS,
    );
    const afterPipelineShutdownDelayMs = this.delayMs();
    if (root.has('logLevel'))
      this.warn(
        root.at('logLevel'),
        'logLevel is ignored (slo-exporter ignores it too): set the level with --log-level',
      );
    this.indexModules();
    const entries = this.entries();
    this.link(entries);
    const built = await this.build(entries);
    this.warnUnused(entries);
    if (!built) return undefined;
    return {
      file: this.doc.file,
      listenAddress,
      maximumGracefulShutdownMs,
      afterPipelineShutdownDelayMs,
      sources: built.sources,
      processors: built.processors,
      producer: built.producer,
      exporter: built.exporter,
      fields: { ...DEFAULT_EVENT_FIELDS },
      store: this.options.store,
    };
  }

  private listenAddress(): string {
    const text = this.root.text('webServerListenAddress') || DEFAULT_LISTEN_ADDRESS;
    const parsed = parseListenAddress(text);
    if ('address' in parsed) return parsed.address;
    this.root.issue('webServerListenAddress', parsed.error);
    return DEFAULT_LISTEN_ADDRESS;
  }

  /** `afterPipelineShutdownDelay` in ms; unlike the other durations, 0 (the default) is valid. */
  private delayMs(): number {
    const text = this.root.text('afterPipelineShutdownDelay');
    // As a Go duration, or a bare number of nanoseconds (viper); anything else is left to durationMs.
    const zero = (ns: number | bigint | undefined) => ns !== undefined && Number(ns) === 0;
    if (text !== undefined && (zero(parseGoDuration(text)) || zero(parseGoDuration(`${text}ns`)))) return 0;
    return this.root.durationMs('afterPipelineShutdownDelay', 0);
  }

  /** Indexes `modules` by lower-cased name; two keys differing only in case are an error. */
  private indexModules(): void {
    const root = this.root;
    const value = root.value('modules');
    if (value === undefined || value === null) return;
    if (!isYamlMap(value)) {
      root.issue('modules', `expected a map of module configs, got ${root.reader.describeType(value)}`);
      return;
    }
    for (const key of Object.keys(value)) {
      const lower = key.toLowerCase();
      const first = this.moduleKeys.get(lower);
      if (first === undefined) this.moduleKeys.set(lower, key);
      else
        this.error(
          [...root.at('modules'), key],
          `"${key}" and "${first}" name the same module (module names are case-insensitive here, as viper reads them)`,
          true,
        );
    }
  }

  /** The pipeline entries with their kinds; unknown, unsupported and repeated names reported. */
  private entries(): Entry[] {
    const root = this.root;
    const names = root.textList('pipeline');
    if (!names?.length) {
      if (names || !root.has('pipeline') || root.value('pipeline') === null)
        root.issue(
          root.has('pipeline') ? 'pipeline' : undefined,
          'the pipeline is empty: list its modules, e.g. "pipeline: [tailer, sloEventProducer, prometheusExporter]"',
        );
      return [];
    }
    const seen = new Map<string, YamlPath>();
    return names.map((name, i) => {
      const path = [...root.at('pipeline'), i];
      if (name === '') {
        // A map or list here is already reported by textList.
        if (root.reader.valueAt(path) === null)
          this.error(path, 'empty pipeline entry: expected a module name');
        return { name, path };
      }
      const first = seen.get(name);
      if (first) {
        const at = this.doc.locate(first);
        this.error(
          path,
          `module "${name}" is listed twice (first at line ${at.line}): each module can appear once, with its one "modules" entry`,
        );
        return { name, path };
      }
      seen.set(name, path);
      return { name, path, kind: this.kindOf(name, path) };
    });
  }

  private kindOf(name: string, path: YamlPath): ModuleKind | undefined {
    if (Object.hasOwn(BUILT_IN, name)) return BUILT_IN[name];
    if (this.modules.has(name)) return PROCESSOR;
    if (UNSUPPORTED_PRODUCERS.includes(name)) {
      this.error(
        path,
        `module "${name}" is not supported; use the tailer module, POST /api/events or --stdin to bring events in`,
      );
      return PRODUCER;
    }
    const known = [...Object.keys(BUILT_IN), ...this.modules.keys(), ...UNSUPPORTED_PRODUCERS];
    const hint = didYouMean(name, known);
    this.error(
      path,
      `unknown module "${name}"${hint ? `; did you mean "${hint}"?` : ` (expected one of: ${known.join(', ')})`}`,
    );
    return undefined;
  }

  /** slo-exporter's linking rules, plus: the pipeline ends in prometheusExporter. */
  private link(entries: readonly Entry[]): void {
    let previous: Entry | undefined;
    for (const entry of entries) {
      const kind = entry.kind;
      if (!kind) {
        previous = undefined; // unknown: nothing to check against
        continue;
      }
      if (!kind.ingests && previous)
        this.error(
          entry.path,
          `"${entry.name}" produces events and ingests none: it must be first in the pipeline`,
        );
      else if (kind.ingests && previous?.kind && previous.kind.produces !== kind.ingests) {
        this.error(entry.path, this.mismatch(entry, previous));
        continue; // the next module is checked against the last one linked, so one mistake is one error
      } else if (kind.ingests === 'SLO' && !previous && entry === entries[0])
        this.error(
          entry.path,
          `"${entry.name}" ingests SLO events and cannot be first: put sloEventProducer before it`,
        );
      previous = entry;
    }
    const last = entries.at(-1);
    if (last?.kind && last.name !== 'prometheusExporter')
      this.error(
        last.path,
        `the pipeline ends with "${last.name}": end it with prometheusExporter (a pipeline whose output nobody consumes blocks slo-exporter after its first event)`,
      );
  }

  private mismatch(entry: Entry, previous: Entry): string {
    const produces = previous.kind!.produces;
    if (!produces) return `"${entry.name}" gets no events: "${previous.name}" before it produces none`;
    const hint =
      entry.kind!.ingests === 'SLO'
        ? ': put sloEventProducer before it'
        : ': raw-event processors go before sloEventProducer';
    return `"${entry.name}" ingests ${entry.kind!.ingests} events but "${previous.name}" before it produces ${produces} events${hint}`;
  }

  /** Builds every module of the pipeline; undefined when anything is missing or wrong. */
  private async build(entries: readonly Entry[]): Promise<
    | {
        sources: FileSourceSpec[];
        processors: EventProcessor[];
        producer: PipelineSpec['producer'];
        exporter: CounterOptions;
      }
    | undefined
  > {
    const sources: FileSourceSpec[] = [];
    const processors: EventProcessor[] = [];
    let producer: PipelineSpec['producer'] | undefined;
    let exporter: CounterOptions | undefined;
    for (const entry of entries) {
      if (!entry.kind) continue;
      const path = this.configPath(entry);
      if (!path && Object.hasOwn(NEEDS_CONFIG, entry.name)) {
        this.error(
          entry.path,
          `module "${entry.name}" has no configuration: add "modules.${entry.name}" (it needs ${NEEDS_CONFIG[entry.name]})`,
        );
        continue;
      }
      const at = path ?? [...this.root.at('modules'), entry.name];
      if (entry.name === 'tailer') {
        const source = await this.tailer(at);
        if (source) sources.push(source);
      } else if (entry.name === 'sloEventProducer') {
        const read = await readProducerModule(this.doc, at, this.options.cwd);
        this.issues.push(...read.issues);
        this.warnings.push(...read.warnings);
        producer = read.producer;
      } else if (entry.name === 'prometheusExporter') {
        const read = readExporterModule(this.doc, at);
        this.issues.push(...read.issues);
        this.warnings.push(...read.warnings);
        exporter = read.exporter;
      } else {
        const module = this.modules.get(entry.name);
        if (!module) continue;
        const loaded = await module.load(this.doc, at, { cwd: this.options.cwd });
        if (loaded.processor) {
          processors.push(loaded.processor);
          this.warnings.push(...loadWarnings(loaded.processor));
        }
        if (path) this.issues.push(...loaded.issues);
        else if (loaded.issues.length) {
          // Its issues would point at the nearest ancestor: say what is missing, at the pipeline entry.
          this.error(
            entry.path,
            `module "${entry.name}" has no configuration: add "modules.${entry.name}" (${loaded.issues.map((i) => i.message).join('; ')})`,
          );
          continue;
        }
      }
      if (!path)
        this.warn(
          entry.path,
          `module "${entry.name}" has no "modules.${entry.name}" entry: slokit uses its defaults (slo-exporter refuses this: "missing configuration for module ${entry.name}")`,
        );
    }
    if (entries.length && !entries.some((e) => e.name === 'tailer'))
      this.warn(
        this.root.at('pipeline'),
        'no producer module: events come only from POST /api/events and --stdin (slo-exporter requires a producer first)',
      );
    if (this.issues.length || !producer || !exporter) return undefined;
    return { sources, processors, producer, exporter };
  }

  /** The path of the module's config, as written (case-insensitive); undefined when absent or null. */
  private configPath(entry: Entry): YamlPath | undefined {
    const key = this.moduleKeys.get(entry.name.toLowerCase());
    if (key === undefined) return undefined;
    const path = [...this.root.at('modules'), key];
    return this.root.reader.valueAt(path) === null ? undefined : path;
  }

  /** The tailer module as a file source, paths resolved against `cwd`; the file must exist. */
  private async tailer(path: YamlPath): Promise<FileSourceSpec | undefined> {
    const parsed = parseTailerModule(this.doc, path);
    this.issues.push(...parsed.issues);
    const config = parsed.config;
    if (!config) return undefined;
    const tailedFile = resolve(this.options.cwd, config.tailedFile);
    try {
      await stat(tailedFile);
    } catch (error) {
      this.error(
        this.keyPath(path, 'tailedFile'),
        `cannot follow "${tailedFile}": ${fileErrorReason(error)} (the tailed file must exist at startup, as in slo-exporter)`,
      );
      return undefined;
    }
    if (config.follow && !config.reopen)
      this.warn(
        this.keyPath(path, 'reopen'),
        'reopen: false is not supported: slokit always follows the file by name (tail -F), across rotations',
      );
    return {
      path: tailedFile,
      follow: config.follow,
      positionFile: resolve(this.options.cwd, config.positionFile),
      positionPersistenceIntervalMs: config.positionPersistenceIntervalMs,
      parse: config.parse,
    };
  }

  /** The path of `key` in the map at `path`, as written (case-insensitive). */
  private keyPath(path: YamlPath, key: string): YamlPath {
    const map = this.root.reader.valueAt(path);
    const written = isYamlMap(map)
      ? Object.keys(map).find((k) => k.toLowerCase() === key.toLowerCase())
      : undefined;
    return [...path, written ?? key];
  }

  /** `modules` entries that no pipeline entry uses are ignored: a warning each. */
  private warnUnused(entries: readonly Entry[]): void {
    const used = new Set(entries.map((e) => e.name.toLowerCase()));
    for (const [lower, key] of this.moduleKeys) {
      if (!used.has(lower))
        this.warn(
          [...this.root.at('modules'), key],
          `module "${key}" is configured but not in the pipeline: its config is ignored`,
          true,
        );
    }
  }

  /** Records an error at the value at `path`, or with `atKey` at the key naming it. */
  private error(path: YamlPath, message: string, atKey = false): void {
    this.issues.push(this.issueAt(path, message, atKey));
  }

  private warn(path: YamlPath, message: string, atKey = false): void {
    this.warnings.push(this.issueAt(path, message, atKey));
  }

  private issueAt(path: YamlPath, message: string, atKey: boolean): ConfigIssue {
    const at = atKey ? this.doc.locate(path.slice(0, -1), String(path.at(-1))) : this.doc.locate(path);
    return { file: this.doc.file, ...at, path: formatPath(path), message };
  }
}
