import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../src/engine/logger.js';
import { Classifier } from '../../src/events/classifier.js';
import { rawEventFrom } from '../../src/events/event-lines.js';
import type { EventBucket } from '../../src/events/event-series.js';
import { EventStore } from '../../src/events/event-store.js';
import { regexpLineParser } from '../../src/events/line-parsers.js';
import { TIMESTAMP_PARSERS } from '../../src/events/pipeline-config/timestamp-formats.js';
import type { PipelineEvent } from '../../src/events/pipeline-event.js';
import { EventBodyError, PipelineRunner } from '../../src/events/pipeline-runner.js';
import { PipelineStore } from '../../src/events/pipeline-store.js';
import { HistoryStore } from '../../src/history/store.js';
import type { MetricFamily } from '../../src/lang/prometheus-text.js';
import { tempDir } from '../helpers/tmp.js';
import {
  expectedCounts,
  fileSource,
  LINE_PATTERN,
  logLines,
  pipelineSpec,
  rules,
} from './pipeline-fixtures.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('slokit-pipeline-');
});
afterEach(() => dir.cleanup());

/** The value of one sample: family `name`, labels including `labels`; undefined when absent. */
function value(families: MetricFamily[], name: string, labels: Record<string, string> = {}) {
  const family = families.find((f) => f.name === name);
  const sample = family?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v));
  return sample?.value;
}

/** The SLO event counts of the finest counter level, by slo_type and result. */
function counted(families: MetricFamily[]) {
  const name = 'slo_domain_slo_class_slo_app_event_key:slo_events_total';
  const sum = (sloType: string, result: string) =>
    families
      .find((f) => f.name === name)!
      .samples.filter((s) => s.labels?.slo_type === sloType && s.labels?.result === result)
      .reduce((total, s) => total + s.value, 0);
  return {
    availability: { good: sum('availability', 'success'), bad: sum('availability', 'fail') },
    latency: { good: sum('latency', 'success'), bad: sum('latency', 'fail') },
  };
}

