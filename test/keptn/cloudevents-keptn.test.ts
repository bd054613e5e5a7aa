/**
 * Reading Keptn CloudEvents (structured and binary mode, through the cloudevents SDK) and building the
 * answers, with the data lighthouse reads (reference/keptn.md §1).
 */
import { CloudEvent, HTTP } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import {
  addressedProvider,
  finishedEvent,
  type GetSliFinishedData,
  MalformedEventError,
  readCloudEvent,
  readGetSliData,
  readGetSliTriggered,
  startedEvent,
  triggerContext,
} from '../../src/keptn/keptn-events.js';

/** A get-sli.triggered as lighthouse sends it (reference §1.3). */
const TRIGGERED = {
  specversion: '1.0',
  id: '585cb332-7198-4605-a0ef-28199268b91d',
  source: 'lighthouse-service',
  type: 'sh.keptn.event.get-sli.triggered',
  time: '2022-04-06T14:36:19.887Z',
  shkeptncontext: '37a580f4-96ef-4594-b62a-1235b91ed7f6',
  shkeptnspecversion: '0.2.4',
  gitcommitid: 'c8a40997599180a338d72504541c00057550a3dc',
  datacontenttype: 'application/json',
  data: {
    project: 'sockshop',
    stage: 'staging',
    service: 'carts',
    labels: { buildId: '17' },
    deployment: 'canary',
    'get-sli': {
      sliProvider: 'prometheus',
      start: '2022-04-06T14:35:03.762Z',
      end: '2022-04-06T14:36:19.667Z',
      indicators: ['throughput'],
      customFilters: [{ key: 'handler', value: 'ItemsController' }],
    },
    temporaryData: { distributor: { subscriptionID: 'x' } },
  },
};

const structured = (event: object) => ({
  headers: { 'content-type': 'application/cloudevents+json' },
  body: JSON.stringify(event),
});

describe('readCloudEvent', () => {
  it('reads structured mode', () => {
    const event = readCloudEvent(structured(TRIGGERED));
    expect(event.type).toBe('sh.keptn.event.get-sli.triggered');
    expect(triggerContext(event)).toEqual({
      id: TRIGGERED.id,
      shkeptncontext: TRIGGERED.shkeptncontext,
      gitcommitid: TRIGGERED.gitcommitid,
    });
    expect(addressedProvider(event)).toBe('prometheus');
  });

  it('reads binary mode (ce-* headers, data as the body)', () => {
    const { data, ...attributes } = TRIGGERED;
    const message = HTTP.binary(new CloudEvent({ ...attributes, data }));
    const event = readCloudEvent({ headers: message.headers, body: message.body as string });
    expect(readGetSliTriggered(event)).toMatchObject({
      project: 'sockshop',
      gitCommitId: TRIGGERED.gitcommitid,
    });
  });

  it('reads the legacy contenttype key and empty triggeredid/gitcommitid', () => {
    const { datacontenttype: _, ...rest } = TRIGGERED;
    const event = readCloudEvent(
      structured({ ...rest, contenttype: 'application/json', triggeredid: '', gitcommitid: '' }),
    );
    expect(readGetSliTriggered(event).gitCommitId).toBe('');
  });

  it.each([
    [{ headers: {}, body: '{}' }, /^not a CloudEvent: no cloud event detected/],
    [
      { headers: { 'content-type': 'application/cloudevents+json' }, body: '{"specversion": "1.0",' },
      /^not a CloudEvent: .*JSON/,
    ],
    [structured({ ...TRIGGERED, id: undefined }), /^invalid CloudEvent: required attribute id missing$/],
    [structured({ ...TRIGGERED, specversion: '0.1' }), /specversion "0.1" is not supported/],
    [structured({ ...TRIGGERED, source: '' }), /^invalid CloudEvent: required attribute source missing/],
    [
      { headers: { 'content-type': 'application/cloudevents-batch+json' }, body: '[]' },
      /^batch mode is not supported/,
    ],
    [
      { headers: { 'content-type': 'application/cloudevents+json' }, body: '[]' },
      /^batch mode is not supported: send one event per request$/,
    ],
    [
      { headers: { 'content-type': 'application/cloudevents+json' }, body: 'null' },
      /^not a CloudEvent: a structured-mode body must be a JSON object, got null$/,
    ],
    [
      { headers: { 'content-type': 'application/cloudevents+json' }, body: '42' },
      /^not a CloudEvent: a structured-mode body must be a JSON object, got number$/,
    ],
    [
      structured({ ...TRIGGERED, dataschema: 'not a uri' }),
      /^invalid CloudEvent: invalid payload \(dataschema must match format "uri"\)$/,
    ],
    [structured({ ...TRIGGERED, 'Bad-Ext': 'x' }), /^invalid CloudEvent: invalid attribute name: "Bad-Ext"$/],
    [
      { headers: { 'ce-id': '1', 'ce-specversion': '1.0', 'ce-type': 't' }, body: '{}' },
      /^invalid CloudEvent: required attribute source missing/,
    ],
  ])('refuses %j', (message, reason) => {
    expect(() => readCloudEvent(message)).toThrow(MalformedEventError);
    expect(() => readCloudEvent(message)).toThrow(reason);
  });
});

