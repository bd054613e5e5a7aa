/**
 * slo-exporter's `sloEventProducer` module config (shared/seeds/002, shared/reference/slo-exporter.md §2.1):
 *
 * ```yaml
 * sloEventProducer:
 *   exposeRulesAsMetrics: false   # default false
 *   rulesFiles: [slo_rules.yaml]  # relative to the working directory; rules of all files, in order
 * ```
 */
import { resolve } from 'node:path';
import type { ConfigIssue } from '../../config/errors.js';
import { formatPath } from '../../config/errors.js';
import type { SourceDocument } from '../../config/yaml-source.js';
import type { YamlPath } from '../literal-yaml-reader.js';
import { ModuleConfigReader } from '../module-config.js';
import type { PipelineSpec } from '../pipeline-spec.js';
import { loadRuleFiles } from './rule-files.js';

const KEYS = ['exposeRulesAsMetrics', 'rulesFiles'] as const;

/**
 * Reads the module config at `path` in `doc` and its rule files (`cwd` resolves relative paths). Never
 * throws on bad input: `producer` is undefined when there is any issue. No rule file is a warning (every
 * event would count as matching no rule).
 */
export async function readProducerModule(
  doc: SourceDocument,
  path: YamlPath,
  cwd: string,
): Promise<{ producer?: PipelineSpec['producer']; issues: ConfigIssue[]; warnings: ConfigIssue[] }> {
  const issues: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const module = ModuleConfigReader.open(doc, path, KEYS, issues);
  if (!module) return { issues, warnings };
  const exposeRulesAsMetrics = module.boolean('exposeRulesAsMetrics', false);
  const names = module.textList('rulesFiles') ?? [];
  if (!issues.length && !names.length) {
    const at = doc.locate(module.at('rulesFiles'));
    warnings.push({
      file: doc.file,
      ...at,
      path: formatPath(module.at('rulesFiles')),
      message: 'no rule files: every event will count as matching no rule, and no SLO event is produced',
    });
  }
  const files = names.map((name, i) => {
    const entry = [...module.at('rulesFiles'), i];
    return {
      path: resolve(cwd, name),
      at: { file: doc.file, ...doc.locate(entry), path: formatPath(entry) },
    };
  });
  if (issues.length) return { issues, warnings };
  const loaded = await loadRuleFiles(files, exposeRulesAsMetrics);
  if (loaded.issues.length) return { issues: loaded.issues, warnings };
  return { producer: { rules: loaded.rules, exposeRulesAsMetrics }, issues, warnings };
}
