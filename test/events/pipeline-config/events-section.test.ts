import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatIssue } from '../../../src/config/errors.js';
import { loadSharedConfig } from '../../../src/config/load.js';
import { jsonSchemas } from '../../../src/config/shared-config-schema.js';
import { loadEventsSection } from '../../../src/events/pipeline-config/events-section.js';
import { EVENT_KEY_METADATA, type PipelineEvent } from '../../../src/events/pipeline-event.js';
import type { PipelineSpec } from '../../../src/events/pipeline-spec.js';
import { issuesOf } from '../../helpers/config-issues.js';
import { tempDir } from '../../helpers/tmp.js';

const RULES = 'rules:\n  - failure_conditions: [{operator: numberIsHigherThan, key: status, value: 499}]\n';
/** A line of nginx's combined format (test/fixtures/events/config/nginx-combined.log). */
const NGINX_LINE =
  '127.0.0.1 - alice [30/Nov/2026:07:49:39 +0000] "GET /api/v1/orders/42?x=1 HTTP/1.1" 503 197 "http://example.com/start" "curl/7.88.1"';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('slokit-events-section-');
  dir.write('conf/rules.yaml', RULES);
  dir.write('logs/access.log', `${NGINX_LINE}\n`);
});
afterEach(() => dir.cleanup());

/** Writes `lines` as `conf/slokit.yaml` and loads its events section. */
async function load(lines: string[], env: Record<string, string> = {}) {
  const file = dir.write('conf/slokit.yaml', `${lines.join('\n')}\n`);
  const result = await loadEventsSection(file, env);
  const strip = (text: string) => text.replaceAll(`${dir.root}/`, '');
  return { ...result, errors: result.issues.map((i) => strip(formatIssue(i))) };
}

/** Parses `line` with the spec's first source and runs the processors. */
function run(spec: PipelineSpec, metadata: Record<string, string>): PipelineEvent | undefined {
  let event: PipelineEvent | undefined = { metadata, quantity: 1 };
  for (const processor of spec.processors) {
    if (!event) break;
    event = processor.process(event);
  }
  return event;
}

