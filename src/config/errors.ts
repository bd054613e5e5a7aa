/**
 * Config errors that point at the user's text: file, line, column, the field path and what was expected.
 * One `ConfigError` carries every problem found, so a user fixes a file in one pass.
 */

/** One problem in one config file. */
export interface ConfigIssue {
  file: string;
  /** 1-based; 0 when the problem has no position (a missing file, say). */
  line: number;
  column: number;
  /** Dotted field path, e.g. `spec.service_level_indicator.filter_good`; empty for the whole file. */
  path: string;
  message: string;
}

/** Formats one issue as `file:line:column: path: message`, the shape editors and CI logs link from. */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

/** Issues a `ConfigError` message lists; the rest are counted (a generated file may have 200 000). */
export const MAX_REPORTED_ISSUES = 50;

/**
 * Raised when configuration cannot be used; `issues` holds every problem found, its message the first
 * `MAX_REPORTED_ISSUES` and a count line (`... and 199950 more`).
 */
export class ConfigError extends Error {
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    const count = issues.length === 1 ? '1 config error' : `${issues.length} config errors`;
    const shown = issues.slice(0, MAX_REPORTED_ISSUES).map((i) => `  ${formatIssue(i)}`);
    if (issues.length > MAX_REPORTED_ISSUES)
      shown.push(`  ... and ${issues.length - MAX_REPORTED_ISSUES} more`);
    super(`${count}:\n${shown.join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** Joins a zod/YAML path into the dotted form users see (`steps[2].window`). */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** A file-system error as a user reads it: `symbolic link loop (ELOOP)`, `permission denied (EACCES)`. */
export function fileErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file or directory',
    ELOOP: 'symbolic link loop',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOTDIR: 'a component of the path is not a directory',
    EISDIR: 'is a directory',
    ENAMETOOLONG: 'file name too long',
  };
  const reason = code && Object.hasOwn(reasons, code) ? reasons[code] : (error as Error).message;
  return code ? `${reason} (${code})` : String(reason);
}