describe('PipelineRunner, file sources', () => {
  it('runs every line of a follow: false file through relabel, event key, classification, rules and counters', async () => {
    const log = dir.write('access.log', `${logLines(1000)}not a log line\n`);
    const runner = new PipelineRunner(pipelineSpec({ sources: [fileSource(log)] }));
    await runner.start();
    await runner.ended();
    const families = runner.families();
    expect(counted(families)).toEqual(expectedCounts(1000));
    expect(value(families, 'slo_exporter_tailer_lines_read_total')).toBe(1001);
    expect(value(families, 'slo_exporter_tailer_malformed_lines_total')).toBe(1);
    expect(value(families, 'slo_exporter_tailer_file_offset_bytes')).toBe(readFileSync(log).length);
    expect(value(families, 'slokit_events_ingested_total', { source: 'file' })).toBe(1000);
    // 40 of 1000 lines are /health checks, dropped by relabel.
    expect(value(families, 'slokit_events_dropped_total', { module: 'relabel' })).toBe(40);
    expect(value(families, 'slo_exporter_relabel_dropped_events_total')).toBe(40);
    expect(value(families, 'slo_exporter_slo_event_producer_events_processed_total')).toBe(960);
    // The event key comes from __eventKey, set by a processor from the relabelled endpoint.
    const keys = families
      .find((f) => f.name === 'slo_domain_slo_class_slo_app_event_key:slo_events_total')!
      .samples.map((s) => s.labels?.event_key);
    expect(new Set(keys)).toEqual(new Set(['GET:/api/orders', 'GET:/api/users']));
  });

  it('labels the tailer series by file when there are several files, and reads them all', async () => {
    const first = dir.write('a.log', logLines(10));
    const second = dir.write('b.log', logLines(20, 10));
    const runner = new PipelineRunner(pipelineSpec({ sources: [fileSource(first), fileSource(second)] }));
    await runner.start();
    await runner.ended();
    const families = runner.families();
    expect(value(families, 'slo_exporter_tailer_lines_read_total', { file: first })).toBe(10);
    expect(value(families, 'slo_exporter_tailer_lines_read_total', { file: second })).toBe(20);
    expect(counted(families)).toEqual(expectedCounts(30));
  });

  it('follows a file: lines appended later are counted; stop() ends it and saves the position file', async () => {
    const log = dir.write('access.log', logLines(100));
    const runner = new PipelineRunner(pipelineSpec({ sources: [fileSource(log, { follow: true })] }));
    await runner.start();
    await vi.waitFor(() => expect(counted(runner.families())).toEqual(expectedCounts(100)));
    appendFileSync(log, logLines(50, 100));
    await vi.waitFor(() => expect(counted(runner.families())).toEqual(expectedCounts(150)), {
      timeout: 5000,
    });
    runner.stop();
    await runner.ended();
    const saved = JSON.parse(readFileSync(`${log}.pos`, 'utf8')).positions[log];
    expect(saved.offset).toBe(readFileSync(log).length);
    expect(runner.snapshotPositions().get(log)?.offset).toBe(readFileSync(log).length);
  });

  it('counts SLO events in the event store at the processing time of the injected clock', async () => {
    const log = dir.write('access.log', logLines(200));
    const store = new EventStore();
    const runner = new PipelineRunner(pipelineSpec({ sources: [fileSource(log)] }), {
      store,
      now: () => 1_700_000_030,
    });
    await runner.start();
    await runner.ended();
    const expected = expectedCounts(200);
    const minute = 1_700_000_030 - (1_700_000_030 % 60);
    expect(store.count({ slo_type: 'availability' }, minute, minute + 60)).toMatchObject(
      expected.availability,
    );
    expect(store.count({ slo_type: 'latency' }, minute, minute + 60)).toMatchObject(expected.latency);
    expect(store.count({}, minute + 60, minute + 120).buckets).toBe(0);
  });

  it('with a timestamp field, counts each event in the bucket of its own minute; an unparsable time at processing time', async () => {
    const minute = 1_700_000_040; // a minute start
    const times = [minute, minute + 59, minute + 60, minute + 3600, Number.NaN];
    // Lines `<method> <path> <status> <seconds> <unix time>`, all 503 (availability fails), none slow.
    const lines = times.map((t, i) => `GET /api/users/${i} 503 0.2 ${Number.isNaN(t) ? 'never' : t}\n`);
    const log = dir.write('timed.log', lines.join(''));
    const parse = regexpLineParser(`${LINE_PATTERN.slice(0, -1)} (?P<time>\\S+)$`);
    const store = new EventStore();
    const processedAt = 1_800_000_000;
    const runner = new PipelineRunner(
      pipelineSpec({
        sources: [fileSource(log, { parse, timestamp: { field: 'time', parse: TIMESTAMP_PARSERS.unix } })],
      }),
      { store, now: () => processedAt },
    );
    await runner.start();
    await runner.ended();
    const bad = (from: number, to: number) => store.count({ slo_type: 'availability' }, from, to).bad;
    expect(bad(minute, minute + 60)).toBe(2);
    expect(bad(minute + 60, minute + 120)).toBe(1);
    expect(bad(minute + 3600, minute + 3660)).toBe(1);
    const processedMinute = processedAt - (processedAt % 60);
    expect(bad(processedMinute, processedMinute + 60)).toBe(1);
    expect(runner.stats.timestampUnparsed).toBe(1);
    expect(value(runner.families(), 'slokit_events_timestamp_unparsed_total')).toBe(1);
  });

  it('with a timestamp field, stores exactly what per-event adds at each event time store', async () => {
    // 3,000 events over ~50 minutes, out of order in places, read in several chunks.
    const base = 1_700_000_000;
    const eventTimes = Array.from({ length: 3000 }, (_, i) => base + i + (i % 17 === 0 ? -120 : 0));
    const text = logLines(3000)
      .split('\n')
      .slice(0, -1)
      .map((line, i) => `${line} ${eventTimes[i]}\n`)
      .join('');
    const log = dir.write('many.log', text);
    const parse = regexpLineParser(`${LINE_PATTERN.slice(0, -1)} (?P<time>\\S+)$`);
    const store = new EventStore();
    const runner = new PipelineRunner(
      pipelineSpec({
        sources: [fileSource(log, { parse, timestamp: { field: 'time', parse: TIMESTAMP_PARSERS.unix } })],
      }),
      { store, now: () => 2_000_000_000 },
    );
    await runner.start();
    await runner.ended();

    const reference = new EventStore();
    const classifier = new Classifier(rules());
    const { processors } = pipelineSpec();
    let index = 0;
    for (const line of text.split('\n').slice(0, -1)) {
      const metadata = parse(line)!;
      const at = eventTimes[index++]!;
      let event: PipelineEvent | undefined = { metadata, quantity: 1 };
      for (const processor of processors) event = event && processor.process(event);
      if (!event) continue;
      classifier.classify(
        {
          metadata: event.metadata,
          domain: event.classification?.domain,
          class: event.classification?.class,
          app: event.classification?.app,
          key: event.metadata.__eventKey ?? '',
          quantity: 1,
        },
        (slo) => reference.add(slo, at),
      );
    }
    const byLabels = (buckets: EventBucket[]) => buckets.map((b) => JSON.stringify(b)).sort();
    expect(byLabels(store.takePending())).toEqual(byLabels(reference.takePending()));
  });

  it('a processor that throws on an event drops that event only, counted by module; the run goes on', async () => {
    const log = dir.write('access.log', logLines(100));
    const base = pipelineSpec();
    const fragile = {
      moduleName: 'fragile',
      process(event: PipelineEvent) {
        if (event.metadata.path?.endsWith('/7')) throw new Error('boom');
        return event;
      },
      families: () => [],
    };
    const errors: unknown[] = [];
    const logger = { ...silentLogger, error: (fields: object) => errors.push(fields) };
    const runner = new PipelineRunner(
      pipelineSpec({ sources: [fileSource(log)], processors: [fragile, ...base.processors] }),
      { logger },
    );
    await runner.start();
    await runner.ended();
    const families = runner.families();
    expect(value(families, 'slokit_events_processing_errors_total', { module: 'fragile' })).toBe(1);
    expect(value(families, 'slo_exporter_slo_event_producer_events_processed_total')).toBe(100 - 4 - 1);
    expect(errors).toEqual([{ module: 'fragile', err: 'Error: boom' }]);
  });

  it('a missing file makes ended() reject with an error naming it', async () => {
    const runner = new PipelineRunner(pipelineSpec({ sources: [fileSource(join(dir.root, 'missing.log'))] }));
    await runner.start();
    await expect(runner.ended()).rejects.toThrow(/cannot open the tailed file .*missing\.log: ENOENT/);
  });
});