describe('loadEventsSection: valid sections', () => {
  it('compiles every field, paths resolved against the config file', async () => {
    const { spec, issues, warnings } = await load(
      [
        'backends: {}',
        'events:',
        '  listen: "[::1]:9000"',
        '  shutdown_timeout: 5s',
        '  shutdown_delay: 1s',
        '  sources:',
        '    - file: ../logs/access.log',
        '      format: combined',
        '      follow: false',
        '      position_file: state/access.pos',
        '      position_interval: 1m',
        '    - file: ${LOG_DIR}/access.log',
        '      format: regexp',
        "      regexp: '^(?P<ip>\\S+) \\S+ (?P<user>\\S+)'",
        '      empty_value: "^-$"',
        '  fields: {domain: sloDomain, event_key: key, quantity: n}',
        '  relabel:',
        '    - {source_labels: [path], regex: "(/api/v1/orders)/\\\\d+.*", target_label: path, replacement: "$1/:id"}',
        '    - {source_labels: [status], regex: 404, action: drop}',
        '  event_key: {metadata_keys: [method, path], separator: " "}',
        '  classification: {domain: shop, class: critical, app: web}',
        '  rules_files: [rules.yaml]',
        '  expose_rules_as_metrics: true',
        '  counters:',
        '    metric_name: requests_total',
        '    max_event_keys: 50',
        '    exceeded_key_placeholder: other',
        '    label_names: {domain: service, event_key: endpoint}',
        '  store: {path: data/history.db, retention: 7d, flush_interval: 30s, max_series: 500}',
      ],
      { LOG_DIR: join(dir.root, 'logs') },
    );
    expect(issues).toEqual([]);
    expect(warnings).toEqual([]);
    const conf = join(dir.root, 'conf');
    expect(spec).toMatchObject({
      file: join(conf, 'slokit.yaml'),
      listenAddress: '[::1]:9000',
      maximumGracefulShutdownMs: 5000,
      afterPipelineShutdownDelayMs: 1000,
      producer: { exposeRulesAsMetrics: true },
      exporter: {
        metricName: 'requests_total',
        maximumUniqueEventKeys: 50,
        exceededKeyLimitPlaceholder: 'other',
        labelNames: { sloDomain: 'service', eventKey: 'endpoint' },
      },
      fields: {
        domain: 'sloDomain',
        class: 'slo_class',
        app: 'slo_app',
        key: 'key',
        quantity: 'n',
        result: 'slo_result',
      },
      store: {
        database: join(conf, 'data/history.db'),
        retentionSeconds: 7 * 86_400,
        flushIntervalMs: 30_000,
        maxSeries: 500,
      },
    });
    expect(spec!.producer.rules).toHaveLength(1);
    expect(spec!.sources.map(({ parse, ...source }) => source)).toEqual([
      {
        path: join(dir.root, 'logs/access.log'),
        follow: false,
        positionFile: join(conf, 'state/access.pos'),
        positionPersistenceIntervalMs: 60_000,
      },
      {
        path: join(dir.root, 'logs/access.log'),
        follow: true,
        positionFile: join(dir.root, 'logs/access.log.pos'),
        positionPersistenceIntervalMs: 2000,
      },
    ]);
    expect({ ...spec!.sources[1]!.parse('10.0.0.1 - -') }).toEqual({ ip: '10.0.0.1' });
    expect(spec!.processors.map((p) => p.moduleName)).toEqual([
      'relabel',
      'eventFields',
      'eventKeyGenerator',
      'staticClassification',
    ]);
    // A real nginx line through the parser and every processor.
    const event = run(spec!, spec!.sources[0]!.parse(NGINX_LINE)!);
    expect(event!.metadata).toMatchObject({
      path: '/api/v1/orders/:id',
      [EVENT_KEY_METADATA]: 'GET /api/v1/orders/:id',
    });
    expect(event!.classification).toEqual({ domain: 'shop', class: 'critical', app: 'web' });
    expect(run(spec!, { status: '404' })).toBeUndefined();
    expect(spec!.processors[0]!.families()).toEqual([
      {
        name: 'slo_exporter_relabel_dropped_events_total',
        help: 'Events dropped by a keep or drop relabel step.',
        type: 'counter',
        samples: [{ value: 1 }],
      },
    ]);
  });

  it('applies defaults: 127.0.0.1:8080, 1000 event keys, the store next to the config', async () => {
    const { spec, issues } = await load(['events:', '  rules_files: [rules.yaml]']);
    expect(issues).toEqual([]);
    expect(spec).toMatchObject({
      listenAddress: '127.0.0.1:8080',
      maximumGracefulShutdownMs: 20_000,
      afterPipelineShutdownDelayMs: 0,
      sources: [],
      exporter: { maximumUniqueEventKeys: 1000 },
      fields: {
        domain: 'slo_domain',
        class: 'slo_class',
        app: 'slo_app',
        key: 'event_key',
        quantity: 'quantity',
        result: 'slo_result',
      },
      producer: { exposeRulesAsMetrics: false },
      store: {
        database: join(dir.root, 'conf/.slokit/history.db'),
        retentionSeconds: 35 * 86_400,
        flushIntervalMs: 10_000,
        maxSeries: 10_000,
      },
    });
    expect(spec!.processors.map((p) => p.moduleName)).toEqual(['eventFields']);
    const disabled = await load(['events:', '  rules_files: [rules.yaml]', '  store: {enabled: false}']);
    expect(disabled.spec!.store).toBeUndefined();
    const unnamed = await load([
      'events:',
      '  rules_files: [rules.yaml]',
      "  sources: [{file: ../logs/access.log, format: regexp, regexp: '^(\\S+)'}]",
    ]);
    expect(unnamed.errors).toEqual([]);
    expect(unnamed.warnings.map(formatIssue)).toEqual([
      `${join(dir.root, 'conf/slokit.yaml')}:3:64: events.sources[0].regexp: the regexp has no named group (?P<name>...): its events carry no metadata`,
    ]);
  });

  it('maps fields to classification, event key and quantity; a bad quantity drops the event', async () => {
    const { spec } = await load([
      'events:',
      '  rules_files: [rules.yaml]',
      '  classification: {app: fallback}',
      '  event_key: {metadata_keys: [a, b], override: false}',
    ]);
    const event = run(spec!, {
      slo_domain: 'd',
      slo_class: 'c',
      slo_app: 'a',
      event_key: 'k',
      quantity: '2.5',
    });
    expect(event).toMatchObject({ classification: { domain: 'd', class: 'c', app: 'a' }, quantity: 2.5 });
    expect(event!.metadata[EVENT_KEY_METADATA]).toBe('k');
    const keyed = run(spec!, { slo_domain: 'd', a: '1', b: '' });
    expect(keyed).toMatchObject({ classification: { domain: 'd', class: '', app: 'fallback' }, quantity: 1 });
    expect(keyed!.metadata[EVENT_KEY_METADATA]).toBe('1:');
    // Mapping an event twice (a POST /api/events event was mapped by its source already) changes nothing.
    const once = run(spec!, { slo_domain: 'd', event_key: 'k', quantity: '3' });
    const twice = spec!.processors.reduce<PipelineEvent | undefined>(
      (event, processor) => event && processor.process(event),
      structuredClone(once),
    );
    expect(twice).toEqual(once);
    for (const quantity of ['-1', 'x', 'NaN', '+Inf']) expect(run(spec!, { quantity })).toBeUndefined();
    expect(spec!.processors[0]!.families()[0]).toMatchObject({
      name: 'slokit_events_invalid_quantity_total',
      samples: [{ value: 4 }],
    });
  });
});

