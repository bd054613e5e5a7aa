import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatIssue } from '../../../src/config/errors.js';
import { processorModuleRegistry } from '../../../src/events/pipeline-config/processor-modules.js';
import {
  loadSloExporterConfig,
  type SloExporterConfigOptions,
} from '../../../src/events/pipeline-config/slo-exporter-config.js';
import { EVENT_KEY_METADATA, type PipelineEvent } from '../../../src/events/pipeline-event.js';
import type { PipelineSpec } from '../../../src/events/pipeline-spec.js';
import { tempDir } from '../../helpers/tmp.js';
import { registryWith, traceModule } from './test-modules.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/events/config/', import.meta.url));
const RULES =
  'rules:\n  - failure_conditions: [{operator: numberIsHigherThan, key: statusCode, value: 499}]\n';
const LOG_LINE = '10.0.0.1 - - [30/Nov/2026:07:49:39 +0000] "GET /api HTTP/1.1" 503 3\n';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('slokit-exporter-config-');
  dir.write('rules.yaml', RULES);
  dir.write('access.log', LOG_LINE);
});
afterEach(() => dir.cleanup());

/** Writes `lines` as `slo_exporter.yaml` in the temp dir and loads it with the temp dir as cwd. */
async function load(lines: string[], options: Partial<SloExporterConfigOptions> = {}) {
  const file = dir.write('slo_exporter.yaml', `${lines.join('\n')}\n`);
  const result = await loadSloExporterConfig(file, { cwd: dir.root, ...options });
  const strip = (text: string) => text.replace(`${dir.root}/`, '');
  return {
    ...result,
    errors: result.issues.map((i) => strip(formatIssue(i))),
    warned: result.warnings.map((i) => strip(formatIssue(i))),
  };
}

/** A valid pipeline with the temp dir's rules; `extra` lines are appended under `modules:`. */
const MINIMAL = [
  'pipeline: [tailer, sloEventProducer, prometheusExporter]',
  'modules:',
  '  tailer: {tailedFile: access.log, loglineParseRegexp: "(?P<status>\\\\d{3}) \\\\d+$"}',
  '  sloEventProducer: {rulesFiles: [rules.yaml]}',
  '  prometheusExporter: {}',
];

/** Runs an event through the spec's processors. */
function runProcessors(spec: PipelineSpec, metadata: Record<string, string>): PipelineEvent | undefined {
  let event: PipelineEvent | undefined = { metadata, quantity: 1 };
  for (const processor of spec.processors) {
    if (!event) break;
    event = processor.process(event);
  }
  return event;
}

