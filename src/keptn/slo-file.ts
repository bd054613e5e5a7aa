/**
 * Keptn `slo.yaml` (Keptn spec `service_level_objective.md`, go-utils `ServiceLevelObjectives`; reference
 * keptn.md §4.2): parsed with positions, checked, and defaulted exactly as lighthouse does
 * (`defaultKeptnSlo`).
 *
 * Where slokit is stricter than lighthouse, on purpose (each is a silent surprise in lighthouse):
 * - unknown fields are errors with a "did you mean" (lighthouse ignores `keysli: true`);
 * - every criteria string must parse (lighthouse fails the whole evaluation on a bad pass criterion, but
 *   silently drops a bad warning criterion) and a criteria set must not be empty (lighthouse would count
 *   its weight but never its score);
 * - `total_score.pass` is required and both percentages must parse (lighthouse errors at evaluation time);
 * - `include_result_with_score`, `compare_with` and `aggregate_function` must be known values (lighthouse
 *   quietly uses all / 3 results / 0 for unknown ones); weights and counts must be non-negative integers.
 * As in lighthouse (go-yaml v3): scalars are accepted where text is expected (`pass: 90` is "90"), null
 * texts are "", null objectives are dropped, and `key_sli` also takes YAML 1.1 booleans (`yes`, `off`).
 */
import * as z from 'zod';
import { ConfigError, type ConfigIssue, formatPath } from '../config/errors.js';
import { validateWith } from '../config/validate.js';
import { parseSource, type SourceDocument } from '../config/yaml-source.js';
import { parseGoFloat } from '../domain/go-float.js';
import { defaultKeptnSlo, parseCriteriaString } from '../domain/keptn-evaluation.js';
import type { KeptnSlo } from '../domain/keptn-types.js';

/** Text field: go-yaml v3 stores any scalar's text in a string field, and null as "". */
const text = z
  .union([z.string(), z.number(), z.boolean(), z.null()])
  .transform((v) => (v === null ? '' : String(v)));

const YAML11_TRUE = ['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON'];
const YAML11_FALSE = ['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'];

const keySli = z.union([
  z.boolean(),
  z.null().transform(() => false),
  z
    .enum([...YAML11_TRUE, ...YAML11_FALSE] as [string, ...string[]], {
      error: 'expected a boolean (true or false)',
    })
    .transform((v) => YAML11_TRUE.includes(v)),
]);

const count = (what: string) =>
  z
    .int({ error: `expected a non-negative integer (${what})` })
    .min(0, `expected a non-negative integer (${what})`);

const criteriaSet = z.strictObject({
  criteria: z
    .array(text)
    .min(1, 'a criteria set needs at least one criterion (an empty set is counted but never scored)'),
});

const criteriaSets = z
  .array(criteriaSet)
  .nullable()
  .transform((v) => v ?? []);

const objective = z.strictObject({
  sli: z
    .union([z.string(), z.number(), z.boolean()], { error: 'expected the SLI name' })
    .transform(String)
    .pipe(z.string().min(1, 'expected the SLI name')),
  displayName: text.optional(),
  pass: criteriaSets.optional(),
  warning: criteriaSets.optional(),
  weight: count('the weight; 0 means 1').nullable().optional(),
  key_sli: keySli.optional(),
});

const comparison = z.strictObject({
  compare_with: z
    .enum(['single_result', 'several_results'], {
      error: 'expected single_result or several_results',
    })
    .optional(),
  include_result_with_score: z
    .string()
    .transform((v) => v.toLowerCase())
    .pipe(z.enum(['all', 'pass', 'pass_or_warn'], { error: 'expected all, pass or pass_or_warn' }))
    .optional(),
  number_of_comparison_results: count('previous results; 0 means 3').optional(),
  aggregate_function: z
    .enum(['avg', 'p50', 'p90', 'p95'], { error: 'expected avg, p50, p90 or p95' })
    .optional(),
});

const sloFileSchema = z.strictObject({
  spec_version: text.optional(),
  filter: z.record(z.string(), text).nullable().optional(),
  comparison: comparison.nullable().optional(),
  objectives: z.array(objective.nullable()).nullable().optional(),
  total_score: z.strictObject({ pass: text.optional(), warning: text.optional() }),
});

const CRITERIA_HINT =
  'expected an operator (<, <=, =, >=, >) then a number; +N/-N and N% are relative to the comparison value';

/** Issues lighthouse would only find while evaluating: criteria strings and total_score percentages. */
function semanticIssues(slo: z.output<typeof sloFileSchema>, doc: SourceDocument): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = (path: PropertyKey[], message: string) =>
    issues.push({ file: doc.file, ...doc.locate(path), path: formatPath(path), message });
  (slo.objectives ?? []).forEach((o, i) => {
    if (!o) return;
    for (const kind of ['pass', 'warning'] as const) {
      (o[kind] ?? []).forEach((set, j) => {
        set.criteria.forEach((c, k) => {
          const parsed = parseCriteriaString(c);
          if (!parsed.ok)
            at(['objectives', i, kind, j, 'criteria', k], `${parsed.error} "${c}": ${CRITERIA_HINT}`);
        });
      });
    }
  });
  const percent = (key: 'pass' | 'warning', value: string | undefined) => {
    if (!value) {
      if (key === 'pass') at(['total_score', key], 'expected the pass percentage, e.g. "90%"');
      return;
    }
    const number = parseGoFloat(value.endsWith('%') ? value.slice(0, -1) : value);
    if (number === undefined)
      at(['total_score', key], `expected a percentage such as "90%" or "90", got "${value}"`);
  };
  percent('pass', slo.total_score.pass);
  percent('warning', slo.total_score.warning);
  return issues;
}

/** A loaded SLO file: the defaulted SLO and the raw text (lighthouse reports the file as written). */
export interface LoadedKeptnSlo {
  slo: KeptnSlo;
  /** The file's text, for `sloFileContent` (base64 of it). */
  text: string;
}

/**
 * Parses the text of a Keptn slo.yaml named `file` (for messages). Returns the SLO with lighthouse's
 * defaults; throws `ConfigError` with every problem (file, line, column, field, what was expected).
 */
export function parseKeptnSlo(text: string, file: string): LoadedKeptnSlo {
  const { doc, issues } = parseSource(text, file);
  if (issues.length) throw new ConfigError(issues);
  const checked = validateWith(sloFileSchema, doc.value, doc);
  if (!checked.value) throw new ConfigError(checked.issues);
  const semantic = semanticIssues(checked.value, doc);
  if (semantic.length) throw new ConfigError(semantic);
  const { filter, ...rest } = checked.value;
  return { slo: defaultKeptnSlo(filter ? { ...rest, filter } : rest), text };
}
