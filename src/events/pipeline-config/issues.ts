/** Ordering of config issues for display. */
import type { ConfigIssue } from '../../config/errors.js';

/**
 * Issues grouped by file (files in order of first appearance, so the config comes before the files it
 * names), each file's issues by line and column. Returns a new array.
 */
export function sortIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const fileOrder = new Map<string, number>();
  for (const issue of issues) if (!fileOrder.has(issue.file)) fileOrder.set(issue.file, fileOrder.size);
  return [...issues].sort(
    (a, b) => fileOrder.get(a.file)! - fileOrder.get(b.file)! || a.line - b.line || a.column - b.column,
  );
}
