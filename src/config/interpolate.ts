/**
 * Environment variable interpolation, applied to the raw text before YAML parsing as slo-generator does
 * (so `port: ${PORT}` still types as a number). Supports `${VAR}` and, beyond slo-generator, `${VAR:-default}`.
 * Unlike slo-generator, whole-line YAML comments are left alone, so a commented-out line needs no variable.
 */
import type { ConfigIssue } from './errors.js';

const PLACEHOLDER = /\$\{(\w+)(?::-([^}]*))?\}/g;

/** Replaces placeholders; returns the text and one issue per missing variable (with its line and column). */
export function interpolate(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  file: string,
): { text: string; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const lines = text.split('\n');
  const out = lines.map((line, index) => {
    if (/^\s*#/.test(line)) return line;
    return line.replace(PLACEHOLDER, (match, name: string, fallback: string | undefined, offset: number) => {
      const value = env[name];
      if (value !== undefined) return value;
      if (fallback !== undefined) return fallback;
      issues.push({
        file,
        line: index + 1,
        column: offset + 1,
        path: '',
        message: `environment variable "${name}" is not set (use \${${name}:-default} for a default)`,
      });
      return match;
    });
  });
  return { text: out.join('\n'), issues };
}