describe('readGetSliData', () => {
  it('reads every field', () => {
    expect(readGetSliData(TRIGGERED.data)).toEqual({
      project: 'sockshop',
      stage: 'staging',
      service: 'carts',
      labels: { buildId: '17' },
      deployment: 'canary',
      sliProvider: 'prometheus',
      start: '2022-04-06T14:35:03.762Z',
      end: '2022-04-06T14:36:19.667Z',
      indicators: ['throughput'],
      customFilters: [{ key: 'handler', value: 'ItemsController' }],
      gitCommitId: '',
    });
  });

  it('names every bad field', () => {
    const data = {
      labels: { a: 1 },
      'get-sli': { sliProvider: 'p', start: 5, indicators: 'x', customFilters: [{ key: 'k' }] },
    };
    expect(() => readGetSliData(data)).toThrow(
      'data.labels.a: expected a string; data.get-sli.indicators: expected a list of SLI names; data.get-sli.customFilters[0]: expected {key: string, value: string}; data.get-sli.start: expected a string, got number; data.get-sli.end: required, expected a string',
    );
    expect(() => readGetSliData({ project: 'p' })).toThrow('data.get-sli: required, expected an object');
    expect(() => readGetSliData([])).toThrow('data: expected a JSON object');
  });

  it.each([
    [
      'project',
      '..',
      'data.project: ".." is not a Keptn name (expected a lowercase letter, then lowercase letters, digits or "-")',
    ],
    ['stage', 'Dev', 'data.stage: "Dev" is not a Keptn name'],
    ['service', 'a/b', 'data.service: "a/b" is not a Keptn name'],
    ['service', '1carts', 'data.service: "1carts" is not a Keptn name'],
    ['project', `p${'x'.repeat(63)}`, 'data.project: longer than 63 characters'],
  ])('refuses a %s that is not a Keptn name: %j', (field, value, reason) => {
    expect(() => readGetSliData({ ...TRIGGERED.data, [field]: value })).toThrow(reason);
  });

  it('accepts the longest Keptn name and any label text', () => {
    const project = `p${'-'.repeat(62)}`;
    const data = { ...TRIGGERED.data, project, labels: { 'Build ID': '../17 x' } };
    expect(readGetSliData(data)).toMatchObject({ project, labels: { 'Build ID': '../17 x' } });
  });

  it('requires shkeptncontext on an event', () => {
    const event = readCloudEvent(structured({ ...TRIGGERED, shkeptncontext: undefined }));
    expect(() => readGetSliTriggered(event)).toThrow('shkeptncontext: required');
  });
});

describe('answers', () => {
  const event = readCloudEvent(structured(TRIGGERED));
  const triggered = readGetSliTriggered(event);
  const trigger = triggerContext(event);

  it('started: common data, trigger attributes propagated, valid CloudEvent', () => {
    const started = startedEvent(triggered, trigger, 'slokit');
    expect(started.validate()).toBe(true);
    expect(started).toMatchObject({
      type: 'sh.keptn.event.get-sli.started',
      source: 'slokit',
      triggeredid: TRIGGERED.id,
      shkeptncontext: TRIGGERED.shkeptncontext,
      gitcommitid: TRIGGERED.gitcommitid,
      shkeptnspecversion: '0.2.4',
      data: { project: 'sockshop', stage: 'staging', service: 'carts', labels: { buildId: '17' } },
    });
    expect(started.id).not.toBe(TRIGGERED.id);
  });

  it('finished: the data as given, and no gitcommitid when the trigger had none', () => {
    const data: GetSliFinishedData = {
      project: 'sockshop',
      stage: 'staging',
      service: 'carts',
      labels: {},
      status: 'succeeded',
      result: 'pass',
      'get-sli': {
        start: 's',
        end: 'e',
        indicatorValues: [{ metric: 'throughput', value: 1, success: true }],
      },
    };
    const finished = finishedEvent(data, { ...trigger, gitcommitid: '' }, 'slokit');
    expect(finished.type).toBe('sh.keptn.event.get-sli.finished');
    expect(finished.data).toEqual(data);
    expect('gitcommitid' in finished).toBe(false);
    const wire = JSON.parse(HTTP.structured(finished).body as string);
    expect(wire.triggeredid).toBe(TRIGGERED.id);
    expect(wire.data.status).toBe('succeeded');
  });
});
