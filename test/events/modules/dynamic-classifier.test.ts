/**
 * dynamicClassifier, with the oracles of slo-exporter's dynamic_classifier tests (golden CSVs, dump format,
 * metadataKeyToLabel) and the behaviour listed in shared/reference/slo-exporter.md §3.5.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_MAXIMUM_LEARNT_EXACT_MATCHES,
  DynamicClassifier,
  dynamicClassifierModule,
  metadataLabelName,
} from '../../../src/events/modules/dynamic-classifier.js';
import { EVENT_KEY_METADATA, type SloClassification } from '../../../src/events/pipeline-event.js';
import { tempDir } from '../../helpers/tmp.js';
import { exposition, load, loadValid, rawEvent } from './helpers.js';

const FIXTURES = 'test/fixtures/events/modules';
const TEST: SloClassification = { domain: 'test-domain', app: 'test-app', class: 'test-class' };

const classifier = (config: string, cwd?: string) =>
  loadValid<DynamicClassifier>(dynamicClassifierModule, `modules:\n  dynamicClassifier:\n${config}`, cwd);
const keyed = (key: string, metadata: Record<string, string> = {}, classification?: SloClassification) =>
  rawEvent({ ...metadata, [EVENT_KEY_METADATA]: key }, classification);
const body = (processor: DynamicClassifier, path: string) =>
  processor
    .routes()
    .find((route) => route.path === path)!
    .body();

describe('dynamicClassifier: classification', () => {
  it("slo-exporter's oracle: exact matches from CSV; an unknown key passes on unclassified", async () => {
    const processor = await classifier(`    exactMatchesCsvFiles: [${FIXTURES}/exact.csv]\n`);
    expect(processor.process(keyed('GET:/testing-endpoint')).classification).toEqual(TEST);
    const unknown = processor.process(keyed('non-classified-endpoint'));
    expect(unknown.classification).toBeUndefined();
    expect(unknown.metadata[EVENT_KEY_METADATA]).toBe('non-classified-endpoint');
  });

  it('regexps are unanchored and the first matching one in file order wins', async () => {
    const processor = await classifier(`    regexpMatchesCsvFiles: [${FIXTURES}/regexp.csv]\n`);
    expect(processor.process(keyed('/api/asdf')).classification).toEqual({
      ...TEST,
      class: 'test-class-all',
    });
    expect(processor.process(keyed('/api/test/asdf')).classification).toEqual(TEST);
    expect(processor.process(keyed('GET:/api/test/x?y')).classification).toEqual(TEST);
    expect(processor.process(keyed('/other')).classification).toBeUndefined();
  });

  it('looks the exact map up before the regexps, over several files, a later row winning', async () => {
    const dir = tempDir();
    try {
      dir.write('a.csv', 'd,a,from-exact,/api/x\nd,a,first,/dup\n');
      dir.write('b.csv', 'd,a,second,/dup\n');
      const processor = await classifier(
        `    exactMatchesCsvFiles: [a.csv, b.csv]\n    regexpMatchesCsvFiles: [${join(process.cwd(), FIXTURES, 'regexp.csv')}]\n`,
        dir.root,
      );
      expect(processor.process(keyed('/api/x')).classification?.class).toBe('from-exact');
      expect(processor.process(keyed('/dup')).classification?.class).toBe('second');
    } finally {
      dir.cleanup();
    }
  });

  it('learns from classified events: they pass untouched and override earlier entries', async () => {
    // Test_DynamicClassifier_Classify_OverridesCacheFromConfig and ..._OverridesCacheFromPreviousClassifiedEvent.
    const processor = await classifier(`    exactMatchesCsvFiles: [${FIXTURES}/exact.csv]\n`);
    for (const cls of ['class1', 'class2']) {
      const classification = { domain: 'domain', app: 'app', class: cls };
      const event = keyed('GET:/testing-endpoint', {}, classification);
      expect(processor.process(event).classification).toEqual(classification);
      expect(processor.process(keyed('GET:/testing-endpoint')).classification).toEqual(classification);
    }
    // A partly classified event is not classified: it is looked up and its classification replaced.
    const partial = keyed('GET:/testing-endpoint', {}, { domain: 'x', app: '', class: 'y' });
    expect(processor.process(partial).classification).toEqual({
      domain: 'domain',
      app: 'app',
      class: 'class2',
    });
  });

  it('caches regexp hits into the exact map (and the classification given is a copy)', async () => {
    const processor = await classifier(`    regexpMatchesCsvFiles: [${FIXTURES}/regexp.csv]\n`);
    const event = processor.process(keyed('/api/b'));
    event.classification!.class = 'changed downstream';
    processor.process(keyed('/api/a'));
    expect(body(processor, 'matchers/exact')).toBe(
      'test-domain,test-app,test-class-all,/api/a\ntest-domain,test-app,test-class-all,/api/b\n',
    );
    expect(body(processor, 'matchers/regexp')).toBe(
      'test-domain,test-app,test-class,/api/test/.*\ntest-domain,test-app,test-class-all,/api/.*\n',
    );
  });

  it("dumps in slo-exporter's golden format, the exact map sorted by key", async () => {
    const processor = new DynamicClassifier({
      exact: [{ key: 'test-endpoint', classification: TEST, line: 1 }],
      regexps: [],
      unclassifiedEventMetadataKeys: [],
    });
    processor.process(keyed('a-endpoint', {}, { domain: 'd', app: 'a', class: 'c' }));
    expect(processor.routes().map(({ path, contentType }) => [path, contentType])).toEqual([
      ['matchers/exact', 'text/csv'],
      ['matchers/regexp', 'text/csv'],
    ]);
    expect(body(processor, 'matchers/exact')).toBe(
      'd,a,c,a-endpoint\ntest-domain,test-app,test-class,test-endpoint\n',
    );
    expect(body(processor, 'matchers/regexp')).toBe('');
  });
});

describe('dynamicClassifier: bounded learnt exact matches', () => {
  let dir: ReturnType<typeof tempDir> | undefined;
  afterEach(() => dir?.cleanup());

  it('evicts the oldest learnt entry past maximumLearntExactMatches, never a CSV row, and counts it', async () => {
    dir = tempDir();
    dir.write('exact.csv', 'csv-domain,csv-app,csv-class,k-csv\n');
    const root = dir.root;
    const processor = await classifier(
      '    exactMatchesCsvFiles: [exact.csv]\n    maximumLearntExactMatches: 2\n',
      root,
    );
    const learnt = (domain: string): SloClassification => ({ domain, app: 'a', class: 'c' });
    processor.process(keyed('k1', {}, learnt('one')));
    processor.process(keyed('k2', {}, learnt('two')));
    // Relearning k1 with another classification renews it: k2 is now the oldest.
    processor.process(keyed('k1', {}, learnt('one-again')));
    processor.process(keyed('k3', {}, learnt('three')));
    processor.process(keyed('k-csv', {}, learnt('csv-overridden')));
    // Bound 2: k2 went first, then k1; the CSV row stays under the learnt override.
    expect(body(processor, 'matchers/exact')).toBe('csv-overridden,a,c,k-csv\nthree,a,c,k3\n');
    expect(processor.process(keyed('k2')).classification).toBeUndefined();
    expect(exposition(processor)).toContain('slo_exporter_dynamic_classifier_exact_matches 2\n');
    expect(exposition(processor)).toContain(
      'slo_exporter_dynamic_classifier_exact_matches_evicted_total 2\n',
    );
    // Evicting the override brings the CSV row back.
    processor.process(keyed('k4', {}, learnt('four')));
    processor.process(keyed('k5', {}, learnt('five')));
    expect(processor.process(keyed('k-csv')).classification).toEqual({
      domain: 'csv-domain',
      app: 'csv-app',
      class: 'csv-class',
    });
  });

  it('defaults to 100,000 and refuses a non-integer bound with its position', async () => {
    expect(DEFAULT_MAXIMUM_LEARNT_EXACT_MATCHES).toBe(100_000);
    const { issues } = await load(
      dynamicClassifierModule,
      'modules:\n  dynamicClassifier:\n    maximumLearntExactMatches: lots\n',
    );
    expect(issues).toEqual([
      'slo_exporter.yaml:3:32: modules.dynamicClassifier.maximumLearntExactMatches: expected a non-negative integer, got "lots"',
    ]);
  });
});

describe('dynamicClassifier: metrics', () => {
  it("slo-exporter's oracle: metadata keys become metadata_<snake_case> labels", () => {
    expect(['foo', 'fooBar', 'FooBar', 'foobar', ''].map(metadataLabelName)).toEqual([
      'metadata_foo',
      'metadata_foo_bar',
      'metadata_foo_bar',
      'metadata_foobar',
      'metadata_',
    ]);
  });

  it('counts by result and matcher, with metadata values for unclassified events only', async () => {
    const processor = await classifier(
      `    regexpMatchesCsvFiles: [${FIXTURES}/regexp.csv]\n    unclassifiedEventMetadataKeys: [userAgent, method]\n`,
    );
    processor.process(keyed('/api/a', { userAgent: 'curl', method: 'GET' }));
    processor.process(keyed('/api/a', { userAgent: 'curl', method: 'GET' }));
    processor.process(keyed('/nope', { userAgent: 'curl', method: 'GET' }));
    processor.process(keyed('/nope', { method: 'POST' }));
    processor.process(keyed('/x', {}, TEST)); // classified: learnt, not counted
    expect(exposition(processor)).toBe(
      [
        '# HELP slo_exporter_dynamic_classifier_events_processed_total Events the dynamic classifier looked up, by result, by the matcher that classified them and, for unclassified ones, by the configured metadata values.',
        '# TYPE slo_exporter_dynamic_classifier_events_processed_total counter',
        'slo_exporter_dynamic_classifier_events_processed_total{classified_by="regexp",metadata_method="",metadata_user_agent="",result="classified"} 1',
        'slo_exporter_dynamic_classifier_events_processed_total{classified_by="exact",metadata_method="",metadata_user_agent="",result="classified"} 1',
        'slo_exporter_dynamic_classifier_events_processed_total{classified_by="",metadata_method="GET",metadata_user_agent="curl",result="unclassified"} 1',
        'slo_exporter_dynamic_classifier_events_processed_total{classified_by="",metadata_method="POST",metadata_user_agent="",result="unclassified"} 1',
        '# HELP slo_exporter_dynamic_classifier_exact_matches Event keys in the exact-match map (from the exact CSV files and learnt since the start).',
        '# TYPE slo_exporter_dynamic_classifier_exact_matches gauge',
        'slo_exporter_dynamic_classifier_exact_matches 2',
        '# HELP slo_exporter_dynamic_classifier_exact_matches_evicted_total Learnt exact matches evicted, oldest first, past maximumLearntExactMatches.',
        '# TYPE slo_exporter_dynamic_classifier_exact_matches_evicted_total counter',
        'slo_exporter_dynamic_classifier_exact_matches_evicted_total 0',
        '',
      ].join('\n'),
    );
  });
});

describe('dynamicClassifier: config and files', () => {
  let dir: ReturnType<typeof tempDir> | undefined;
  afterEach(() => dir?.cleanup());

  it('reports every problem at once: config keys, labels, unreadable files and CSV errors', async () => {
    dir = tempDir();
    dir.write('bad.csv', 'd,a,c,k\nd,a,c,"k"x\n');
    dir.write('uneven.csv', 'd,a,c,k\nd,a,c\n');
    const { processor, issues } = await load(
      dynamicClassifierModule,
      `modules:
  dynamicClassifier:
    exactMatchesCsvFile: [x.csv]
    ExactMatchesCsvFiles: [missing.csv, bad.csv]
    regexpMatchesCsvFiles: [uneven.csv]
    unclassifiedEventMetadataKeys: [userAgent, user_agent, "a/b"]
`,
      dir.root,
    );
    expect(processor).toBeUndefined();
    // Outside the working directory, files are named by their absolute path.
    const name = (file: string) => join(dir!.root, file);
    expect(issues).toEqual([
      'slo_exporter.yaml:3:5: modules.dynamicClassifier.exactMatchesCsvFile: unknown field "exactMatchesCsvFile"; did you mean "exactMatchesCsvFiles"?',
      'slo_exporter.yaml:6:48: modules.dynamicClassifier.unclassifiedEventMetadataKeys[1]: "user_agent" gives the label name "metadata_user_agent", as "userAgent" does already',
      'slo_exporter.yaml:6:60: modules.dynamicClassifier.unclassifiedEventMetadataKeys[2]: "a/b" gives the label name "metadata_a/b", which is not a valid Prometheus label name',
      `slo_exporter.yaml:4:28: modules.dynamicClassifier.ExactMatchesCsvFiles[0]: cannot read the classification file "${name('missing.csv')}": ENOENT`,
      `${name('bad.csv')}:2:10: extraneous or missing " in quoted-field`,
      `${name('uneven.csv')}:2:1: wrong number of fields: 3, where the first record has 4`,
    ]);
  });

  it('names a file inside the working directory by its relative path', async () => {
    const { issues } = await load(
      dynamicClassifierModule,
      'modules:\n  dynamicClassifier: {exactMatchesCsvFiles: [test/fixtures/events/modules/none.csv]}\n',
    );
    expect(issues).toEqual([
      'slo_exporter.yaml:2:46: modules.dynamicClassifier.exactMatchesCsvFiles[0]: cannot read the classification file "test/fixtures/events/modules/none.csv": ENOENT',
    ]);
  });

  it('skips, with warnings, what slo-exporter only logs: invalid regexps and records without 4 fields', async () => {
    dir = tempDir();
    dir.write('r.csv', 'd,a,c,(unclosed\nd,a,c,/ok.*\n');
    dir.write('e.csv', 'd,a,c\n');
    const processor = await classifier(
      '    regexpMatchesCsvFiles: [r.csv]\n    exactMatchesCsvFiles: [e.csv]\n',
      dir.root,
    );
    expect(processor.process(keyed('/ok1')).classification?.class).toBe('c');
    expect(body(processor, 'matchers/regexp')).toBe('d,a,c,/ok.*\n');
    expect(processor.warnings.map((w) => `${w.line}: ${w.message}`)).toEqual([
      '1: record skipped: expected 4 fields (domain,app,class,key), found 3',
      '1: record skipped: error parsing regexp: missing closing ): `(unclosed`',
    ]);
  });
});
