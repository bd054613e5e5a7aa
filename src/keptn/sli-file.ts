/**
 * Keptn SLI files (`<provider>/sli.yaml`, reference/keptn.md §2.6, §3.1): `spec_version` and `indicators`, a
 * map of SLI name → query. Files of several levels merge project → stage → service, a later level
 * overriding an earlier one key by key; a found file that leaves the merged map empty is an error
 * (`missing required field: indicators`, as prometheus-service checks it). Pure: texts in, map out.
 *
 * A query of the form `provider:<key>/<metric>` (the whole value, no spaces) names a metric of the HTTP
 * metric provider `<key>` (an Iter8-style provider file configured in the `keptn` section) instead of
 * PromQL. A PromQL division by a metric named `provider:...` must then have spaces around `/`.
 */
import * as z from 'zod';
import { ConfigError, type ConfigIssue } from '../config/errors.js';
import { validateWith } from '../config/validate.js';
import { parseSource } from '../config/yaml-source.js';

/** SLI name → query, as merged. */
export type SliQueries = Record<string, string>;

// Keptn reads the file with Go's yaml into a struct: other top-level keys are ignored, so they are here too.
const sliFileSchema = z.looseObject({
  spec_version: z.union([z.string(), z.number()]).optional(),
  indicators: z
    .record(z.string(), z.string({ error: 'expected a query (string)' }))
    .nullable()
    .optional()
    .describe('SLI name → query (PromQL with placeholders, or provider:<key>/<metric>).'),
});

/**
 * The indicators of one sli.yaml text; `file` names it in errors. Throws ConfigError with the positions of
 * every problem (YAML syntax, a query that is not a string).
 */
export function parseSliFile(text: string, file: string): SliQueries {
  const { doc, issues } = parseSource(text, file);
  if (issues.length) throw new ConfigError(issues);
  const value = doc.value ?? {};
  const { value: parsed, issues: problems } = validateWith(sliFileSchema, value, doc);
  if (!parsed) throw new ConfigError(problems);
  // The validated document's own entries: zod's record output drops a `__proto__` key.
  const indicators = (value as { indicators?: Record<string, string> | null }).indicators ?? {};
  return Object.fromEntries(Object.entries(indicators));
}

/** One level's sli.yaml, when it exists. */
export interface SliFileText {
  /** How errors name the file (a path, or `project/stage/service: prometheus/sli.yaml`). */
  file: string;
  text: string;
}

/**
 * The merged indicators of the files found, in order (project, stage, service). Throws ConfigError for a
 * file that cannot be read as an SLI file, or that leaves the merged map empty.
 */
export function mergeSliFiles(files: readonly SliFileText[]): SliQueries {
  let merged: SliQueries = {};
  for (const { file, text } of files) {
    // fromEntries defines every key as an own property, `__proto__` included.
    merged = Object.fromEntries([...Object.entries(merged), ...Object.entries(parseSliFile(text, file))]);
    if (Object.keys(merged).length === 0) {
      const issue: ConfigIssue = {
        file,
        line: 0,
        column: 0,
        path: 'indicators',
        message: 'missing required field: indicators',
      };
      throw new ConfigError([issue]);
    }
  }
  return merged;
}

/** A provider metric named by an indicator query: `provider:<key>/<metric>`. */
export interface ProviderMetricRef {
  provider: string;
  metric: string;
}

const PROVIDER_REF = /^provider:([A-Za-z0-9_.-]+)\/(\S+)$/;

/** The provider metric an indicator query names (see the module comment), or undefined for PromQL. */
export function providerMetricRef(query: string): ProviderMetricRef | undefined {
  const m = PROVIDER_REF.exec(query.trim());
  return m ? { provider: m[1]!, metric: m[2]! } : undefined;
}
