/**
 * Prometheus `relabel_config` applied to event metadata, as slo-exporter's `relabel` module does (metadata
 * = labels). Semantics are those of the Prometheus version slo-exporter v6 links (~v2.31 `pkg/relabel`,
 * documented at https://prometheus.io/docs/prometheus/latest/configuration/configuration/#relabel_config and
 * in shared/reference/slo-exporter.md §3.2):
 *
 * - The values of `source_labels` (a missing label reads as "") are joined with `separator` (default `;`).
 * - `regex` (default `(.*)`, RE2/Go syntax) is anchored at both ends.
 * - `replace` (the default action): no match → no change; otherwise `target_label` and `replacement` (default
 *   `$1`) are expanded as Go's `Regexp.Expand`; a target that is not a valid label name after expansion, or
 *   an empty replacement result, deletes the label named by the unexpanded `target_label` (later Prometheus
 *   versions skip an invalid target and delete the expanded one; slo-exporter's version does this).
 * - `keep` / `drop`: the event is kept only when the value matches / dropped when it matches.
 * - `hashmod`: `target_label` = (last 8 bytes of md5(value), big-endian) mod `modulus`, in decimal.
 * - `labelmap`: every label whose name matches gets copied under the expanded `replacement` (the original
 *   stays), names taken in Prometheus' sorted order (a later name wins a shared target); `labeldrop` /
 *   `labelkeep`: labels whose name matches are removed / kept.
 * - Setting a label to "" removes it, and every step drops labels whose value is "" (Prometheus' label
 *   builder does both), so metadata with an empty value loses it once any step runs.
 *
 * Newer actions (`keepequal`, `dropequal`, `lowercase`, `uppercase`) are not in that version and are rejected.
 */
import { createHash } from 'node:crypto';
import type { ConfigIssue } from '../config/errors.js';
import { parseSource, type SourceDocument } from '../config/yaml-source.js';
import { constantTemplate, expandTemplate, GoSubmatchRegexp } from './go-submatch.js';
import { LiteralYamlReader, type YamlPath } from './literal-yaml-reader.js';

/** Event metadata as labels: name → value. */
export type Labels = Readonly<Record<string, string>>;

/** The relabel actions of Prometheus ~v2.31, lower case (the config accepts any case). */
export const RELABEL_ACTIONS = [
  'replace',
  'keep',
  'drop',
  'hashmod',
  'labelmap',
  'labeldrop',
  'labelkeep',
] as const;
export type RelabelAction = (typeof RELABEL_ACTIONS)[number];

/** One validated relabel step. Build with `relabelConfig` (defaults, validation) or `parseRelabelModule`. */
export interface RelabelConfig {
  action: RelabelAction;
  sourceLabels: readonly string[];
  separator: string;
  /** Anchored at both ends. */
  regex: GoSubmatchRegexp;
  targetLabel: string;
  replacement: string;
  /** For `hashmod`; a uint64 (the YAML field), hence a bigint. */
  modulus: bigint;
}

/** Fields of a relabel step as written in YAML, all optional (Prometheus' defaults fill the rest). */
export interface RelabelConfigFields {
  action?: string;
  source_labels?: readonly string[];
  separator?: string;
  regex?: string;
  target_label?: string;
  replacement?: string;
  modulus?: bigint | number;
}

/** An invalid relabel step; `field` names the YAML field at fault (undefined: the step as a whole). */
export class RelabelConfigError extends Error {
  override name = 'RelabelConfigError';
  constructor(
    message: string,
    readonly field?: keyof RelabelConfigFields,
  ) {
    super(message);
  }
}

/** A legacy Prometheus label name (`model.LabelNameRE`). */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Prometheus' `relabelTarget`: a label name that may contain `$1` / `${name}` references. */
const RELABEL_TARGET = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;
const DEFAULT_REGEX = '(.*)';
const DEFAULTS = { separator: ';', targetLabel: '', replacement: '$1', modulus: 0n } as const;