describe('loadSloExporterConfig: valid configs', () => {
  it('reads every root key and module into the spec, paths resolved against cwd', async () => {
    const store = { database: '/tmp/h.db', retentionSeconds: 60, flushIntervalMs: 1000, maxSeries: 5 };
    const { spec, issues, warned } = await load(
      [
        'webServerListenAddress: 127.0.0.1:9099',
        'maximumGracefulShutdownDuration: 1m30s',
        'afterPipelineShutdownDelay: 500ms',
        'pipeline: [tailer, eventMetadataRenamer, sloEventProducer, prometheusExporter]',
        'modules:',
        '  tailer:',
        '    tailedFile: access.log',
        '    follow: false',
        '    reopen: false',
        '    positionFile: pos/access.pos',
        '    positionPersistenceInterval: 5s',
        "    loglineParseRegexp: '^(?P<ip>\\S+) .*\" (?P<statusCode>\\d+) (?P<bytes>\\d+)$'",
        '  eventMetadataRenamer:',
        '    eventMetadataRenamerConfigs: [{source: statusCode, destination: status}]',
        '  sloEventProducer:',
        '    exposeRulesAsMetrics: true',
        '    rulesFiles: [rules.yaml, rules.yaml]',
        '  prometheusExporter:',
        '    metricName: events_total',
        '    maximumUniqueEventKeys: 20',
        '    exceededKeyLimitPlaceholder: other',
        '    labelNames: {sloDomain: domain, eventKey: key}',
      ],
      { store },
    );
    expect(issues).toEqual([]);
    expect(warned).toEqual([]);
    expect(spec).toMatchObject({
      file: join(dir.root, 'slo_exporter.yaml'),
      listenAddress: '127.0.0.1:9099',
      maximumGracefulShutdownMs: 90_000,
      afterPipelineShutdownDelayMs: 500,
      exporter: {
        metricName: 'events_total',
        maximumUniqueEventKeys: 20,
        exceededKeyLimitPlaceholder: 'other',
        labelNames: { sloDomain: 'domain', eventKey: 'key' },
      },
      fields: {
        domain: 'slo_domain',
        class: 'slo_class',
        app: 'slo_app',
        key: 'event_key',
        quantity: 'quantity',
        result: 'slo_result',
      },
      store,
    });
    expect(spec!.sources).toHaveLength(1);
    expect(spec!.sources[0]).toMatchObject({
      path: join(dir.root, 'access.log'),
      follow: false,
      positionFile: join(dir.root, 'pos/access.pos'),
      positionPersistenceIntervalMs: 5000,
    });
    expect({ ...spec!.sources[0]!.parse(LOG_LINE.trimEnd()) }).toEqual({
      ip: '10.0.0.1',
      statusCode: '503',
      bytes: '3',
    });
    expect(spec!.processors.map((p) => p.moduleName)).toEqual(['eventMetadataRenamer']);
    expect(runProcessors(spec!, { statusCode: '503' })!.metadata).toEqual({ status: '503' });
    expect(spec!.producer.exposeRulesAsMetrics).toBe(true);
    expect(spec!.producer.rules.map((r) => r.origin.path)).toEqual(['rules[0]', 'rules[0]']);
  });

  it("applies slo-exporter's defaults", async () => {
    const { spec, issues } = await load(MINIMAL);
    expect(issues).toEqual([]);
    expect(spec).toMatchObject({
      listenAddress: '0.0.0.0:8080',
      maximumGracefulShutdownMs: 20_000,
      afterPipelineShutdownDelayMs: 0,
      exporter: { maximumUniqueEventKeys: 0 },
      store: undefined,
    });
    expect(spec!.sources[0]).toMatchObject({
      follow: true,
      positionFile: join(dir.root, 'access.log.pos'),
      positionPersistenceIntervalMs: 2000,
    });
    expect(spec!.producer).toMatchObject({ exposeRulesAsMetrics: false });
    expect(spec!.producer.rules).toHaveLength(1);
  });

  it('reads root keys, module names under modules and module keys in any case, as viper does', async () => {
    const { spec, issues } = await load([
      'WebServerListenAddress: ":9100"',
      'AFTERPIPELINESHUTDOWNDELAY: 0s',
      'Pipeline: [tailer, sloEventProducer, prometheusExporter]',
      'Modules:',
      '  Tailer: {TailedFile: access.log}',
      '  sloeventproducer: {RulesFiles: [rules.yaml], EXPOSERULESASMETRICS: yes}',
      '  PrometheusExporter: {ExceededKeyLimitPlaceholder: capped, labelnames: {SLODOMAIN: d}}',
    ]);
    expect(issues).toEqual([]);
    expect(spec).toMatchObject({
      listenAddress: '0.0.0.0:9100',
      afterPipelineShutdownDelayMs: 0,
      producer: { exposeRulesAsMetrics: true },
      exporter: { exceededKeyLimitPlaceholder: 'capped', labelNames: { sloDomain: 'd' } },
    });
  });

  it('links processor modules in pipeline order', async () => {
    const modules = registryWith(traceModule('relabel'), traceModule('eventKeyGenerator'));
    const { spec, issues } = await load(
      [
        'pipeline: [tailer, eventKeyGenerator, relabel, sloEventProducer, prometheusExporter]',
        'modules:',
        '  tailer: {tailedFile: access.log}',
        '  relabel: {}',
        '  eventKeyGenerator: {}',
        '  sloEventProducer: {rulesFiles: [rules.yaml]}',
        '  prometheusExporter: {}',
      ],
      { modules },
    );
    expect(issues).toEqual([]);
    expect(runProcessors(spec!, {})!.metadata.trace).toBe('>eventKeyGenerator>relabel');
  });

  it("loads the reference's root config (slo-exporter.md §1.2) unchanged", async () => {
    const cwd = join(FIXTURES, 'reference');
    const file = join(cwd, 'slo_exporter.yaml');
    // Stand-ins for the modules of this pipeline that live in other files, accepting their documented keys.
    const modules = registryWith(
      traceModule('relabel', { keys: ['eventRelabelConfigs'] }),
      traceModule('eventKeyGenerator', {
        keys: ['filedSeparator', 'overrideExistingEventKey', 'metadataKeys'],
        required: 'metadataKeys',
      }),
      traceModule('dynamicClassifier', {
        keys: ['exactMatchesCsvFiles', 'regexpMatchesCsvFiles', 'unclassifiedEventMetadataKeys'],
      }),
    );
    const { spec, issues, warnings } = await loadSloExporterConfig(file, { cwd, modules });
    expect(issues).toEqual([]);
    expect(warnings.map(formatIssue)).toEqual([
      `${file}:7:11: logLevel: logLevel is ignored (slo-exporter ignores it too): set the level with --log-level`,
    ]);
    expect(spec).toMatchObject({
      listenAddress: '0.0.0.0:8080',
      maximumGracefulShutdownMs: 10_000,
      afterPipelineShutdownDelayMs: 1000,
      exporter: {
        metricName: 'slo_events_total',
        maximumUniqueEventKeys: 1000,
        exceededKeyLimitPlaceholder: 'cardinalityLimitExceeded',
      },
    });
    expect(spec!.sources[0]!.positionFile).toBe(join(cwd, 'access_log.pos'));
    expect(spec!.processors.map((p) => p.moduleName)).toEqual([
      'relabel',
      'eventKeyGenerator',
      'dynamicClassifier',
    ]);
    expect(spec!.producer.rules).toHaveLength(1);
  });

  it("loads seed 002's sloEventProducer config with the seed's rules file", async () => {
    const cwd = join(FIXTURES, 'seed-002');
    const file = join(cwd, 'slo_exporter.yaml');
    const { spec, issues, warnings } = await loadSloExporterConfig(file, { cwd });
    expect(issues).toEqual([]);
    expect(warnings.map(formatIssue)).toEqual([
      `${file}:3:11: pipeline: no producer module: events come only from POST /api/events and --stdin (slo-exporter requires a producer first)`,
    ]);
    expect(spec!.sources).toEqual([]);
    expect(spec!.producer.exposeRulesAsMetrics).toBe(false);
    expect(spec!.producer.rules.map((r) => r.additionalMetadata.slo_type)).toEqual([
      'availability',
      'latency90',
    ]);
    expect(spec!.producer.rules[1]!.additionalMetadata.le).toBe('0.8');
  });

  it("exposes the seed's rules with exposeRulesAsMetrics", async () => {
    const rules = join(FIXTURES, '..', 'seed-expose-rules.yaml');
    const { spec, issues } = await load([
      'pipeline: [sloEventProducer, prometheusExporter]',
      'modules:',
      `  sloEventProducer: {exposeRulesAsMetrics: true, rulesFiles: ["${rules}"]}`,
      '  prometheusExporter: {}',
    ]);
    expect(issues).toEqual([]);
    expect(spec!.producer).toMatchObject({ exposeRulesAsMetrics: true });
    expect(spec!.producer.rules).toHaveLength(2);
  });
});

