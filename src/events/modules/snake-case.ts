/**
 * snake_case as slo-exporter derives Prometheus names from camelCase ones (iancoleman/strcase v0.3.0
 * `ToSnake`): module names become metric prefixes (`eventKeyGenerator` → `event_key_generator`) and
 * dynamicClassifier's metadata keys become label names (`userAgent` → `user_agent`). The rules, read from that
 * library's documented cases: surrounding white space is trimmed; an underscore goes between a lower-case
 * letter or digit and a following upper-case letter or digit, between a letter and a digit either way, and
 * before the last capital of an acronym followed by a lower-case letter (`JSONData` → `json_data`,
 * `AAAbbb` → `aa_abbb`); space, `-`, `.` become `_`; ASCII capitals are lowered; other characters are kept.
 */

/** Go's `unicode.IsSpace` set, which `strings.TrimSpace` trims (JavaScript's `trim` also trims U+FEFF). */
const GO_SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]+';
const TRIM = new RegExp(`^${GO_SPACE}|${GO_SPACE}$`, 'g');

const isUpper = (c: string | undefined) => c !== undefined && c >= 'A' && c <= 'Z';
const isLower = (c: string | undefined) => c !== undefined && c >= 'a' && c <= 'z';
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** `text` in snake_case by strcase v0.3.0's rules (see the module comment); "" stays "". */
export function toSnakeCase(text: string): string {
  const s = text.replace(TRIM, '');
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const next = s[i + 1];
    const upper = isUpper(c);
    const lower = isLower(c);
    const digit = isDigit(c);
    const lowered = upper ? c.toLowerCase() : c;
    const kindChanges =
      (upper && (isLower(next) || isDigit(next))) ||
      (lower && (isUpper(next) || isDigit(next))) ||
      (digit && (isUpper(next) || isLower(next)));
    if (kindChanges) {
      if (upper && isLower(next) && isUpper(s[i - 1])) out += '_';
      out += lowered;
      if (lower || digit || isDigit(next)) out += '_';
    } else {
      out += c === ' ' || c === '_' || c === '-' || c === '.' ? '_' : lowered;
    }
  }
  return out;
}