/**
 * Applies Prometheus' defaults and validation (`relabel.Config.UnmarshalYAML`) to one step.
 * Throws `RelabelConfigError` naming the field: unknown action, invalid regexp, a source label that is not
 * a label name, `replace`/`hashmod` without a valid `target_label`, `hashmod` without a non-zero `modulus`,
 * `labelmap` with a `replacement` that is no label name, `labeldrop`/`labelkeep` with any field but `regex`.
 */
export function relabelConfig(fields: RelabelConfigFields): RelabelConfig {
  const actionText = fields.action ?? 'replace';
  const action = RELABEL_ACTIONS.find((a) => a === actionText.toLowerCase());
  if (!action)
    throw new RelabelConfigError(
      `unknown relabel action "${actionText}" (expected one of: ${RELABEL_ACTIONS.join(', ')})`,
      'action',
    );
  for (const name of fields.source_labels ?? []) {
    if (!LABEL_NAME.test(name))
      throw new RelabelConfigError(`"${name}" is not a valid label name`, 'source_labels');
  }
  let regex: GoSubmatchRegexp;
  try {
    regex = new GoSubmatchRegexp(fields.regex ?? DEFAULT_REGEX, true);
  } catch (error) {
    throw new RelabelConfigError(`invalid regexp "${fields.regex}": ${(error as Error).message}`, 'regex');
  }
  const config: RelabelConfig = {
    action,
    sourceLabels: fields.source_labels ?? [],
    separator: fields.separator ?? DEFAULTS.separator,
    regex,
    targetLabel: fields.target_label ?? DEFAULTS.targetLabel,
    replacement: fields.replacement ?? DEFAULTS.replacement,
    modulus: BigInt(fields.modulus ?? DEFAULTS.modulus),
  };
  if (action === 'hashmod' && config.modulus === 0n)
    throw new RelabelConfigError('the hashmod action requires a non-zero modulus', 'modulus');
  if ((action === 'replace' || action === 'hashmod') && config.targetLabel === '')
    throw new RelabelConfigError(`the ${action} action requires a target_label`, 'target_label');
  if (action === 'replace' && !RELABEL_TARGET.test(config.targetLabel))
    throw new RelabelConfigError(
      `"${config.targetLabel}" is not a valid target_label for the replace action (a label name, which may contain $1 or \${name})`,
      'target_label',
    );
  if (action === 'hashmod' && !LABEL_NAME.test(config.targetLabel))
    throw new RelabelConfigError(
      `"${config.targetLabel}" is not a valid target_label for the hashmod action`,
      'target_label',
    );
  if (action === 'labelmap' && !RELABEL_TARGET.test(config.replacement))
    throw new RelabelConfigError(
      `"${config.replacement}" is not a valid replacement for the labelmap action (a label name, which may contain $1 or \${name})`,
      'replacement',
    );
  if (action === 'labeldrop' || action === 'labelkeep') {
    const extra = (['source_labels', 'separator', 'target_label', 'replacement', 'modulus'] as const).find(
      (field) => fields[field] !== undefined,
    );
    if (extra) throw new RelabelConfigError(`the ${action} action takes only "regex", not "${extra}"`, extra);
  }
  return config;
}

/**
 * Runs the steps in order over `labels`. Returns the new labels (a fresh prototype-free object; the input is
 * not changed), or undefined when a `keep`/`drop` step drops the event.
 */
export function relabel(labels: Labels, configs: readonly RelabelConfig[]): Labels | undefined {
  const copy: Record<string, string> = Object.assign(Object.create(null), labels);
  return compileRelabel(configs)(copy) ? copy : undefined;
}

/**
 * Relabels `labels` in place; returns false when a `keep`/`drop` step drops the event (the labels are then
 * left part-way). The object must inherit nothing (src/events/metadata-record.ts), so that a label named like
 * an Object member is read as data.
 */
export type CompiledRelabel = (labels: Record<string, string>) => boolean;

/**
 * The steps compiled once for many events (what `relabel` runs): each step's source value reader, regexp and
 * templates are prepared here, and the labels are changed in place instead of copied per step.
 */
export function compileRelabel(configs: readonly RelabelConfig[]): CompiledRelabel {
  if (!configs.length) return () => true;
  const steps = configs.map(compileStep);
  return (labels) => {
    // Steps never set "", so dropping empty values once is what each step's label builder does.
    for (const name in labels) if (labels[name] === '') delete labels[name];
    for (let i = 0; i < steps.length; i++) if (!steps[i]!(labels)) return false;
    return true;
  };
}

