/**
 * Log line → event metadata, for the tailer: slo-exporter's `loglineParseRegexp` (Go syntax, named groups
 * `(?P<name>…)`, with `emptyGroupRE`) or JSON lines.
 */
import { compileGoRegexp } from '../lang/re2.js';
import { GoSubmatchRegexp } from './go-submatch.js';
import { metadataRecord } from './metadata-record.js';

/** Parses one line (without its line feed); undefined when the line is malformed. */
export type LineParser = (line: string) => Record<string, string> | undefined;

/** slo-exporter's default `emptyGroupRE`: only an empty group value is left out. */
export const DEFAULT_EMPTY_GROUP_REGEXP = '^$';

/**
 * slo-exporter's tailer parsing (`pkg/tailer/tailer.go`, shared/reference/slo-exporter.md §3.1): the pattern
 * is searched unanchored (Go's `FindStringSubmatch`); no match = malformed. Each named group becomes a
 * metadata entry, except groups whose value matches `emptyGroupPattern` (unanchored Go regexp), which are
 * left out entirely; a group that did not take part reads as "". Unnamed groups are ignored.
 * Throws `GoRegexpSyntaxError` when a pattern is not valid Go syntax.
 */
export function regexpLineParser(
  pattern: string,
  emptyGroupPattern: string = DEFAULT_EMPTY_GROUP_REGEXP,
): LineParser {
  // Lines rarely repeat: no memo.
  const regexp = new GoSubmatchRegexp(pattern, false, { memo: false });
  const empty = emptyGroupTest(emptyGroupPattern);
  const named = regexp.groupNames.flatMap((name, index) => (name ? [{ name, index }] : []));
  return (line) => {
    const groups = regexp.exec(line);
    if (!groups) return undefined;
    const metadata = metadataRecord();
    for (const { name, index } of named) {
      const value = groups[index] ?? '';
      if (!empty(value)) metadata[name] = value;
    }
    return metadata;
  };
}

/** Characters that make a Go regexp more than literal text. */
const METACHARACTERS = /[\\.+*?()|[\]{}^$]/;

/**
 * `emptyGroupRE` as a test: `^text$` with `text` free of metacharacters (slo-exporter's `^-$`, the default
 * `^$`) matches exactly `text` (without the `m` flag, Go's `^` and `$` are the text's ends), so it is a
 * string comparison; any other pattern is a Go regexp.
 */
function emptyGroupTest(pattern: string): (value: string) => boolean {
  const literal = pattern.slice(1, -1);
  if (
    pattern.startsWith('^') &&
    pattern.endsWith('$') &&
    pattern.length >= 2 &&
    !METACHARACTERS.test(literal)
  )
    return (value) => value === literal;
  const regexp = compileGoRegexp(pattern);
  return (value) => regexp.test(value);
}

/**
 * JSON lines: each line is one JSON object; its string fields are metadata as they are, numbers and booleans
 * as their JSON text, other values (null, objects, arrays) are left out. Anything but an object is malformed.
 */
export const jsonLineParser: LineParser = (line) => {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const metadata = metadataRecord();
  for (const [key, field] of Object.entries(value)) {
    if (typeof field === 'string') metadata[key] = field;
    else if (typeof field === 'number' || typeof field === 'boolean') metadata[key] = String(field);
  }
  return metadata;
};
