/**
 * Classification CSV files read and written as Go's encoding/csv does (https://pkg.go.dev/encoding/csv;
 * behaviours listed in shared/reference/slo-exporter.md §3.5).
 */
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../../src/config/errors.js';
import {
  formatClassificationCsv,
  formatCsvRecord,
  parseClassificationCsv,
  readGoCsv,
} from '../../../src/events/modules/classification-csv.js';

const read = (text: string) => {
  const { records, issues } = readGoCsv(text, 'c.csv');
  return { records: records.map((r) => [r.line, ...r.fields]), issues: issues.map(formatIssue) };
};

describe('readGoCsv', () => {
  it("reads slo-exporter's golden file: a comment line and a quoted key", () => {
    expect(read('# Test comment\ntest-domain,test-app,test-class,"GET:/testing-endpoint"\n')).toEqual({
      records: [[2, 'test-domain', 'test-app', 'test-class', 'GET:/testing-endpoint']],
      issues: [],
    });
  });

  it('keeps spaces, skips empty lines, reads CRLF and a last line without line end', () => {
    expect(read(' d ,a, c,k \r\n\r\n\nd,a,c,k2')).toEqual({
      records: [
        [1, ' d ', 'a', ' c', 'k '],
        [4, 'd', 'a', 'c', 'k2'],
      ],
      issues: [],
    });
  });

  it('reads doubled quotes, commas and line feeds inside quoted fields, and empty fields', () => {
    expect(read('"a ""b""","x,y","multi\r\nline",\nnext,,"",z\n')).toEqual({
      records: [
        [1, 'a "b"', 'x,y', 'multi\nline', ''],
        [3, 'next', '', '', 'z'],
      ],
      issues: [],
    });
  });

  it('takes a comment only at the first column: an indented "#" line is a record', () => {
    // The indented line has 1 field where the first record has 4: Go reports the count, slo-exporter stops.
    expect(read('d,a,c,k\n  # not a comment\n#comment,x\n')).toEqual({
      records: [[1, 'd', 'a', 'c', 'k']],
      issues: ['c.csv:2:1: wrong number of fields: 1, where the first record has 4'],
    });
  });

  it('reports every record whose field count differs from the first one', () => {
    expect(read('a,b,c\na,b\na,b,c\na,b,c,d\n')).toEqual({
      records: [
        [1, 'a', 'b', 'c'],
        [3, 'a', 'b', 'c'],
      ],
      issues: [
        'c.csv:2:1: wrong number of fields: 2, where the first record has 3',
        'c.csv:4:1: wrong number of fields: 4, where the first record has 3',
      ],
    });
  });

  it.each([
    [
      'a bare quote in an unquoted field',
      'd,a,c,k\nd,a"b,c,k\nd,a,c,k\n',
      'c.csv:2:4: bare " in non-quoted-field',
    ],
    ['a leading space before a quoted field', 'd,a,c, "k"\n', 'c.csv:1:8: bare " in non-quoted-field'],
    ['text after a closing quote', 'd,a,c,"k"x\n', 'c.csv:1:10: extraneous or missing " in quoted-field'],
    [
      'a quoted field never closed',
      'd,a,c,k\nd,a,c,"k\nmore\n',
      'c.csv:3:5: extraneous or missing " in quoted-field',
    ],
  ])('stops at %s', (_, text, issue) => {
    const { records, issues } = read(text);
    expect(issues).toEqual([issue]);
    expect(records.every((r) => r[0] === 1)).toBe(true);
  });
});

describe('parseClassificationCsv', () => {
  it('maps domain,app,class,key (app before class) and warns about records without 4 fields', () => {
    const { rows, issues, warnings } = parseClassificationCsv('d,a,c\nd2,a2,c2\n', 'three.csv');
    expect(rows).toEqual([]);
    expect(issues).toEqual([]);
    expect(warnings.map(formatIssue)).toEqual([
      'three.csv:1:1: record skipped: expected 4 fields (domain,app,class,key), found 3',
      'three.csv:2:1: record skipped: expected 4 fields (domain,app,class,key), found 3',
    ]);
    expect(parseClassificationCsv('dom,app,cls,"/api/.*"\n', 'f.csv').rows).toEqual([
      { classification: { domain: 'dom', app: 'app', class: 'cls' }, key: '/api/.*', line: 1 },
    ]);
  });
});

describe('formatCsvRecord', () => {
  it.each([
    [
      ['test-domain', 'test-app', 'test-class', 'test-endpoint'],
      'test-domain,test-app,test-class,test-endpoint\n',
    ],
    [['d', '', 'c', '.*'], 'd,,c,.*\n'],
    [['a,b', 'say "hi"', 'x\ny', ' lead'], '"a,b","say ""hi""","x\ny"," lead"\n'],
    [['\\.', 'cr\r', 'trail ', '\tt'], '"\\.","cr\r",trail ,"\tt"\n'],
  ])('writes %j as Go does', (fields, expected) => {
    expect(formatCsvRecord(fields)).toBe(expected);
  });

  it('writes what the reader reads back', () => {
    const rows = [
      { classification: { domain: ' d', app: 'a,"x"', class: 'c\nd' }, key: 'GET:/a?b=c' },
      { classification: { domain: 'd', app: 'a', class: 'c' }, key: '' },
    ];
    const parsed = parseClassificationCsv(formatClassificationCsv(rows), 'dump.csv');
    expect(parsed.issues).toEqual([]);
    expect(parsed.rows.map(({ classification, key }) => ({ classification, key }))).toEqual(rows);
  });
});