/**
 * Outcomes of a replace step kept per source value (values repeat: paths, methods, status codes), so a
 * repeated value costs one lookup and no new string; longer values are not kept.
 */
const OUTCOME_MEMO_SIZE = 4096;
const OUTCOME_MAX_LENGTH = 256;

/** One step, applied to `labels` in place; false when the event is dropped. */
function compileStep(config: RelabelConfig): CompiledRelabel {
  const { regex } = config;
  const value = sourceValue(config.sourceLabels, config.separator);
  switch (config.action) {
    case 'drop':
      return (labels) => !regex.test(value(labels));
    case 'keep':
      return (labels) => regex.test(value(labels));
    case 'replace': {
      const target = regex.compileTemplate(config.targetLabel);
      const replacement = regex.compileTemplate(config.replacement);
      const deleted = config.targetLabel;
      const constantName = constantTemplate(target);
      const constantValue = constantTemplate(replacement);
      const constantNameValid = constantName === undefined ? undefined : LABEL_NAME.test(constantName);
      if (constantName !== undefined && constantValue !== undefined) {
        // Name and value do not depend on the groups: whether the regexp matches is all there is to know.
        const valid = constantNameValid && constantValue !== '';
        return (labels) => {
          if (!regex.test(value(labels))) return true;
          if (valid) labels[constantName] = constantValue;
          else delete labels[deleted];
          return true;
        };
      }
      /** By source value: the label to set (name, value), null to delete `deleted`, false for no match. */
      let outcomes = new Map<string, readonly [string, string] | null | false>();
      return (labels) => {
        const source = value(labels);
        let outcome = outcomes.get(source);
        if (outcome === undefined) {
          const groups = regex.exec(source);
          if (!groups) outcome = false;
          else {
            const name = expandTemplate(target, groups);
            const result = expandTemplate(replacement, groups);
            outcome = result === '' || !(constantNameValid ?? LABEL_NAME.test(name)) ? null : [name, result];
          }
          if (source.length <= OUTCOME_MAX_LENGTH) {
            if (outcomes.size >= OUTCOME_MEMO_SIZE) outcomes = new Map();
            outcomes.set(source, outcome);
          }
        }
        if (outcome === null) delete labels[deleted];
        else if (outcome) labels[outcome[0]] = outcome[1];
        return true;
      };
    }
    case 'hashmod': {
      const { targetLabel, modulus } = config;
      return (labels) => {
        set(labels, targetLabel, String(hash64(value(labels)) % modulus));
        return true;
      };
    }
    case 'labelmap': {
      const replacement = regex.compileTemplate(config.replacement);
      return (labels) => {
        // Prometheus iterates the step's input labels, sorted by name (later names win a shared target);
        // labels added by this step are not mapped again.
        const entries = Object.entries(labels).sort(([a], [b]) => byCodePoint(a, b));
        for (const [name, labelValue] of entries) {
          const groups = regex.exec(name);
          if (groups) set(labels, expandTemplate(replacement, groups), labelValue);
        }
        return true;
      };
    }
    case 'labeldrop':
    case 'labelkeep': {
      const keepMatching = config.action === 'labelkeep';
      return (labels) => {
        for (const name of Object.keys(labels)) {
          if (regex.test(name) !== keepMatching) delete labels[name];
        }
        return true;
      };
    }
  }
}

/** Reads a step's source value: the `source_labels` values (missing: "") joined with `separator`. */
function sourceValue(names: readonly string[], separator: string): (labels: Labels) => string {
  if (names.length === 0) return () => '';
  if (names.length === 1) {
    const name = names[0]!;
    return (labels) => labels[name] ?? '';
  }
  return (labels) => {
    let value = labels[names[0]!] ?? '';
    for (let i = 1; i < names.length; i++) value += separator + (labels[names[i]!] ?? '');
    return value;
  };
}

/** Sets a label; "" removes it (Prometheus' `labels.Builder.Set`). */
function set(labels: Record<string, string>, name: string, value: string): void {
  if (value === '') delete labels[name];
  else labels[name] = value;
}

