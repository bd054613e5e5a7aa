/**
 * The sloEventProducer's rules as both pipeline config styles name them: rule files read in order and
 * compiled (src/events/rules-file.ts), with the checks that need every rule (counter labels, and the
 * threshold gauge's labels with exposeRulesAsMetrics). Shared by slo-exporter-config.ts and events-section.ts.
 */
import { readFile } from 'node:fs/promises';
import { type ConfigIssue, fileErrorReason } from '../../config/errors.js';
import { counterLabelProblems } from '../counters.js';
import { ruleThresholdFamily } from '../rule-thresholds.js';
import { type CompiledRule, parseRulesFile } from '../rules-file.js';

/** A rule file to read: its resolved path, and where the config names it (for an unreadable file). */
export interface RuleFileRef {
  path: string;
  /** Position of the list entry naming the file in the pipeline config. */
  at: Omit<ConfigIssue, 'message'>;
}

/**
 * Reads and compiles `files` in order (rules of all files concatenated, as slo-exporter does). Never throws
 * on bad input: an unreadable file is an issue at its entry in the pipeline config, rule problems are issues
 * in the rule file. `counted` (default true): the rules' metadata must also be valid counter labels.
 * `rules` is empty when there is any issue.
 */
export async function loadRuleFiles(
  files: readonly RuleFileRef[],
  exposeRulesAsMetrics: boolean,
  counted = true,
): Promise<{ rules: CompiledRule[]; issues: ConfigIssue[] }> {
  const texts = await Promise.all(
    files.map(async ({ path, at }) => {
      try {
        return await readFile(path, 'utf8');
      } catch (error) {
        return { ...at, message: `cannot read rule file "${path}": ${fileErrorReason(error)}` };
      }
    }),
  );
  const issues: ConfigIssue[] = [];
  const rules: CompiledRule[] = [];
  texts.forEach((text, i) => {
    if (typeof text !== 'string') {
      issues.push(text);
      return;
    }
    const parsed = parseRulesFile(text, files[i]!.path);
    issues.push(...parsed.issues);
    rules.push(...parsed.rules);
  });
  if (!issues.length && counted) issues.push(...counterLabelProblems(rules));
  if (!issues.length && exposeRulesAsMetrics) issues.push(...ruleThresholdFamily(rules).problems);
  return { rules: issues.length ? [] : rules, issues };
}
