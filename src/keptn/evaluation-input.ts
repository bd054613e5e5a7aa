/**
 * The JSON inputs of a Keptn evaluation, read with positions: the get-sli.finished event (a CloudEvent in
 * structured JSON, Keptn's `KeptnContextExtendedCE`, or just its `data`) and previous evaluation.finished
 * events. Lenient where Keptn's senders differ (unknown fields such as `temporaryData` or dynatrace-service's
 * `query` are kept and ignored; null texts read as ""), strict on the fields the evaluation reads: a wrong
 * type there is an error naming file, line, column and field (lighthouse would drop the event silently).
 */
import * as z from 'zod';
import { ConfigError, type ConfigIssue, formatPath } from '../config/errors.js';
import { validateWith } from '../config/validate.js';
import { parseSource, type SourceDocument } from '../config/yaml-source.js';
import type { GetSliFinishedData, PreviousEvaluation } from '../domain/keptn-types.js';

/** CloudEvent type of the SLI input. */
export const GET_SLI_FINISHED = 'sh.keptn.event.get-sli.finished';
/** CloudEvent type of previous evaluations. */
export const EVALUATION_FINISHED = 'sh.keptn.event.evaluation.finished';

/** A text field: JSON null (Go's zero value) reads as "". */
const text = z
  .string()
  .nullable()
  .transform((v) => v ?? '');

const sliResult = z.looseObject({
  metric: z.string(),
  value: z.number(),
  comparedValue: z
    .number()
    .nullable()
    .transform((v) => v ?? 0)
    .optional(),
  success: z.boolean(),
  message: text.optional(),
});

const eventData = {
  project: text.optional(),
  stage: text.optional(),
  service: text.optional(),
  labels: z
    .record(z.string(), z.string())
    .nullable()
    .transform((v) => v ?? {})
    .optional(),
  status: text.optional(),
  result: text.optional(),
  message: text.optional(),
};

const getSliData = z.looseObject({
  ...eventData,
  'get-sli': z
    .looseObject({
      start: text.optional(),
      end: text.optional(),
      indicatorValues: z.array(sliResult).nullable().optional(),
    })
    .nullable()
    .optional(),
});

const sliTarget = z.looseObject({ criteria: z.string(), targetValue: z.number(), violated: z.boolean() });

const evaluationData = z.looseObject({
  ...eventData,
  evaluation: z
    .looseObject({
      result: text.optional(),
      score: z.number().optional(),
      indicatorResults: z
        .array(
          z.looseObject({
            score: z.number().optional(),
            value: sliResult.nullable().optional(),
            passTargets: z.array(sliTarget).nullable().optional(),
            warningTargets: z.array(sliTarget).nullable().optional(),
            status: text.optional(),
          }),
        )
        .nullable()
        .optional(),
    })
    .nullable()
    .optional(),
});

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses JSON (or YAML) text with positions; throws ConfigError on a syntax error. */
function parse(text: string, file: string): SourceDocument {
  const { doc, issues } = parseSource(text, file);
  if (issues.length) throw new ConfigError(issues);
  return doc;
}

/** Whether `value` is a CloudEvent envelope (structured mode) rather than bare `data`. */
const isEnvelope = (value: Record<string, unknown>) => 'specversion' in value || 'type' in value;

/**
 * The `data` of a get-sli.finished event from a file holding the event or only its data. Throws
 * `ConfigError` when the text is not JSON, the event has another type, or a field has the wrong type.
 */
export function parseGetSliFinished(text: string, file: string): GetSliFinishedData {
  const doc = parse(text, file);
  const root = doc.value;
  const issue = (path: PropertyKey[], message: string): never => {
    throw new ConfigError([{ file, ...doc.locate(path), path: formatPath(path), message }]);
  };
  if (!isObject(root)) return issue([], `expected a ${GET_SLI_FINISHED} event or its data (a JSON object)`);
  let data: unknown = root;
  let base: PropertyKey[] = [];
  if (isEnvelope(root)) {
    if (root.type !== GET_SLI_FINISHED)
      issue(['type'], `expected a ${GET_SLI_FINISHED} event, got type ${JSON.stringify(root.type)}`);
    if (!isObject(root.data)) issue(['data'], 'expected the event data (a JSON object)');
    data = root.data;
    base = ['data'];
  }
  const checked = validateWith(getSliData, data, doc, base);
  if (!checked.value) throw new ConfigError(checked.issues);
  return checked.value as GetSliFinishedData;
}

/**
 * Previous evaluation.finished events from a file, newest first: a JSON list of events (CloudEvents with
 * `id` and `data`) or of their `data` objects, or the Keptn datastore's answer `{"events": [...]}`. An
 * event's `id` becomes an entry of `comparedEvents`. Throws `ConfigError` for bad JSON, events of another
 * type, or fields the evaluation reads having the wrong type.
 */
export function parsePreviousEvaluations(text: string, file: string): PreviousEvaluation[] {
  const doc = parse(text, file);
  const root = doc.value;
  let list: unknown = root;
  let listPath: PropertyKey[] = [];
  if (isObject(root) && Array.isArray(root.events)) {
    list = root.events;
    listPath = ['events'];
  }
  if (!Array.isArray(list)) {
    throw new ConfigError([
      {
        file,
        ...doc.locate([]),
        path: '',
        message: 'expected a JSON list of evaluation.finished events or their data, newest first',
      },
    ]);
  }
  const issues: ConfigIssue[] = [];
  const previous: PreviousEvaluation[] = [];
  list.forEach((item, index) => {
    const at = [...listPath, index];
    const envelope = isObject(item) && (isEnvelope(item) || ('id' in item && isObject(item.data)));
    if (envelope && 'type' in item && item.type !== EVALUATION_FINISHED) {
      issues.push({
        file,
        ...doc.locate([...at, 'type']),
        path: formatPath([...at, 'type']),
        message: `expected an ${EVALUATION_FINISHED} event, got type ${JSON.stringify(item.type)}`,
      });
      return;
    }
    const data = envelope ? item.data : item;
    const checked = validateWith(evaluationData, data, doc, envelope ? [...at, 'data'] : at);
    issues.push(...checked.issues);
    if (!checked.value) return;
    const id = envelope && typeof item.id === 'string' && item.id ? item.id : undefined;
    const entry: PreviousEvaluation = { data: checked.value };
    previous.push(id ? { id, ...entry } : entry);
  });
  if (issues.length) throw new ConfigError(issues);
  return previous;
}