describe('loadEventsSection: event time', () => {
  it('reads the event time from the named field in the named format', async () => {
    const { spec, errors } = await load([
      'events:',
      '  sources:',
      '    - {file: ../logs/access.log, format: combined, timestamp: {field: time_local, format: clf}}',
      '    - {file: ../logs/access.log, format: combined}',
      '  rules_files: [rules.yaml]',
    ]);
    expect(errors).toEqual([]);
    const [timed, plain] = spec!.sources;
    const metadata = timed!.parse(NGINX_LINE)!;
    expect(timed!.timestamp!.field).toBe('time_local');
    expect(timed!.timestamp!.parse(metadata.time_local!)).toBe(Date.UTC(2026, 10, 30, 7, 49, 39) / 1000);
    expect(plain!.timestamp).toBeUndefined();
  });
});

describe('loadEventsSection: errors', () => {
  it('reports every problem at once with file, line, column and field', async () => {
    const { spec, errors } = await load([
      'events:',
      '  listen: localhost',
      '  sources:',
      '    - file: ../logs/missing.log',
      '      format: regexp',
      '    - file: ../logs/access.log',
      '      format: combined',
      '      regexp: "(?P<x>"',
      '    - {file: ../logs/access.log, format: csv}',
      '  relabel:',
      '    - {source_labels: [a], action: replace}',
      '    - {regex: "(", action: keep}',
      '  rules_files: [none.yaml]',
      '  counter: {}',
    ]);
    expect(spec).toBeUndefined();
    expect(errors).toEqual([
      'conf/slokit.yaml:2:11: events.listen: expected host:port (e.g. "0.0.0.0:8080", "127.0.0.1:0", "[::1]:8080"), got "localhost"',
      'conf/slokit.yaml:4:7: events.sources[0].regexp: format regexp needs a "regexp" with named groups',
      'conf/slokit.yaml:8:15: events.sources[1].regexp: "regexp" is only read with format regexp (format is combined)',
      expect.stringMatching(/^conf\/slokit\.yaml:8:15: events\.sources\[1\]\.regexp: invalid regexp: /),
      'conf/slokit.yaml:9:42: events.sources[2].format: expected one of: json, regexp, combined, common',
      'conf/slokit.yaml:11:7: events.relabel[0]: the replace action requires a target_label',
      expect.stringMatching(/^conf\/slokit\.yaml:12:15: events\.relabel\[1\]\.regex: invalid regexp "\(": /),
      'conf/slokit.yaml:13:17: events.rules_files[0]: cannot read rule file "conf/none.yaml": no such file or directory (ENOENT)',
      'conf/slokit.yaml:14:3: events.counter: unknown field "counter"; did you mean "counters"?',
    ]);
  });

  it('reports a bad timestamp setting at its field', async () => {
    const { errors } = await load([
      'events:',
      '  sources:',
      '    - file: ../logs/access.log',
      '      format: combined',
      '      timestamp: {field: time_local, format: apache}',
      '    - file: ../logs/access.log',
      '      format: combined',
      '      timestamp: {format: clf}',
      '  rules_files: [rules.yaml]',
    ]);
    expect(errors).toEqual([
      'conf/slokit.yaml:5:46: events.sources[0].timestamp.format: expected one of: clf, rfc3339, unix, unix_ms',
      'conf/slokit.yaml:8:18: events.sources[1].timestamp.field: required field is missing (expected string)',
    ]);
  });

  it('names missing log and rule files, and bad counter names, at their entries', async () => {
    const { errors } = await load([
      'events:',
      '  sources: [{file: ../logs/missing.log, format: json}]',
      '  rules_files: [rules.yaml, none.yaml]',
      '  counters: {metric_name: "a b", label_names: {domain: result}}',
    ]);
    expect(errors).toEqual([
      'conf/slokit.yaml:2:20: events.sources[0].file: cannot follow "logs/missing.log": no such file or directory (ENOENT)',
      'conf/slokit.yaml:3:29: events.rules_files[1]: cannot read rule file "conf/none.yaml": no such file or directory (ENOENT)',
      'conf/slokit.yaml:4:27: events.counters.metric_name: "a b" is not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)',
    ]);
    const labels = await load([
      'events:',
      '  rules_files: [rules.yaml]',
      '  counters: {label_names: {domain: result, app: "1x"}}',
    ]);
    expect(labels.errors).toEqual([
      'conf/slokit.yaml:3:49: events.counters.label_names.app: "1x" is not a valid Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, no leading "__")',
    ]);
    const same = await load([
      'events:',
      '  rules_files: [rules.yaml]',
      '  counters: {label_names: {domain: result}}',
    ]);
    expect(same.errors).toEqual([
      expect.stringMatching(
        /^conf\/slokit\.yaml:3:27: events\.counters\.label_names: label names must differ/,
      ),
    ]);
  });

  it('needs an events section with rule files', async () => {
    expect((await load(['backends: {}'])).errors).toEqual([
      'conf/slokit.yaml:1:1: events: no "events:" section: add one (its fields are in `slokit schema config`), or use --slo-exporter-config',
    ]);
    expect((await load(['events:', '  rules_files: []'])).errors).toEqual([
      'conf/slokit.yaml:2:16: events.rules_files: at least one rule file is needed: without rules no event becomes an SLO event',
    ]);
  });

  it('reports an unset variable inside events only', async () => {
    const { errors, spec } = await load([
      'backends: {prometheus: {url: "${PROM_URL}"}}',
      'events:',
      '  rules_files: ["${RULES}"]',
    ]);
    expect(spec).toBeUndefined();
    expect(errors).toEqual([
      'conf/slokit.yaml:3:18: environment variable "RULES" is not set (use ${RULES:-default} for a default)',
    ]);
  });
});

describe('the events section in the shared config', () => {
  it('is part of the shared config schema and its JSON Schema', async () => {
    const schema = jsonSchemas().config as { properties: Record<string, { properties: object }> };
    expect(Object.keys(schema.properties.events!.properties)).toEqual([
      'listen',
      'shutdown_timeout',
      'shutdown_delay',
      'sources',
      'fields',
      'relabel',
      'event_key',
      'classification',
      'rules_files',
      'expose_rules_as_metrics',
      'counters',
      'store',
    ]);
    const file = dir.write(
      'shared.yaml',
      'error_budget_policies: {default: {steps: [{name: 1h, window: 3600, burn_rate_threshold: 9}]}}\nevents:\n  rules_files: [r.yaml]\n  sources: [{file: x.log, format: tsv}]\n',
    );
    expect(await issuesOf(loadSharedConfig(file, {}))).toEqual([
      `${file}:4:35: events.sources[0].format: expected one of: json, regexp, combined, common`,
    ]);
  });
});