describe('PipelineRunner, JSON events', () => {
  it('reads JSON lines: classification, event key, quantity and result from the fields; malformed lines skipped', () => {
    const runner = new PipelineRunner(pipelineSpec({ processors: [] }));
    const body = [
      '{"slo_domain":"web","slo_class":"critical","slo_app":"api","event_key":"login","statusCode":503,"requestDuration":"0.1"}',
      '',
      '{"slo_domain":"web","slo_class":"critical","slo_app":"api","event_key":"login","statusCode":200,"requestDuration":"0.1","quantity":3}',
      'not json',
      '[1]',
      '{"slo_domain":"web","quantity":-1}',
      '{"slo_domain":"other","slo_class":"c","slo_app":"a","statusCode":200,"requestDuration":"2"}',
    ].join('\n');
    expect(runner.ingestText(body, 'http')).toEqual({ accepted: 3, malformed: 3 });
    const families = runner.families();
    const login = { event_key: 'login', slo_type: 'availability' };
    const name = 'slo_domain_slo_class_slo_app_event_key:slo_events_total';
    expect(value(families, name, { ...login, result: 'success' })).toBe(3);
    expect(value(families, name, { ...login, result: 'fail' })).toBe(1);
    // domain "other" matches no rule (slo_matcher domain: web).
    expect(value(families, 'slo_exporter_slo_event_producer_events_not_matching_any_rule_total')).toBe(1);
    expect(value(families, 'slokit_events_malformed_lines_total')).toBe(3);
    expect(value(families, 'slokit_events_ingested_total', { source: 'http' })).toBe(3);
  });

  it('reads a JSON array; a non-object element is malformed; an array that does not parse is an EventBodyError', () => {
    const runner = new PipelineRunner(pipelineSpec({ processors: [] }));
    const event = { slo_domain: 'web', slo_class: 'c', slo_app: 'a', statusCode: 200, requestDuration: 0.5 };
    expect(
      runner.ingestText(` \n[${JSON.stringify(event)}, 7, null, ${JSON.stringify(event)}]`, 'http'),
    ).toEqual({
      accepted: 2,
      malformed: 2,
    });
    expect(() => runner.ingestText('[{"a": 1}', 'http')).toThrow(EventBodyError);
    expect(runner.ingestText('', 'http')).toEqual({ accepted: 0, malformed: 0 });
  });

  it('survives hostile JSON: deep nesting, __proto__ keys, huge numbers', () => {
    const runner = new PipelineRunner(pipelineSpec({ processors: [] }));
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(runner.ingestText(deep, 'http')).toEqual({ accepted: 0, malformed: 1 });
    const proto =
      '{"__proto__":{"polluted":"yes"},"slo_domain":"web","slo_class":"c","slo_app":"a","statusCode":1e400}';
    expect(runner.ingestText(proto, 'http')).toEqual({ accepted: 1, malformed: 0 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads JSON lines from stdin to its end', async () => {
    const runner = new PipelineRunner(pipelineSpec({ processors: [] }));
    const lines = `${Array.from({ length: 50 }, (_, i) =>
      JSON.stringify({
        slo_domain: 'web',
        slo_class: 'c',
        slo_app: 'a',
        statusCode: i % 5 ? 200 : 500,
        requestDuration: 0.1,
      }),
    ).join('\n')}\nbroken`;
    await runner.start(Readable.from([Buffer.from(lines.slice(0, 777)), Buffer.from(lines.slice(777))]));
    await runner.ended();
    const families = runner.families();
    expect(value(families, 'slokit_events_ingested_total', { source: 'stdin' })).toBe(50);
    expect(value(families, 'slokit_events_malformed_lines_total')).toBe(1);
    expect(value(families, 'slo_domain:slo_events_total', { slo_type: 'availability', result: 'fail' })).toBe(
      10,
    );
  });
});

describe('PipelineRunner, event store sums per read', () => {
  it('stores what adding each SLO event on its own stores, the series cap and its order included', () => {
    const lines = Array.from({ length: 400 }, (_, i) =>
      JSON.stringify({
        slo_domain: 'web',
        slo_class: i % 7 === 0 ? 'low' : 'critical',
        slo_app: 'api',
        event_key: `k${(i * 13) % 9}`,
        statusCode: i % 10 === 0 ? 503 : 200,
        requestDuration: i % 4 === 0 ? 1.5 : 0.2,
        quantity: i === 200 ? 0.1 : i % 3,
      }),
    ).join('\n');
    const now = () => 1_700_000_000;
    const store = new EventStore({ maxSeries: 5 });
    const runner = new PipelineRunner(pipelineSpec({ processors: [] }), { store, now });
    expect(runner.ingestText(lines, 'http')).toEqual({ accepted: 400, malformed: 0 });

    const reference = new EventStore({ maxSeries: 5 });
    const classifier = new Classifier(rules());
    for (const line of lines.split('\n')) {
      classifier.classify(rawEventFrom(JSON.parse(line))!, (slo) => reference.add(slo, now()));
    }
    const byLabels = (buckets: EventBucket[]) => buckets.map((b) => JSON.stringify(b)).sort();
    expect(byLabels(store.takePending())).toEqual(byLabels(reference.takePending()));
    expect(store.stats).toEqual(reference.stats);
    expect(store.stats.overflowEvents).toBeGreaterThan(0);
  });
});

describe('PipelineStore', () => {
  it('prunes buckets past the retention from memory and database, at most once a minute', () => {
    const database = join(dir.root, 'history.db');
    const spec = { database, retentionSeconds: 3600, flushIntervalMs: 1000, maxSeries: 100 };
    const start = 1_700_000_000;
    const store = PipelineStore.open(spec, start);
    const event = {
      result: 'success' as const,
      domain: 'd',
      class: 'c',
      app: 'a',
      key: 'k',
      quantity: 1,
      metadata: {},
    };
    store.events.add(event, start);
    store.flush(new Map(), start);
    store.events.add(event, start + 3000);
    // Within the minute since the last prune: nothing pruned yet, whatever the clock says.
    store.flush(new Map(), start + 30);
    expect(store.events.stats.buckets).toBe(2);
    store.flush(new Map(), start + 3600 + 120);
    expect(store.events.stats.buckets).toBe(1);
    store.close();
    const history = new HistoryStore(database, { readonly: true });
    expect(history.events.buckets().map((b) => b.minute)).toEqual([Math.floor((start + 3000) / 60)]);
    history.close();
  });

  it('writes buckets and the positions of the lines they come from in one transaction, and resumes there', async () => {
    const log = dir.write('access.log', logLines(300));
    const database = join(dir.root, 'history.db');
    const spec = pipelineSpec({
      sources: [fileSource(log)],
      store: { database, retentionSeconds: 86_400, flushIntervalMs: 1000, maxSeries: 1000 },
    });
    const now = () => 1_700_000_000;
    const first = PipelineStore.open(spec.store!, now());
    const runner = new PipelineRunner(spec, { store: first.events, now });
    await runner.start();
    await runner.ended();
    first.flush(runner.snapshotPositions(), now());
    first.close();

    appendFileSync(log, logLines(100, 300));
    // The positions file says "start over": the database's position wins.
    writeFileSync(`${log}.pos`, '{"positions": {}}');
    const second = PipelineStore.open(spec.store!, now());
    expect(second.positions().get(log)?.offset).toBe(logLines(300).length);
    const resumed = new PipelineRunner(spec, {
      store: second.events,
      now,
      resumePositions: second.positions(),
    });
    await resumed.start();
    await resumed.ended();
    expect(counted(resumed.families())).toEqual(expectedCounts(100, 300));
    second.flush(resumed.snapshotPositions(), now());
    second.close();

    const history = new HistoryStore(database, { readonly: true });
    const totals = history.events.totals(() => true, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    const all = expectedCounts(400);
    expect(totals.good).toBe(all.availability.good + all.latency.good);
    expect(totals.bad).toBe(all.availability.bad + all.latency.bad);
    history.close();
  });
});