/** Go's string order (UTF-8 bytes, that is code points), which differs from `<` on UTF-16 code units. */
function byCodePoint(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** Prometheus' hashmod hash: the md5 digest's last 8 bytes as a big-endian uint64. */
function hash64(value: string): bigint {
  return createHash('md5').update(value).digest().readBigUInt64BE(8);
}

const STEP_FIELDS = [
  'action',
  'source_labels',
  'separator',
  'regex',
  'target_label',
  'replacement',
  'modulus',
];
/** The relabel module's one key; viper reads module keys case-insensitively. */
const MODULE_KEY = 'eventRelabelConfigs';
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * Reads slo-exporter's `relabel` module config found at `path` in `doc` (a map whose `eventRelabelConfigs`
 * key, in any case, holds the list of steps; other module keys are ignored, as slo-exporter ignores them).
 * Step fields are strict and case-sensitive (unknown fields are errors); string fields take any scalar's
 * literal text, as yaml.v2 decoding into a string does. Never throws: returns the steps (empty when there is
 * any issue) and every issue, positioned.
 */
export function parseRelabelModule(
  doc: SourceDocument,
  path: YamlPath = [],
): { configs: RelabelConfig[]; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const reader = new LiteralYamlReader(doc, issues);
  const module = reader.valueAt(path);
  if (module === undefined || module === null) return { configs: [], issues };
  if (!reader.expectMap(path, module)) return { configs: [], issues };
  const key = Object.keys(module).find((k) => k.toLowerCase() === MODULE_KEY.toLowerCase());
  const list = key === undefined ? undefined : module[key];
  if (list === undefined || list === null) return { configs: [], issues };
  const listPath = [...path, key!];
  if (!Array.isArray(list)) {
    reader.issue(listPath, `expected a list of relabel configs, got ${reader.describeType(list)}`);
    return { configs: [], issues };
  }
  const configs: RelabelConfig[] = [];
  list.forEach((item, i) => {
    const at = [...listPath, i];
    if (!reader.expectMap(at, item, STEP_FIELDS)) return;
    const before = issues.length;
    const fields: RelabelConfigFields = {};
    for (const field of ['action', 'separator', 'regex', 'target_label', 'replacement'] as const) {
      const text = reader.scalar([...at, field], item[field]);
      if (text !== undefined) fields[field] = text;
    }
    const sourceLabels = item.source_labels;
    if (sourceLabels !== undefined && sourceLabels !== null) {
      if (!Array.isArray(sourceLabels))
        reader.issue(
          [...at, 'source_labels'],
          `expected a list of label names, got ${reader.describeType(sourceLabels)}`,
        );
      else
        fields.source_labels = sourceLabels.map(
          (name, j) => reader.scalar([...at, 'source_labels', j], name) ?? '',
        );
    }
    const modulus = reader.scalar([...at, 'modulus'], item.modulus);
    if (modulus !== undefined && modulus !== '') {
      if (/^\d+$/.test(modulus) && BigInt(modulus) <= UINT64_MAX) fields.modulus = BigInt(modulus);
      else reader.issue([...at, 'modulus'], `expected an unsigned 64-bit integer, got "${modulus}"`);
    }
    if (issues.length > before) return;
    try {
      configs.push(relabelConfig(fields));
    } catch (error) {
      if (!(error instanceof RelabelConfigError)) throw error;
      if (error.field && item[error.field] !== undefined) reader.issue([...at, error.field], error.message);
      else reader.issue(at, error.message);
    }
  });
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  return { configs: issues.length ? [] : configs, issues };
}

/** Parses a YAML text whose root is the relabel module config (see `parseRelabelModule`). */
export function parseRelabelModuleText(
  text: string,
  file: string,
): { configs: RelabelConfig[]; issues: ConfigIssue[] } {
  const { doc, issues } = parseSource(text, file);
  if (doc.value === undefined) return { configs: [], issues };
  const parsed = parseRelabelModule(doc);
  const all = [...issues, ...parsed.issues].sort((a, b) => a.line - b.line || a.column - b.column);
  return { configs: all.length ? [] : parsed.configs, issues: all };
}
