/**
 * The classification CSV files of slo-exporter's dynamicClassifier (shared/reference/slo-exporter.md §3.5):
 * rows `domain,app,class,key` (app before class), read with Go's `encoding/csv` as slo-exporter configures it
 * (https://pkg.go.dev/encoding/csv: comma `,`, comment character `#`, strict quotes, no space trimming), and
 * written back as Go's `csv.Writer` writes them (the `/dynamicClassifier/matchers/*` dumps). Pure: text in,
 * records or text out.
 *
 * Reading rules, as Go's reader applies them:
 * - A line starting with `#` (first column only) is a comment; an empty line is skipped; `\r\n` reads as `\n`.
 * - Fields are kept verbatim (` d ` is not `d`); a field starting with `"` is quoted: `""` inside is one `"`,
 *   it may span lines, and after its closing quote only `,` or the end of the line may follow.
 * - A `"` inside an unquoted field, or a bad quoted field, is a syntax error: the reader stops there.
 * - The first record fixes the number of fields; a later record with another count is an error.
 * slo-exporter fails to start on any of these errors (they are `issues`); a file whose records consistently
 * have other than 4 fields only loses those records, logged (they are `warnings`).
 */
import type { ConfigIssue } from '../../config/errors.js';
import type { SloClassification } from '../pipeline-event.js';

/** One record of a CSV file and the line it starts on (1-based). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

// Go's wording (encoding/csv ErrBareQuote, ErrQuote).
const BARE_QUOTE = 'bare " in non-quoted-field';
const BAD_QUOTE = 'extraneous or missing " in quoted-field';

/**
 * Reads `text` (the content of `file`) as Go's `csv.Reader` with `Comment = '#'` does. Never throws:
 * returns the records up to the first syntax error, and every problem as an issue (file, line, column of
 * the offending character, 1-based, in characters). A record whose field count differs from the first
 * record's is reported and left out; reading goes on after it.
 */
export function readGoCsv(text: string, file: string): { records: CsvRecord[]; issues: ConfigIssue[] } {
  const lines = splitLines(text);
  const records: CsvRecord[] = [];
  const issues: ConfigIssue[] = [];
  const issue = (line: number, column: number, message: string) =>
    issues.push({ file, line, column, path: '', message });
  let fieldCount: number | undefined;
  let index = 0;
  while (index < lines.length) {
    const startLine = index + 1;
    const first = lines[index]!;
    index++;
    if (first === '' || first.startsWith('#')) continue;
    const fields: string[] = [];
    let line = first;
    let lineNumber = startLine;
    let column = 0; // index into `line` where the current field starts
    let failed = false;
    for (;;) {
      if (line[column] !== '"') {
        const comma = line.indexOf(',', column);
        const field = comma === -1 ? line.slice(column) : line.slice(column, comma);
        const quote = field.indexOf('"');
        if (quote !== -1) {
          issue(lineNumber, column + quote + 1, BARE_QUOTE);
          failed = true;
          break;
        }
        fields.push(field);
        if (comma === -1) break;
        column = comma + 1;
        continue;
      }
      // A quoted field, possibly over several lines.
      let field = '';
      let at = column + 1;
      let ended = false;
      for (;;) {
        const quote = line.indexOf('"', at);
        if (quote === -1) {
          field += `${line.slice(at)}\n`;
          if (index >= lines.length) {
            issue(lineNumber, line.length + 1, BAD_QUOTE);
            failed = true;
            break;
          }
          line = lines[index]!;
          index++;
          lineNumber++;
          at = 0;
          continue;
        }
        field += line.slice(at, quote);
        const after = line[quote + 1];
        if (after === '"') {
          field += '"';
          at = quote + 2;
        } else if (after === ',') {
          column = quote + 2;
          break;
        } else if (after === undefined) {
          ended = true;
          break;
        } else {
          issue(lineNumber, quote + 2, BAD_QUOTE);
          failed = true;
          break;
        }
      }
      if (failed) break;
      fields.push(field);
      if (ended) break;
    }
    if (failed) break;
    if (fieldCount === undefined) fieldCount = fields.length;
    if (fields.length !== fieldCount) {
      issue(
        startLine,
        1,
        `wrong number of fields: ${fields.length}, where the first record has ${fieldCount}`,
      );
      continue;
    }
    records.push({ line: startLine, fields });
  }
  return { records, issues };
}

/**
 * The text's lines without their terminators, as Go's reader sees them: `\r\n` ends a line like `\n`; a
 * final line without terminator counts, a `\r` just before the end of the text is dropped.
 */
function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

/** A row of a classification file: the classification of the event key (or key regexp) `key`. */
export interface ClassificationRow {
  classification: SloClassification;
  key: string;
  /** The line the row starts on, for messages. */
  line: number;
}

/** The columns of a classification file, in order. */
export const CLASSIFICATION_COLUMNS = ['domain', 'app', 'class', 'key'] as const;

/**
 * Reads a classification file. `issues` are the problems that make slo-exporter refuse to start (syntax,
 * inconsistent field counts); `warnings` are the records it skips with a log line (a field count other
 * than 4 throughout the file).
 */
export function parseClassificationCsv(
  text: string,
  file: string,
): { rows: ClassificationRow[]; issues: ConfigIssue[]; warnings: ConfigIssue[] } {
  const { records, issues } = readGoCsv(text, file);
  const rows: ClassificationRow[] = [];
  const warnings: ConfigIssue[] = [];
  for (const { line, fields } of records) {
    if (fields.length !== CLASSIFICATION_COLUMNS.length) {
      warnings.push({
        file,
        line,
        column: 1,
        path: '',
        message: `record skipped: expected 4 fields (${CLASSIFICATION_COLUMNS.join(',')}), found ${fields.length}`,
      });
      continue;
    }
    const [domain, app, cls, key] = fields as [string, string, string, string];
    rows.push({ classification: { domain, app, class: cls }, key, line });
  }
  return { rows, issues, warnings };
}

/**
 * One CSV record as Go's `csv.Writer` writes it (comma `,`, `\n` line ends): a field is quoted when it
 * contains `,`, `"`, `\r` or `\n`, starts with white space, or is `\.`; quotes inside are doubled.
 */
export function formatCsvRecord(fields: readonly string[]): string {
  return `${fields.map(formatCsvField).join(',')}\n`;
}

/** Go's `unicode.IsSpace` for the first character of a field. */
const LEADING_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

function formatCsvField(field: string): string {
  if (field === '') return '';
  const quoted = field === '\\.' || /[,"\r\n]/.test(field) || LEADING_SPACE.test(field);
  return quoted ? `"${field.replaceAll('"', '""')}"` : field;
}

/** Rows in classification-file form (`domain,app,class,key`), one record each, in the given order. */
export function formatClassificationCsv(
  rows: Iterable<{ classification: SloClassification; key: string }>,
): string {
  let out = '';
  for (const { classification, key } of rows)
    out += formatCsvRecord([classification.domain, classification.app, classification.class, key]);
  return out;
}
