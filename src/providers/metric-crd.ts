/**
 * The older generation of Iter8 metric definitions (Iter8 v0.5-v0.7 `Metric` objects, reference/iter8.md
 * §1.2, §2.2, §3.1): YAML documents (`---` separated) of `kind: Metric` whose `metadata.name` names the
 * metric and whose `spec` holds `urlTemplate`, `params`, `body`, `method` (GET or POST), `headerTemplates`,
 * `authType` (Basic, Bearer, APIKey), `secret` and `jqExpression`.
 *
 * Filled as Iter8 filled them: `params` and `body` take `$name`/`${name}` from the version's values and
 * `$elapsedTime` (whole seconds since `startingTime` or now, at least 1); `urlTemplate` takes placeholders
 * from the secret's fields only; `headerTemplates` are literal unless `authType` is Bearer or APIKey, when
 * they take the secret's fields; Basic sends `Authorization: Basic` from the secret's `username` and
 * `password` (both required).
 *
 * Secrets: Iter8 read a Kubernetes Secret; slokit reads `secret: env:PREFIX_` (every environment variable
 * starting with PREFIX_, the field being the rest of its name: PREFIX_username → username) or
 * `secret: file:path.yaml` (a YAML map of fields, relative to the provider file). Secret values never come
 * from the provider file itself, and a provider file fetched from a URL may not name a secret: a remote
 * file could otherwise send local credentials wherever its urlTemplate points. The body is sent as written
 * (Iter8 re-serialised it as JSON).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as z from 'zod';
import { ConfigError, type ConfigIssue } from '../config/errors.js';
import { validateWith } from '../config/validate.js';
import { parseSource } from '../config/yaml-source.js';
import { placeholderArgs, safeSubstitute } from './placeholders.js';
import { buildRequest } from './request.js';
import type { ProviderSource } from './source.js';
import type { Provider, RenderedMetric } from './types.js';
import { elapsedSeconds, StartingTimeError } from './values.js';

const nameValue = z.strictObject({ name: z.string(), value: z.string() });
const secretRef = z
  .string()
  .regex(
    /^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$/,
    'expected env:PREFIX_ (environment variables) or file:path.yaml (a YAML map of fields); Kubernetes secrets are not read',
  );
const specSchema = z.strictObject({
  description: z.string().optional(),
  units: z.string().optional(),
  provider: z.string().optional(),
  type: z.enum(['Counter', 'Gauge']).optional(),
  sampleSize: z.string().optional(),
  params: z.array(nameValue).optional(),
  body: z.string().optional(),
  method: z.enum(['GET', 'POST']).optional(),
  authType: z.enum(['Basic', 'Bearer', 'APIKey']).optional(),
  secret: secretRef.optional(),
  headerTemplates: z.array(nameValue).optional(),
  urlTemplate: z.string().min(1),
  jqExpression: z.string(),
  mock: z.unknown().optional(),
});
const metricSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.literal('Metric'),
  metadata: z.looseObject({ name: z.string().min(1) }),
  spec: specSchema,
});
type MetricSpec = z.output<typeof specSchema>;

/** One `Metric` with its secret's fields (undefined without a `secret`). */
interface LoadedMetric {
  name: string;
  spec: MetricSpec;
  secret: Record<string, string> | undefined;
}

