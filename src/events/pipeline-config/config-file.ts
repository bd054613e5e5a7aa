/**
 * Reading a pipeline config file (an slo-exporter root config, or slokit.yaml for its `events:` section):
 * type and size checked before reading, optional `${VAR}` interpolation, parsed with source positions.
 */
import { readFile, stat } from 'node:fs/promises';
import { type ConfigIssue, fileErrorReason } from '../../config/errors.js';
import { interpolate } from '../../config/interpolate.js';
import { MAX_CONFIG_BYTES } from '../../config/load.js';
import { parseSource, type SourceDocument } from '../../config/yaml-source.js';

/** A parsed config file; `missing` holds the offsets of unset `${VAR}`s (see `interpolate`). */
export interface ConfigDocument {
  doc?: SourceDocument;
  issues: ConfigIssue[];
  missing: { issue: ConfigIssue; offset: number }[];
}

/**
 * Reads and parses `file`. `env`: interpolate `${VAR}` first (slokit.yaml does, slo-exporter configs do
 * not). Never throws: an unreadable file or bad YAML is an issue; `doc` is undefined when nothing could be
 * parsed.
 */
export async function readConfigDocument(
  file: string,
  env?: Readonly<Record<string, string | undefined>>,
): Promise<ConfigDocument> {
  const fail = (message: string): ConfigDocument => ({
    issues: [{ file, line: 0, column: 0, path: '', message }],
    missing: [],
  });
  let text: string;
  try {
    // Checked first: reading a FIFO or a device could block or never end.
    const info = await stat(file);
    if (!info.isFile()) return fail('cannot read: not a regular file');
    if (info.size > MAX_CONFIG_BYTES)
      return fail(`file too large (${info.size} bytes; the limit is ${MAX_CONFIG_BYTES} bytes)`);
    text = await readFile(file, 'utf8');
  } catch (error) {
    return fail(`cannot read file: ${fileErrorReason(error)}`);
  }
  let missing: ConfigDocument['missing'] = [];
  if (env) {
    const interpolated = interpolate(text, env, file);
    text = interpolated.text;
    missing = interpolated.issues.map((issue, i) => ({
      issue,
      offset: interpolated.placeholders[i]!.offset,
    }));
  }
  const parsed = parseSource(text, file);
  return { doc: parsed.doc.value === undefined ? undefined : parsed.doc, issues: parsed.issues, missing };
}