describe('loadSloExporterConfig: linking', () => {
  it.each([
    [
      'a raw processor after sloEventProducer',
      'pipeline: [tailer, sloEventProducer, eventMetadataRenamer, prometheusExporter]',
      'slo_exporter.yaml:1:38: pipeline[2]: "eventMetadataRenamer" ingests raw events but "sloEventProducer" before it produces SLO events: raw-event processors go before sloEventProducer',
    ],
    [
      'prometheusExporter without sloEventProducer',
      'pipeline: [tailer, prometheusExporter]',
      'slo_exporter.yaml:1:20: pipeline[1]: "prometheusExporter" ingests SLO events but "tailer" before it produces raw events: put sloEventProducer before it',
    ],
    [
      'prometheusExporter first',
      'pipeline: [prometheusExporter]',
      'slo_exporter.yaml:1:12: pipeline[0]: "prometheusExporter" ingests SLO events and cannot be first: put sloEventProducer before it',
    ],
    [
      'tailer after another module',
      'pipeline: [eventMetadataRenamer, tailer, sloEventProducer, prometheusExporter]',
      'slo_exporter.yaml:1:34: pipeline[1]: "tailer" produces events and ingests none: it must be first in the pipeline',
    ],
    [
      'a module after prometheusExporter',
      'pipeline: [tailer, sloEventProducer, prometheusExporter, prometheusExporter]',
      'slo_exporter.yaml:1:58: pipeline[3]: module "prometheusExporter" is listed twice (first at line 1): each module can appear once, with its one "modules" entry',
    ],
  ])('refuses %s', async (_, pipeline, expected) => {
    const { spec, errors } = await load([pipeline, ...MINIMAL.slice(1)]);
    expect(spec).toBeUndefined();
    expect(errors).toEqual([expected]);
  });

  it('refuses a pipeline that does not end in prometheusExporter, saying why', async () => {
    const { spec, errors } = await load(['pipeline: [tailer, sloEventProducer]', ...MINIMAL.slice(1)]);
    expect(spec).toBeUndefined();
    expect(errors).toEqual([
      'slo_exporter.yaml:1:20: pipeline[1]: the pipeline ends with "sloEventProducer": end it with prometheusExporter (a pipeline whose output nobody consumes blocks slo-exporter after its first event)',
    ]);
  });

  it('refuses an empty or missing pipeline', async () => {
    expect((await load(['pipeline: []', ...MINIMAL.slice(1)])).errors).toEqual([
      'slo_exporter.yaml:1:11: pipeline: the pipeline is empty: list its modules, e.g. "pipeline: [tailer, sloEventProducer, prometheusExporter]"',
    ]);
    expect((await load(MINIMAL.slice(1))).errors).toContain(
      'slo_exporter.yaml:1:1: the pipeline is empty: list its modules, e.g. "pipeline: [tailer, sloEventProducer, prometheusExporter]"',
    );
  });

  it('names unsupported producers and unknown modules with their line', async () => {
    const { errors } = await load([
      'pipeline:',
      '  - kafkaIngester',
      '  - relabel',
      '  - sloEventProduser',
      '  - sloEventProducer',
      '  - prometheusExporter',
      ...MINIMAL.slice(1),
    ]);
    expect(errors).toEqual([
      'slo_exporter.yaml:2:5: pipeline[0]: module "kafkaIngester" is not supported; use the tailer module, POST /api/events or --stdin to bring events in',
      'slo_exporter.yaml:4:5: pipeline[2]: unknown module "sloEventProduser"; did you mean "sloEventProducer"?',
    ]);
    for (const name of ['prometheusIngester', 'envoyAccessLogServer']) {
      const result = await load([
        `pipeline: [${name}, sloEventProducer, prometheusExporter]`,
        ...MINIMAL.slice(1),
      ]);
      expect(result.errors[0]).toBe(
        `slo_exporter.yaml:1:12: pipeline[0]: module "${name}" is not supported; use the tailer module, POST /api/events or --stdin to bring events in`,
      );
    }
  });

  it('refuses a module that needs config without a modules entry', async () => {
    const modules = registryWith(traceModule('dynamicClassifier', { required: 'regexpMatchesCsvFiles' }));
    const { errors } = await load(
      [
        'pipeline: [tailer, dynamicClassifier, sloEventProducer, prometheusExporter]',
        'modules:',
        '  tailer:',
        '  prometheusExporter: {}',
      ],
      { modules },
    );
    expect(errors).toEqual([
      'slo_exporter.yaml:1:12: pipeline[0]: module "tailer" has no configuration: add "modules.tailer" (it needs tailedFile)',
      'slo_exporter.yaml:1:20: pipeline[1]: module "dynamicClassifier" has no configuration: add "modules.dynamicClassifier" (required field "regexpMatchesCsvFiles" is missing)',
      'slo_exporter.yaml:1:39: pipeline[2]: module "sloEventProducer" has no configuration: add "modules.sloEventProducer" (it needs rulesFiles)',
    ]);
  });
});

