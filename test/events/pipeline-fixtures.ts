/**
 * PipelineSpecs for the runner, server and CLI tests: a real rule file parsed with parseRulesFile, relabel
 * steps built with relabelConfig, and two tiny processors of the tests' own (event key, classification),
 * standing in for the processor modules written elsewhere.
 */
import { DEFAULT_EVENT_FIELDS } from '../../src/events/event-fields.js';
import { regexpLineParser } from '../../src/events/line-parsers.js';
import { EVENT_KEY_METADATA, type EventProcessor } from '../../src/events/pipeline-event.js';
import type { FileSourceSpec, PipelineSpec } from '../../src/events/pipeline-spec.js';
import { relabel, relabelConfig } from '../../src/events/relabel.js';
import { parseRulesFile } from '../../src/events/rules-file.js';

/** Log lines `<method> <path> <status> <seconds>`; anything else is malformed. */
export const LINE_PATTERN =
  '^(?P<method>[A-Z]+) (?P<path>\\S+) (?P<statusCode>\\d+) (?P<requestDuration>[0-9.]+)$';
export const parseLine = regexpLineParser(LINE_PATTERN);

/** Two rules per classified event: availability (5xx fails) and latency (over 1 s fails). */
export const RULES_YAML = `rules:
  - slo_matcher: {domain: web}
    failure_conditions:
      - {operator: numberIsEqualOrHigherThan, key: statusCode, value: 500}
    additional_metadata: {slo_type: availability}
  - slo_matcher: {domain: web}
    failure_conditions:
      - {operator: numberIsHigherThan, key: requestDuration, value: 1}
    additional_metadata: {slo_type: latency}
`;

export function rules() {
  const parsed = parseRulesFile(RULES_YAML, 'rules.yaml');
  if (parsed.issues.length) throw new Error(JSON.stringify(parsed.issues));
  return parsed.rules;
}

/** A `relabel` processor: drops `/health` requests, keeps the first two path segments as `endpoint`. */
export function relabelProcessor(): EventProcessor & { dropped: number } {
  const steps = [
    relabelConfig({ action: 'drop', source_labels: ['path'], regex: '/health.*' }),
    relabelConfig({
      action: 'replace',
      source_labels: ['path'],
      regex: '(/[^/]+/[^/]+).*',
      target_label: 'endpoint',
    }),
  ];
  const processor = {
    moduleName: 'relabel',
    dropped: 0,
    process(event: { metadata: Record<string, string>; quantity: number }) {
      const metadata = relabel(event.metadata, steps);
      if (!metadata) {
        processor.dropped++;
        return undefined;
      }
      return { ...event, metadata: { ...metadata } };
    },
    families: () => [
      {
        name: 'slo_exporter_relabel_dropped_events_total',
        help: 'Events dropped by relabel.',
        type: 'counter' as const,
        samples: [{ value: processor.dropped }],
      },
    ],
  };
  return processor;
}

/** Sets the event key to `<method>:<endpoint or path>`, and serves its last key at `/eventKeyGenerator/last`. */
export function keyProcessor(): EventProcessor {
  let last = '';
  return {
    moduleName: 'eventKeyGenerator',
    process(event) {
      if (event.metadata[EVENT_KEY_METADATA] === undefined) {
        event.metadata[EVENT_KEY_METADATA] =
          `${event.metadata.method}:${event.metadata.endpoint ?? event.metadata.path}`;
      }
      last = event.metadata[EVENT_KEY_METADATA]!;
      return event;
    },
    families: () => [],
    routes: () => [{ path: 'last', contentType: 'text/plain; charset=utf-8', body: () => last }],
  };
}

/** Classifies every event without a classification as web/critical/frontend. */
export function classifyProcessor(): EventProcessor {
  return {
    moduleName: 'metadataClassifier',
    process(event) {
      event.classification ??= { domain: 'web', class: 'critical', app: 'frontend' };
      return event;
    },
    families: () => [],
  };
}

/** A file source of `LINE_PATTERN` lines. */
export function fileSource(path: string, overrides: Partial<FileSourceSpec> = {}): FileSourceSpec {
  return {
    path,
    follow: false,
    positionFile: `${path}.pos`,
    positionPersistenceIntervalMs: 50,
    parse: parseLine,
    ...overrides,
  };
}

/** A pipeline: relabel → event key → classification → two rules, counters, no store unless given. */
export function pipelineSpec(overrides: Partial<PipelineSpec> = {}): PipelineSpec {
  return {
    file: 'test.yaml',
    listenAddress: '127.0.0.1:0',
    maximumGracefulShutdownMs: 5000,
    afterPipelineShutdownDelayMs: 0,
    sources: [],
    processors: [relabelProcessor(), keyProcessor(), classifyProcessor()],
    producer: { rules: rules(), exposeRulesAsMetrics: false },
    exporter: {},
    fields: { ...DEFAULT_EVENT_FIELDS },
    ...overrides,
  };
}

/** `count` log lines: every 10th a 503, every 4th slower than 1 s, every 25th a /health check. */
export function logLines(count: number, from = 0): string {
  let out = '';
  for (let i = from; i < from + count; i++) {
    const path = i % 25 === 0 ? '/health' : `/api/${i % 3 === 0 ? 'orders' : 'users'}/${i}`;
    out += `GET ${path} ${i % 10 === 0 ? 503 : 200} ${i % 4 === 0 ? '1.5' : '0.2'}\n`;
  }
  return out;
}

/** Expected SLO events of `logLines(count, from)`: per slo_type, good and bad. */
export function expectedCounts(count: number, from = 0) {
  const counts = { availability: { good: 0, bad: 0 }, latency: { good: 0, bad: 0 } };
  for (let i = from; i < from + count; i++) {
    if (i % 25 === 0) continue;
    if (i % 10 === 0) counts.availability.bad++;
    else counts.availability.good++;
    if (i % 4 === 0) counts.latency.bad++;
    else counts.latency.good++;
  }
  return counts;
}
