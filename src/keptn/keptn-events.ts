/**
 * Keptn CloudEvents of the get-sli task (Keptn CloudEvents spec 0.2.x as lighthouse and prometheus-service
 * really use them, reference/keptn.md §1): reading an HTTP message into a validated CloudEvent (structured or
 * binary mode, the cloudevents SDK), reading `get-sli.triggered` data, and building the `started` and
 * `finished` answers. No I/O.
 *
 * Input is read leniently where Keptn varies: `contenttype` beside `datacontenttype`, empty `triggeredid` /
 * `gitcommitid`, unknown data keys (`temporaryData`), a JSON `data` sent as text.
 */
import { randomUUID } from 'node:crypto';
import { CloudEvent, HTTP } from 'cloudevents';
import type { CustomFilter } from './placeholders.js';

/** Keptn spec version slokit's events carry (what go-utils 0.20 sends). */
export const KEPTN_SPEC_VERSION = '0.2.4';

export const GET_SLI_TRIGGERED = 'sh.keptn.event.get-sli.triggered';
export const GET_SLI_STARTED = 'sh.keptn.event.get-sli.started';
export const GET_SLI_FINISHED = 'sh.keptn.event.get-sli.finished';

/** An HTTP request that should carry a CloudEvent, or a CloudEvent that cannot be used; `message` is the reason. */
export class MalformedEventError extends Error {
  override name = 'MalformedEventError';
}

/** An HTTP message as received: lower- or mixed-case header names, the body as text. */
export interface HttpMessage {
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: string | undefined;
}

/** A received CloudEvent, validated (specversion 1.0, id, source, type present). */
export type ReceivedEvent = CloudEvent<unknown>;

/**
 * The CloudEvent of an HTTP message, in structured mode (`application/cloudevents+json`) or binary mode
 * (`ce-*` headers, the data as the body). Throws MalformedEventError with the SDK's or the JSON parser's
 * reason; a structured body that is not a JSON object, or a batch, is refused.
 */
export function readCloudEvent(message: HttpMessage): ReceivedEvent {
  checkStructuredBody(message);
  let event: ReceivedEvent;
  try {
    // One event: checkStructuredBody has refused batches.
    event = HTTP.toEvent<unknown>({
      headers: { ...message.headers },
      body: message.body ?? '',
    }) as ReceivedEvent;
  } catch (error) {
    throw new MalformedEventError(`not a CloudEvent: ${reasonOf(error)}`);
  }
  const missing = missingAttributes(message);
  if (missing.length)
    throw new MalformedEventError(
      `invalid CloudEvent: required attribute${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing`,
    );
  if (event.specversion !== '1.0') {
    throw new MalformedEventError(
      `invalid CloudEvent: specversion ${JSON.stringify(event.specversion)} is not supported (expected "1.0")`,
    );
  }
  try {
    event.validate();
  } catch (error) {
    throw new MalformedEventError(`invalid CloudEvent: ${reasonOf(error)}`);
  }
  return event;
}

const REQUIRED = ['specversion', 'id', 'source', 'type'] as const;

/** A header of the message, whatever the case of its name. */
function headerOf(message: HttpMessage, name: string): string | string[] | undefined {
  return Object.entries(message.headers).find(([k]) => k.toLowerCase() === name)?.[1];
}

/** Whether the message is in structured (or batch) mode: a CloudEvents content type. */
const isStructured = (message: HttpMessage) =>
  /^application\/cloudevents/i.test(String(headerOf(message, 'content-type') ?? ''));

/**
 * A structured-mode body must be one JSON object: the SDK answers `null` with a JavaScript TypeError and
 * takes a JSON array as a batch (CloudEvents HTTP binding §3.3), which Keptn never sends. Throws
 * MalformedEventError with the reason.
 */
function checkStructuredBody(message: HttpMessage): void {
  if (!isStructured(message)) return;
  if (/^application\/cloudevents-batch/i.test(String(headerOf(message, 'content-type'))))
    throw new MalformedEventError('batch mode is not supported: send one event per request');
  let body: unknown;
  try {
    body = JSON.parse(message.body ?? '');
  } catch (error) {
    throw new MalformedEventError(`not a CloudEvent: the body is not JSON: ${(error as Error).message}`);
  }
  if (Array.isArray(body))
    throw new MalformedEventError('batch mode is not supported: send one event per request');
  if (!isMap(body)) {
    throw new MalformedEventError(
      `not a CloudEvent: a structured-mode body must be a JSON object, got ${body === null ? 'null' : typeof body}`,
    );
  }
}

/**
 * Required attributes absent from the message itself: the SDK fills a missing `id` (a new UUID) and
 * `specversion` in, which would make two deliveries of one id-less event two different events.
 */