describe('loadSloExporterConfig: errors', () => {
  it('reports every problem at once, each with file, line, column and field', async () => {
    const { spec, errors } = await load([
      'webServerListenAdress: 0.0.0.0:8080',
      'webServerListenAddress: localhost',
      'maximumGracefulShutdownDuration: 10 s',
      'afterPipelineShutdownDelay: -1s',
      'pipeline: [tailer, sloEventProducer, prometheusExporter]',
      'modules:',
      '  tailer: {tailedFile: missing.log, follows: true}',
      '  sloEventProducer: {rulesFiles: [rules.yaml, nope.yaml]}',
      '  prometheusExporter:',
      '    metricName: "slo events"',
      '    labelNames: {sloDomain: result, eventkey: 0bad}',
    ]);
    expect(spec).toBeUndefined();
    expect(errors).toEqual([
      'slo_exporter.yaml:1:1: webServerListenAdress: unknown field "webServerListenAdress"; did you mean "webServerListenAddress"?',
      'slo_exporter.yaml:2:25: webServerListenAddress: expected host:port (e.g. "0.0.0.0:8080", "127.0.0.1:0", "[::1]:8080"), got "localhost"',
      'slo_exporter.yaml:3:34: maximumGracefulShutdownDuration: expected a positive Go duration such as "2s" or "500ms", got "10 s"',
      'slo_exporter.yaml:4:29: afterPipelineShutdownDelay: expected a positive Go duration such as "2s" or "500ms", got "-1s"',
      'slo_exporter.yaml:7:37: modules.tailer.follows: unknown field "follows"; did you mean "follow"?',
      'slo_exporter.yaml:8:47: modules.sloEventProducer.rulesFiles[1]: cannot read rule file "' +
        join(dir.root, 'nope.yaml') +
        '": no such file or directory (ENOENT)',
      'slo_exporter.yaml:10:17: modules.prometheusExporter.metricName: "slo events" is not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)',
      'slo_exporter.yaml:11:47: modules.prometheusExporter.labelNames.eventkey: "0bad" is not a valid Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, no leading "__")',
    ]);
  });

  it('names a tailed file that does not exist', async () => {
    const { errors } = await load([
      ...MINIMAL.slice(0, 2),
      '  tailer: {tailedFile: missing.log}',
      ...MINIMAL.slice(3),
    ]);
    expect(errors).toEqual([
      `slo_exporter.yaml:3:24: modules.tailer.tailedFile: cannot follow "${join(dir.root, 'missing.log')}": no such file or directory (ENOENT) (the tailed file must exist at startup, as in slo-exporter)`,
    ]);
  });

  it('reports label names that collide once defaults apply', async () => {
    const { errors } = await load([
      ...MINIMAL.slice(0, 4),
      '  prometheusExporter: {labelNames: {sloDomain: result}}',
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^slo_exporter\.yaml:5:36: modules\.prometheusExporter\.labelNames: label names must differ/,
    );
  });

  it('reports problems inside rule files in those files, and invalid label metadata', async () => {
    dir.write(
      'bad-rules.yaml',
      'rules:\n  - failure_conditions: [{operator: numberIsLowerThan, key: a, value: 1}]\n',
    );
    dir.write('label-rules.yaml', 'rules:\n  - additional_metadata: {slo-type: x}\n');
    const bad = await load([
      ...MINIMAL.slice(0, 3),
      '  sloEventProducer: {rulesFiles: [bad-rules.yaml]}',
      MINIMAL[4]!,
    ]);
    expect(bad.errors).toHaveLength(1);
    expect(bad.errors[0]).toMatch(
      /^bad-rules\.yaml:2:37: rules\[0\]\.failure_conditions\[0\]\.operator: unknown operator/,
    );
    const label = await load([
      ...MINIMAL.slice(0, 3),
      '  sloEventProducer: {rulesFiles: [label-rules.yaml]}',
      MINIMAL[4]!,
    ]);
    expect(label.errors).toHaveLength(1);
    expect(label.errors[0]).toMatch(
      /^label-rules\.yaml:2:5: rules\[0\]: additional_metadata "slo-type" cannot label/,
    );
  });

  it('names two modules entries that differ only in case', async () => {
    const { errors } = await load([...MINIMAL, '  Tailer: {tailedFile: access.log}']);
    expect(errors).toEqual([
      'slo_exporter.yaml:6:3: modules.Tailer: "Tailer" and "tailer" name the same module (module names are case-insensitive here, as viper reads them)',
    ]);
  });

  it('reports an unreadable config file and YAML errors', async () => {
    const missing = await loadSloExporterConfig(join(dir.root, 'none.yaml'), { cwd: dir.root });
    expect(missing.issues.map(formatIssue)).toEqual([
      `${join(dir.root, 'none.yaml')}: cannot read file: no such file or directory (ENOENT)`,
    ]);
    const { errors } = await load(['pipeline: [tailer', 'modules: {}']);
    expect(errors[0]).toMatch(/^slo_exporter\.yaml:\d+:\d+: invalid YAML/);
  });
});

describe('loadSloExporterConfig: warnings', () => {
  it('warns of what runs differently from the file or from slo-exporter', async () => {
    const { spec, issues, warned } = await load([
      'logLevel: debug',
      'pipeline: [tailer, sloEventProducer, prometheusExporter]',
      'modules:',
      '  tailer: {tailedFile: access.log, reopen: false}',
      '  sloEventProducer: {rulesFiles: [rules.yaml]}',
      '  relabel: {eventRelabelConfigs: []}',
      '  Kafkaingester: {}',
    ]);
    expect(issues).toEqual([]);
    expect(spec).toBeDefined();
    expect(warned).toEqual([
      'slo_exporter.yaml:1:11: logLevel: logLevel is ignored (slo-exporter ignores it too): set the level with --log-level',
      'slo_exporter.yaml:2:38: pipeline[2]: module "prometheusExporter" has no "modules.prometheusExporter" entry: slokit uses its defaults (slo-exporter refuses this: "missing configuration for module prometheusExporter")',
      'slo_exporter.yaml:4:44: modules.tailer.reopen: reopen: false is not supported: slokit always follows the file by name (tail -F), across rotations',
      'slo_exporter.yaml:6:3: modules.relabel: module "relabel" is configured but not in the pipeline: its config is ignored',
      'slo_exporter.yaml:7:3: modules.Kafkaingester: module "Kafkaingester" is configured but not in the pipeline: its config is ignored',
    ]);
  });

  it('warns that exemplars are not exported and that no rule file means no SLO event', async () => {
    const { warned } = await load([
      'pipeline: [sloEventProducer, prometheusExporter]',
      'modules:',
      '  sloEventProducer: {rulesFiles: []}',
      '  prometheusExporter: {exemplarMetadataKeys: [trace-id]}',
    ]);
    expect(warned).toEqual([
      'slo_exporter.yaml:1:11: pipeline: no producer module: events come only from POST /api/events and --stdin (slo-exporter requires a producer first)',
      'slo_exporter.yaml:3:34: modules.sloEventProducer.rulesFiles: no rule files: every event will count as matching no rule, and no SLO event is produced',
      'slo_exporter.yaml:4:46: modules.prometheusExporter.exemplarMetadataKeys: exemplars are not exported by slokit: exemplarMetadataKeys is ignored',
    ]);
  });
});

describe('processor module registry', () => {
  it('refuses two modules of one name', () => {
    expect(() => processorModuleRegistry([traceModule('relabel'), traceModule('relabel')])).toThrow(
      'processor module "relabel" registered twice',
    );
  });
});

describe('eventMetadataRenamer module', () => {
  const pipeline = (steps: string) => [
    'pipeline: [eventMetadataRenamer, sloEventProducer, prometheusExporter]',
    'modules:',
    `  eventMetadataRenamer: {eventMetadataRenamerConfigs: ${steps}}`,
    '  sloEventProducer: {rulesFiles: [rules.yaml]}',
    '  prometheusExporter: {}',
  ];

  it('renames in order, skips a missing source and refuses to overwrite, counting collisions', async () => {
    const { spec, issues } = await load(
      pipeline(
        '[{source: a, destination: b}, {source: b, destination: c}, {source: x, destination: y}, {source: d, destination: c}]',
      ),
    );
    expect(issues).toEqual([]);
    expect(runProcessors(spec!, { a: '1', d: '2', [EVENT_KEY_METADATA]: 'k' })!.metadata).toEqual({
      c: '1',
      d: '2',
      [EVENT_KEY_METADATA]: 'k',
    });
    runProcessors(spec!, { d: '3', c: '4' });
    expect(spec!.processors[0]!.families()).toEqual([
      {
        name: 'slo_exporter_event_metadata_renamer_renaming_collisions_total',
        help: 'Total number of collision occurred while attempting to rename a metadata key.',
        type: 'counter',
        samples: [
          { labels: { Source: 'a', Destination: 'b' }, value: 0 },
          { labels: { Source: 'b', Destination: 'c' }, value: 0 },
          { labels: { Source: 'x', Destination: 'y' }, value: 0 },
          { labels: { Source: 'd', Destination: 'c' }, value: 2 },
        ],
      },
    ]);
  });

  it('names bad steps', async () => {
    const { errors } = await load(pipeline('[{source: a}, {source: a, destination: b, Destination: c}, x]'));
    expect(errors).toEqual([
      'slo_exporter.yaml:3:56: modules.eventMetadataRenamer.eventMetadataRenamerConfigs[0]: "destination" is required (the metadata key to rename to)',
      'slo_exporter.yaml:3:97: modules.eventMetadataRenamer.eventMetadataRenamerConfigs[1].Destination: unknown field "Destination"; did you mean "destination"?',
      'slo_exporter.yaml:3:114: modules.eventMetadataRenamer.eventMetadataRenamerConfigs[2]: expected a map, got string',
    ]);
  });
});