/** The YAML documents of a multi-document text, each with its first line (1-based). */
function documents(text: string): { text: string; firstLine: number }[] {
  const lines = text.split('\n');
  const docs: { text: string; firstLine: number }[] = [];
  let start = 0;
  for (let i = 0; i <= lines.length; i++) {
    if (i === lines.length || /^---\s*(#.*)?$/.test(lines[i]!)) {
      const part = lines.slice(start, i);
      // Documents of only blank and comment lines are no documents (a leading or trailing `---`).
      if (part.some((line) => !/^\s*(#.*)?$/.test(line)))
        docs.push({ text: part.join('\n'), firstLine: start + 1 });
      start = i + 1;
    }
  }
  return docs;
}

/** A parsed Metric document; `secretAt` is where its `secret` field is, for errors about the secret. */
interface ParsedMetric {
  name: string;
  spec: MetricSpec;
  secretAt: ConfigIssue;
}

/**
 * Parses and checks the Metric documents of an older-generation file without reading any secret: the
 * metrics, and every problem with its position in the file. Synchronous, for `slokit validate`.
 */
export function parseMetricCrd(
  text: string,
  location: string,
): { metrics: ParsedMetric[]; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const metrics: ParsedMetric[] = [];
  for (const part of documents(text)) {
    const shift = (i: ConfigIssue) => ({ ...i, line: i.line + part.firstLine - 1 });
    const { doc, issues: yamlIssues } = parseSource(part.text, location);
    if (yamlIssues.length) {
      issues.push(...yamlIssues.map(shift));
      continue;
    }
    const { value, issues: fieldIssues } = validateWith(metricSchema, doc.value, doc);
    if (!value) {
      issues.push(...fieldIssues.map(shift));
      continue;
    }
    const secretAt = shift({
      file: location,
      ...doc.locate(['spec', 'secret']),
      path: 'spec.secret',
      message: '',
    });
    metrics.push({ name: value.metadata.name, spec: value.spec, secretAt });
  }
  if (metrics.length === 0 && issues.length === 0)
    issues.push({ file: location, line: 0, column: 0, path: '', message: 'no Metric document in the file' });
  return { metrics, issues };
}

/**
 * Compiles an older-generation file: every Metric document, with its secret read now (environment variables
 * from `env`). Throws ConfigError with every problem at once (positions in the file).
 */
export async function compileMetricCrdProvider(
  source: ProviderSource,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Provider> {
  const { metrics: parsed, issues } = parseMetricCrd(source.text, source.location);
  const metrics: LoadedMetric[] = [];
  for (const m of parsed) {
    try {
      const secret = m.spec.secret ? await readSecret(m.spec.secret, source, env) : undefined;
      const problem = basicAuthProblem(m.spec, secret);
      if (problem) throw new Error(problem);
      metrics.push({ name: m.name, spec: m.spec, secret });
    } catch (error) {
      issues.push({ ...m.secretAt, message: (error as Error).message });
    }
  }
  if (issues.length) throw new ConfigError(issues);
  return {
    location: source.location,
    generation: 'metric-crd',
    render: (values, nowMs, version) => {
      let elapsed: number;
      try {
        elapsed = Math.max(1, elapsedSeconds(values, nowMs));
      } catch (error) {
        if (!(error instanceof StartingTimeError)) throw error;
        throw new ConfigError([
          {
            file: source.location,
            line: 0,
            column: 0,
            path: 'startingTime',
            message: `version ${version}: ${error.message}`,
          },
        ]);
      }
      const args = { ...placeholderArgs(values), elapsedTime: String(elapsed) };
      return metrics.map((m) => renderMetric(m, args));
    },
  };
}

function basicAuthProblem(spec: MetricSpec, secret: Record<string, string> | undefined): string | undefined {
  if (spec.authType !== 'Basic') return undefined;
  if (!secret) return 'authType Basic needs a secret with the fields username and password';
  const missing = ['username', 'password'].filter((f) => !Object.hasOwn(secret, f));
  return missing.length
    ? `authType Basic needs the secret fields username and password; missing: ${missing.join(', ')}`
    : undefined;
}

/** The fields of a `secret:` reference (see the module comment). Throws an Error saying what is wrong. */
async function readSecret(
  ref: string,
  source: ProviderSource,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Record<string, string>> {
  if (source.dir === undefined)
    throw new Error('a provider file fetched from a URL may not name a secret (use a local file)');
  if (ref.startsWith('env:')) {
    const prefix = ref.slice(4);
    const fields: Record<string, string> = {};
    for (const [name, value] of Object.entries(env))
      if (name.startsWith(prefix) && name.length > prefix.length && value !== undefined)
        fields[name.slice(prefix.length)] = value;
    if (Object.keys(fields).length === 0)
      throw new Error(`no environment variable starts with ${prefix} (secret ${ref})`);
    return fields;
  }
  const file = ref.slice(5);
  let text: string;
  try {
    text = await readFile(resolve(source.dir, file), 'utf8');
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new Error(`cannot read secret file ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
  const { doc, issues } = parseSource(text, file);
  const value = doc.value;
  // Never quote the file's text: it holds the secrets.
  if (issues.length || value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`secret file ${file} must be a YAML map of fields (name: value)`);
  const fields: Record<string, string> = {};
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      throw new Error(`secret file ${file}: field ${name} must be text`);
    fields[name] = String(v);
  }
  return fields;
}

function renderMetric(m: LoadedMetric, args: Record<string, string>): RenderedMetric {
  const { spec, secret } = m;
  const base = { name: m.name, jqExpression: spec.jqExpression };
  const secretValues = secret ? Object.values(secret) : [];
  const secretHeaders = new Set<string>();
  const headers: [string, string][] = (spec.headerTemplates ?? []).map(({ name, value }) => {
    if (!secret || (spec.authType !== 'Bearer' && spec.authType !== 'APIKey')) return [name, value];
    const used = new Set<string>();
    const filled = safeSubstitute(value, secret, used);
    if (used.size) secretHeaders.add(name);
    return [name, filled];
  });
  const extra: string[] = [];
  if (spec.authType === 'Basic' && secret) {
    const token = Buffer.from(`${secret.username}:${secret.password}`).toString('base64');
    headers.push(['Authorization', `Basic ${token}`]);
    extra.push(token);
  }
  const built = buildRequest({
    url: secret ? safeSubstitute(spec.urlTemplate, secret) : spec.urlTemplate,
    method: spec.method ?? 'GET',
    params: (spec.params ?? []).map((p) => ({ name: p.name, value: safeSubstitute(p.value, args) })),
    headers,
    body: spec.body === undefined ? undefined : safeSubstitute(spec.body, args),
    secrets: [...secretValues, ...extra],
    secretHeaders,
  });
  return { ...base, ...built };
}
