/**
 * Environment variable interpolation, applied to the raw text before YAML parsing as slo-generator does
 * (so `port: ${PORT}` still types as a number). Supports `${VAR}` and, beyond slo-generator, `${VAR:-default}`.
 * Unlike slo-generator, whole-line YAML comments are left alone, so a commented-out line needs no variable.
 */
import type { ConfigIssue } from './errors.js';

const PLACEHOLDER = /\$\{(\w+)(?::-([^}]*))?\}/g;

/** The result of `interpolate`. */
export interface Interpolated {
  text: string;
  /**
   * One issue per missing variable, positioned in the original text. Its placeholder becomes `$(NAME)`, so
   * the text still parses and the rest of the file can be checked.
   */
  issues: ConfigIssue[];
  /** For each issue, the variable and its placeholder's offset in the returned `text` (to find its node). */
  placeholders: { name: string; offset: number }[];
}

/**
 * Replaces placeholders. Variables are looked up as own properties of `env`, so `${toString}` or
 * `${__proto__}` is an unset variable, never an `Object.prototype` member.
 */
export function interpolate(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  file: string,
): Interpolated {
  const issues: ConfigIssue[] = [];
  const placeholders: Interpolated['placeholders'] = [];
  let outputLength = 0;
  const lines = text.split('\n').map((line, index) => {
    let out = line;
    if (!/^\s*#/.test(line)) {
      let shift = 0; // output length minus input length so far on this line
      out = line.replace(
        PLACEHOLDER,
        (match: string, name: string, fallback: string | undefined, offset: number) => {
          const value = Object.hasOwn(env, name) ? env[name] : undefined;
          const replacement = value ?? fallback;
          if (replacement !== undefined) {
            shift += replacement.length - match.length;
            return replacement;
          }
          issues.push({
            file,
            line: index + 1,
            column: offset + 1,
            path: '',
            message: `environment variable "${name}" is not set (use \${${name}:-default} for a default)`,
          });
          placeholders.push({ name, offset: outputLength + offset + shift });
          // Same length (offsets hold), and unlike `}` a `)` does not close a flow mapping (`{key: ${X}}`).
          return `$(${name})`;
        },
      );
    }
    outputLength += out.length + 1;
    return out;
  });
  return { text: lines.join('\n'), issues, placeholders };
}
