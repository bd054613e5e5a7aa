/** The JSON inputs of `keptn evaluate`: get-sli.finished events or their data, and previous evaluations. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, formatIssue } from '../../src/config/errors.js';
import { parseGetSliFinished, parsePreviousEvaluations } from '../../src/keptn/evaluation-input.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/keptn/evaluation/${name}`, import.meta.url), 'utf8');

const issuesOf = (run: () => unknown): string[] => {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map(formatIssue);
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('parseGetSliFinished', () => {
  it('reads the data of a structured CloudEvent, keeping fields other senders add', () => {
    const data = parseGetSliFinished(fixture('get-sli-finished.json'), 'f.json');
    expect(data.project).toBe('sockshop');
    expect(data['get-sli']?.indicatorValues?.map((v) => [v.metric, v.value, v.success])).toEqual([
      ['response_time_p95', 580, true],
      ['error_rate', 0.004, true],
      ['throughput', 88.3, true],
    ]);
  });

  it('reads bare data the same as the event', () => {
    const event = JSON.parse(fixture('get-sli-finished.json')) as { data: unknown };
    const fromData = parseGetSliFinished(JSON.stringify(event.data), 'd.json');
    expect(fromData).toEqual(parseGetSliFinished(fixture('get-sli-finished.json'), 'f.json'));
  });

  it('reads null texts as Go does ("") and accepts an errored event without get-sli', () => {
    const data = parseGetSliFinished(
      '{"project":"p","status":"errored","result":"fail","message":null,"labels":null}',
      'd.json',
    );
    expect(data).toEqual({ project: 'p', status: 'errored', result: 'fail', message: '', labels: {} });
  });

  it('refuses another event type and wrong field types, with positions', () => {
    expect(
      issuesOf(() =>
        parseGetSliFinished(
          '{"specversion":"1.0","type":"sh.keptn.event.get-sli.triggered","data":{}}',
          'e.json',
        ),
      ),
    ).toEqual([
      'e.json:1:29: type: expected a sh.keptn.event.get-sli.finished event, got type "sh.keptn.event.get-sli.triggered"',
    ]);
    expect(
      issuesOf(() =>
        parseGetSliFinished(
          '{\n "get-sli": {"indicatorValues": [\n  {"metric": "a", "value": "1", "success": true}\n ]}\n}',
          'd.json',
        ),
      ),
    ).toEqual(['d.json:3:28: get-sli.indicatorValues[0].value: expected number, got string "1"']);
    expect(issuesOf(() => parseGetSliFinished('[1]', 'd.json'))).toEqual([
      'd.json:1:1: expected a sh.keptn.event.get-sli.finished event or its data (a JSON object)',
    ]);
  });
});

describe('parsePreviousEvaluations', () => {
  it('reads events (id kept for comparedEvents) and bare data, in file order', () => {
    const previous = parsePreviousEvaluations(fixture('previous.json'), 'p.json');
    expect(previous.map((p) => [p.id, p.data.stage, p.data.result])).toEqual([
      ['e-newest-fail', 'staging', 'fail'],
      ['e-pass-2', 'staging', 'pass'],
      [undefined, 'production', 'pass'],
      [undefined, 'staging', 'pass'],
      [undefined, 'staging', 'pass'],
    ]);
  });

  it("reads the Keptn datastore's answer {events: [...]}", () => {
    const previous = parsePreviousEvaluations(
      '{"nextPageKey":"0","totalCount":1,"pageSize":1,"events":[{"id":"x","data":{"result":"pass"}}]}',
      'd.json',
    );
    expect(previous).toEqual([{ id: 'x', data: { result: 'pass' } }]);
  });

  it('refuses other event types, non-lists and wrong field types, with positions', () => {
    expect(
      issuesOf(() =>
        parsePreviousEvaluations(
          '[{"id":"a","type":"sh.keptn.event.get-sli.finished","data":{}},\n {"evaluation":{"indicatorResults":[{"value":{"metric":"m","value":1}}]}}]',
          'p.json',
        ),
      ),
    ).toEqual([
      'p.json:1:19: [0].type: expected an sh.keptn.event.evaluation.finished event, got type "sh.keptn.event.get-sli.finished"',
      'p.json:2:46: [1].evaluation.indicatorResults[0].value.success: required field is missing (expected boolean)',
    ]);
    expect(issuesOf(() => parsePreviousEvaluations('{"a":1}', 'p.json'))).toEqual([
      'p.json:1:1: expected a JSON list of evaluation.finished events or their data, newest first',
    ]);
  });
});