function missingAttributes(message: HttpMessage): string[] {
  let attributes: Record<string, unknown> = {};
  if (!isStructured(message)) {
    for (const name of REQUIRED) attributes[name] = headerOf(message, `ce-${name}`);
  } else {
    // checkStructuredBody has made sure it is a JSON object.
    attributes = JSON.parse(message.body ?? '') as Record<string, unknown>;
  }
  return REQUIRED.filter((name) => typeof attributes[name] !== 'string' || attributes[name] === '');
}

/** One line from the SDK's ValidationError (its `errors` list the failed schema rules) or any error. */
function reasonOf(error: unknown): string {
  const e = error as { message?: string; errors?: { instancePath?: string; message?: string }[] | string[] };
  const details = (e.errors ?? [])
    .map((d) =>
      typeof d === 'string'
        ? d
        : `${d.instancePath ? `${d.instancePath.replace(/^\//, '')} ` : ''}${d.message ?? ''}`,
    )
    .filter(Boolean);
  // The SDK's message is followed by a JSON dump of the same details: keep its words only.
  const head = (e.message ?? String(error)).replace(/\s*[[{][\s\S]*$/, '');
  return `${head}${details.length ? ` (${details.join('; ')})` : ''}`.replace(/\s+/g, ' ');
}

/**
 * Keptn's rule for project, stage and service names (its API refuses others): a lowercase letter, then
 * lowercase letters, digits and `-`. Checked on input since the names become URL path segments of the
 * resource service: `..` would climb out of the project.
 */
const KEPTN_NAME = /^[a-z][a-z0-9-]*$/;
/** Longest accepted name: a Kubernetes label / DNS label, which Keptn names become (namespaces). */
export const KEPTN_NAME_MAX_LENGTH = 63;

/** `data` of a get-sli.triggered event, as slokit reads it. */
export interface GetSliTriggered {
  project: string;
  stage: string;
  service: string;
  labels: Record<string, string>;
  deployment: string;
  sliProvider: string;
  start: string;
  end: string;
  indicators: string[];
  customFilters: CustomFilter[];
  /** The event's `gitcommitid` ('' when absent): the config version the SLI files are read at. */
  gitCommitId: string;
}

/** The context attributes an answer propagates. */
export interface TriggerContext {
  id: string;
  shkeptncontext: string;
  gitcommitid: string;
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The event's data as an object (a JSON text or Buffer is parsed), or undefined. */
function dataObject(event: ReceivedEvent): Record<string, unknown> | undefined {
  let data: unknown = event.data;
  if (Buffer.isBuffer(data)) data = data.toString('utf8');
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      return undefined;
    }
  }
  return isMap(data) ? data : undefined;
}

/** A string extension attribute ('' when absent). */
function extension(event: ReceivedEvent, name: string): string {
  const value = (event as unknown as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

/** `id`, `shkeptncontext` and `gitcommitid` of a received event. */
export function triggerContext(event: ReceivedEvent): TriggerContext {
  return {
    id: event.id,
    shkeptncontext: extension(event, 'shkeptncontext'),
    gitcommitid: extension(event, 'gitcommitid'),
  };
}

/**
 * The sliProvider a get-sli.triggered event addresses, or undefined when its data has none (then no provider
 * answers it).
 */
export function addressedProvider(event: ReceivedEvent): string | undefined {
  const getSli = dataObject(event)?.['get-sli'];
  return isMap(getSli) && typeof getSli.sliProvider === 'string' ? getSli.sliProvider : undefined;
}

/**
 * Reads a get-sli.triggered event: its data (see `readGetSliData`) and `gitcommitid`; `shkeptncontext` is
 * required, since the answers are tied to it. Throws MalformedEventError.
 */
export function readGetSliTriggered(event: ReceivedEvent): GetSliTriggered {
  if (!extension(event, 'shkeptncontext')) {
    throw new MalformedEventError('shkeptncontext: required (the Keptn context the answers belong to)');
  }
  return { ...readGetSliData(dataObject(event)), gitCommitId: extension(event, 'gitcommitid') };
}

/**
 * Reads the `data` of a get-sli.triggered event (`gitCommitId` left ''). Throws MalformedEventError naming
 * every bad field and what was expected (`data.get-sli.start: required, expected a string`); project, stage
 * and service, when given, must be Keptn names (`KEPTN_NAME`, at most KEPTN_NAME_MAX_LENGTH characters;
 * labels are free text).
 */
export function readGetSliData(value: unknown): GetSliTriggered {
  if (!isMap(value)) throw new MalformedEventError('data: expected a JSON object');
  const data = value;
  const problems: string[] = [];
  const text = (object: Record<string, unknown>, key: string, path: string, required: boolean): string => {
    const value = object[key];
    if (typeof value === 'string') return value;
    if (value === undefined || value === null) {
      if (required) problems.push(`${path}: required, expected a string`);
    } else problems.push(`${path}: expected a string, got ${Array.isArray(value) ? 'array' : typeof value}`);
    return '';
  };
  const getSli = data['get-sli'];
  if (!isMap(getSli)) throw new MalformedEventError('data.get-sli: required, expected an object');
  const labels: Record<string, string> = {};
  if (data.labels !== undefined && data.labels !== null) {
    if (!isMap(data.labels)) problems.push('data.labels: expected a map of strings');
    else
      for (const [k, v] of Object.entries(data.labels)) {
        if (typeof v === 'string') labels[k] = v;
        else problems.push(`data.labels.${k}: expected a string`);
      }
  }
  const indicators: string[] = [];
  if (getSli.indicators !== undefined && getSli.indicators !== null) {
    if (!Array.isArray(getSli.indicators))
      problems.push('data.get-sli.indicators: expected a list of SLI names');
    else
      getSli.indicators.forEach((name, i) => {
        if (typeof name === 'string' && name !== '') indicators.push(name);
        else problems.push(`data.get-sli.indicators[${i}]: expected a non-empty string`);
      });
  }
  const customFilters: CustomFilter[] = [];
  if (getSli.customFilters !== undefined && getSli.customFilters !== null) {
    if (!Array.isArray(getSli.customFilters))
      problems.push('data.get-sli.customFilters: expected a list of {key, value}');
    else
      getSli.customFilters.forEach((f, i) => {
        if (isMap(f) && typeof f.key === 'string' && typeof f.value === 'string')
          customFilters.push({ key: f.key, value: f.value });
        else problems.push(`data.get-sli.customFilters[${i}]: expected {key: string, value: string}`);
      });
  }
  /** A project, stage or service name: empty (not given) or a Keptn name. */
  const name = (key: 'project' | 'stage' | 'service'): string => {
    const value = text(data, key, `data.${key}`, false);
    if (value === '') return value;
    if (value.length > KEPTN_NAME_MAX_LENGTH)
      problems.push(`data.${key}: longer than ${KEPTN_NAME_MAX_LENGTH} characters`);
    else if (!KEPTN_NAME.test(value))
      problems.push(
        `data.${key}: ${JSON.stringify(value)} is not a Keptn name (expected a lowercase letter, then lowercase letters, digits or "-")`,
      );
    return value;
  };
  const triggered: GetSliTriggered = {
    project: name('project'),
    stage: name('stage'),
    service: name('service'),
    labels,
    deployment: text(data, 'deployment', 'data.deployment', false),
    sliProvider: text(getSli, 'sliProvider', 'data.get-sli.sliProvider', true),
    start: text(getSli, 'start', 'data.get-sli.start', true),
    end: text(getSli, 'end', 'data.get-sli.end', true),
    indicators,
    customFilters,
    gitCommitId: '',
  };
  if (problems.length) throw new MalformedEventError(problems.join('; '));
  return triggered;
}

/** One entry of `data.get-sli.indicatorValues`. */
export interface IndicatorValue {
  metric: string;
  /** 0 when `success` is false. */
  value: number;
  success: boolean;
  /** Why there is no value (only when `success` is false). */
  message?: string;
}

/** Keptn task status and result, as lighthouse reads them at the top of `data`. */
export type KeptnStatus = 'succeeded' | 'errored';
export type KeptnResult = 'pass' | 'warning' | 'fail';

/** `data` of get-sli.finished (what `slokit keptn get-sli` prints). */
export interface GetSliFinishedData {
  project: string;
  stage: string;
  service: string;
  labels: Record<string, string>;
  status: KeptnStatus;
  result: KeptnResult;
  message?: string;
  /**
   * `start`/`end` echo the triggered event (the spec's schema requires both). `indicatorValues` is absent in
   * an errored answer: no indicator was asked (prometheus-service sends none either, reference/keptn.md §1.7).
   */
  'get-sli': { start: string; end: string; indicatorValues?: IndicatorValue[] };
}

/** An answer event: type, data, and the trigger it answers. */
function answer(type: string, data: object, trigger: TriggerContext, source: string): CloudEvent<object> {
  return new CloudEvent<object>({
    specversion: '1.0',
    id: randomUUID(),
    source,
    type,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data,
    shkeptncontext: trigger.shkeptncontext,
    triggeredid: trigger.id,
    shkeptnspecversion: KEPTN_SPEC_VERSION,
    // Absent rather than empty, as Keptn's own events omit empty fields.
    ...(trigger.gitcommitid ? { gitcommitid: trigger.gitcommitid } : {}),
  });
}

/** The get-sli.started event: the triggered event's project, stage, service and labels (as go-utils sends it). */
export function startedEvent(
  triggered: GetSliTriggered,
  trigger: TriggerContext,
  source: string,
): CloudEvent<object> {
  const { project, stage, service, labels } = triggered;
  return answer(GET_SLI_STARTED, { project, stage, service, labels }, trigger, source);
}

/** The get-sli.finished event carrying `data`. */
export function finishedEvent(
  data: GetSliFinishedData,
  trigger: TriggerContext,
  source: string,
): CloudEvent<object> {
  return answer(GET_SLI_FINISHED, data, trigger, source);
}
