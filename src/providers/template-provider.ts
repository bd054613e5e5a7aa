/**
 * The newer generation of Iter8 provider files (Iter8 v0.11-v0.14 `custommetrics`, reference/iter8.md §1.1,
 * §2.1): the whole file is one Go `text/template` (with sprig), parsed once and executed once per version
 * with that version's values plus `elapsedTimeSeconds` (an int64: whole seconds since `startingTime`, or 0);
 * the output is YAML with `url`, `method` (default GET), `headers`, `metrics[]` (`name`, `type`,
 * `description`, `units`, `params[]`, `body`, `jqExpression`). Unknown keys are ignored, as Go's JSON
 * decoding did (`provider` is one of them); a field of the wrong type is an error of the whole provider.
 * A metric whose `type` is not `counter` or `gauge` is unavailable (Iter8 dropped its value).
 *
 * Errors of the whole provider: template syntax and execution errors carry the template's own line and
 * column; YAML and field errors of the rendered text carry the rendered position, quote the rendered line
 * and, when its text stands as it is on one template line, that line too.
 */
import * as z from 'zod';
import { ConfigError, type ConfigIssue } from '../config/errors.js';
import { isSecretKey, redact, secretsOf } from '../config/secrets.js';
import { validateWith } from '../config/validate.js';
import { parseSource } from '../config/yaml-source.js';
import {
  GoInt64,
  type GoTemplate,
  GoTemplateError,
  type GoValue,
  parseTemplate,
} from '../lang/go-template.js';
import { buildRequest } from './request.js';
import type { Provider, RenderedMetric } from './types.js';
import { elapsedSeconds, StartingTimeError, type Values } from './values.js';

const param = z.looseObject({ name: z.string(), value: z.string() });
const metricSchema = z.looseObject({
  name: z.string().min(1),
  type: z.string().optional(),
  description: z.string().optional(),
  units: z.string().optional(),
  params: z.array(param).nullable().optional(),
  body: z.string().nullable().optional(),
  jqExpression: z.string(),
});
const specSchema = z.looseObject({
  url: z.string(),
  method: z.string().nullable().optional(),
  headers: z.record(z.string(), z.string()).nullable().optional(),
  metrics: z.array(metricSchema).nullable().optional(),
});

/** A GoTemplateError as a positioned issue of the provider file. */
function templateIssue(location: string, error: GoTemplateError, secrets: readonly string[]): ConfigIssue {
  return {
    file: location,
    line: error.line,
    column: error.sourceColumn,
    path: '',
    message: redact(
      `template ${error.kind === 'parse' ? 'syntax' : 'execution'} error: ${error.detail}`,
      secrets,
    ),
  };
}

/**
 * Compiles a newer-generation provider file (`text` read from `location`). Throws ConfigError with the
 * template's own line and column when it does not parse.
 */
export function compileTemplateProvider(text: string, location: string): Provider {
  let template: GoTemplate;
  try {
    template = parseTemplate(text, location);
  } catch (error) {
    if (error instanceof GoTemplateError) throw new ConfigError([templateIssue(location, error, [])]);
    throw error;
  }
  const templateLines = text.split('\n').map((line) => line.trim());
  return {
    location,
    generation: 'template',
    render: (values, nowMs, version) => render(template, templateLines, location, values, nowMs, version),
  };
}

function render(
  template: GoTemplate,
  templateLines: readonly string[],
  location: string,
  values: Values,
  nowMs: number,
  version: number,
): RenderedMetric[] {
  const secrets = secretsOf(values);
  const data = structuredClone(values);
  try {
    data.elapsedTimeSeconds = new GoInt64(BigInt(elapsedSeconds(values, nowMs)));
  } catch (error) {
    if (!(error instanceof StartingTimeError)) throw error;
    throw new ConfigError([
      {
        file: location,
        line: 0,
        column: 0,
        path: 'startingTime',
        message: `version ${version}: ${error.message}`,
      },
    ]);
  }
  let text: string;
  try {
    text = template.execute(data as GoValue);
  } catch (error) {
    if (!(error instanceof GoTemplateError)) throw error;
    const issue = templateIssue(location, error, secrets);
    throw new ConfigError([{ ...issue, message: `version ${version}: ${issue.message}` }]);
  }
  const rendered = `${location} (as rendered for version ${version})`;
  const { doc, issues } = parseSource(text, rendered);
  const checked = issues.length ? { issues } : validateWith(specSchema, doc.value ?? {}, doc);
  if (checked.issues.length || !('value' in checked) || checked.value === undefined) {
    const renderedLines = text.split('\n');
    throw new ConfigError(checked.issues.map((i) => renderedIssue(i, renderedLines, templateLines, secrets)));
  }
  const spec = checked.value;
  const headers = Object.entries(spec.headers ?? {});
  return (spec.metrics ?? []).map((m): RenderedMetric => {
    const base = { name: m.name, jqExpression: m.jqExpression };
    if (m.type !== 'counter' && m.type !== 'gauge') {
      const got = m.type === undefined ? 'missing' : JSON.stringify(m.type);
      return { ...base, problem: `type must be counter or gauge, got ${got}` };
    }
    const built = buildRequest({
      url: spec.url,
      method: spec.method ?? 'GET',
      params: m.params ?? [],
      headers,
      body: m.body ?? undefined,
      secrets,
    });
    // A missing value prints `<no value>` (Go's default): say so when it broke the URL.
    if ('problem' in built && spec.url.includes('<no value>'))
      return {
        ...base,
        problem: `${built.problem} (it contains <no value>: a value the template uses is not set)`,
      };
    return { ...base, ...built };
  });
}

/**
 * An issue of the rendered text, with the rendered line quoted (unless its key names a secret, as in
 * `Authorization: Bearer …`) and, when that line's text stands as it is on exactly one template line, that
 * line's number: the template position of text no action produced.
 */
function renderedIssue(
  issue: ConfigIssue,
  renderedLines: readonly string[],
  templateLines: readonly string[],
  secrets: readonly string[],
): ConfigIssue {
  const line = renderedLines[issue.line - 1]?.trim() ?? '';
  const key = /^-?\s*([^:\s]+)\s*:/.exec(line)?.[1];
  if (line === '' || (key && isSecretKey(key))) return { ...issue, message: redact(issue.message, secrets) };
  const same = templateLines.flatMap((t, n) => (t === line ? [n + 1] : []));
  const origin = same.length === 1 ? `, template line ${same[0]}` : '';
  const quoted = ` (rendered line: ${JSON.stringify(line.slice(0, 120))}${origin})`;
  return { ...issue, message: redact(`${issue.message}${quoted}`, secrets) };
}
