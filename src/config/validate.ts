/**
 * Runs a zod schema over a parsed document and turns every zod issue into a positioned `ConfigIssue`:
 * where the field is, what the path is, what was expected, and a "did you mean" for unknown keys.
 */
import type * as z from 'zod';
import { didYouMean } from './did-you-mean.js';
import { type ConfigIssue, formatPath } from './errors.js';
import { isSecretKey } from './secrets.js';
import type { SourceDocument } from './yaml-source.js';

type AnySchema = z.ZodType;
interface Def {
  type: string;
  shape?: Record<string, AnySchema>;
  innerType?: AnySchema;
  element?: AnySchema;
  valueType?: AnySchema;
  in?: AnySchema;
  options?: AnySchema[];
}
const defOf = (schema: AnySchema): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Strips wrappers (optional, default, nullable, pipes) to reach the schema that describes the value. */
function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

/** The keys an object schema at `path` accepts, used for "did you mean" hints. */
function knownKeysAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  let current: AnySchema | undefined = unwrap(schema);
  for (const part of path) {
    if (!current) return [];
    const def = defOf(current);
    if (def.type === 'object' && def.shape) current = def.shape[String(part)];
    else if (def.type === 'array' && def.element) current = def.element;
    else if (def.type === 'record' && def.valueType) current = def.valueType;
    else return [];
    if (current) current = unwrap(current);
  }
  const def = current ? defOf(current) : undefined;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function describe(issue: z.core.$ZodIssue, value: unknown): string {
  // Quote the offending text, unless the field holds a secret.
  const secret = issue.path.some(
    (part) => typeof part === 'string' && (isSecretKey(part) || part === 'headers'),
  );
  const quoted = typeof value === 'string' && !secret ? ` "${value}"` : '';
  if (issue.code === 'invalid_type') {
    if (value === undefined) return `required field is missing (expected ${issue.expected})`;
    const got = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
    return `expected ${issue.expected}, got ${got}${quoted}`;
  }
  // Only our own number patterns are quoted: a malformed URL may carry credentials.
  if (issue.code === 'invalid_format' && issue.format === 'regex' && quoted)
    return `${issue.message}, got${quoted}`;
  return issue.message.replace(/^Invalid input: /, '');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

/**
 * Validates `value` (found at `basePath` inside `doc`) against `schema`. Returns the parsed value, or the
 * positioned issues when it does not conform.
 */
export function validateWith<S extends AnySchema>(
  schema: S,
  value: unknown,
  doc: SourceDocument,
  basePath: readonly PropertyKey[] = [],
): { value?: z.output<S>; issues: ConfigIssue[] } {
  const result = schema.safeParse(value);
  if (result.success) return { value: result.data, issues: [] };
  const issues: ConfigIssue[] = [];
  for (const issue of result.error.issues) {
    const path = [...basePath, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, issue.path);
      const expected = known.length ? ` (expected one of: ${known.join(', ')})` : '';
      for (const key of issue.keys) {
        const hint = didYouMean(key, known);
        issues.push({
          file: doc.file,
          ...doc.locate(path, key),
          path: formatPath([...path, key]),
          message: hint
            ? `unknown field "${key}"; did you mean "${hint}"?`
            : `unknown field "${key}"${expected}`,
        });
      }
      continue;
    }
    issues.push({
      file: doc.file,
      ...doc.locate(path),
      path: formatPath(path),
      message: describe(issue, valueAt(value, issue.path)),
    });
  }
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  return { issues };
}
