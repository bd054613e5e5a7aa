/**
 * YAML problems as users meet them: values read as tags (a secret starting with `!`), aliases and merge keys
 * that cannot be built, "billion laughs" documents, duplicate keys, and very many errors at once. Each
 * names its line and column; none quotes the value it is about.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, formatIssue, MAX_REPORTED_ISSUES } from '../../src/config/errors.js';
import { loadSharedConfig } from '../../src/config/load.js';
import { parseSource } from '../../src/config/yaml-source.js';
import { tempDir } from '../helpers/tmp.js';

const messages = (text: string) => parseSource(text, 'f.yaml').issues.map(formatIssue);

let dir: ReturnType<typeof tempDir>;
afterEach(() => dir?.cleanup());

describe('YAML errors', () => {
  it('never quotes a tag: a secret from the environment starting with "!" stays out of the error', async () => {
    dir = tempDir();
    const file = dir.write(
      'config.yaml',
      'backends:\n  prometheus:\n    url: http://p\n    password: ${PW}\nerror_budget_policies: {}\n',
    );
    let error: unknown;
    await loadSharedConfig(file, { PW: '!s3cr3t' }).catch((e: unknown) => {
      error = e;
    });
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).not.toContain('s3cr3t');
    expect((error as ConfigError).issues.map(formatIssue)).toEqual([
      `${file}:4:15: invalid YAML: unresolved tag (a value starting with "!" is read as a YAML tag; quote the value)`,
    ]);
  });

  it('names the line and column of an alias to no anchor', () => {
    expect(messages('a: 1\nb:\n  c: *nowhere\n')).toEqual([
      'f.yaml:3:6: invalid YAML: alias "*nowhere" refers to no anchor defined before it',
    ]);
  });

  it('names the line and column of a merge key whose source is not a map', () => {
    expect(messages('base: &b 5\nentry:\n  x: 1\n  <<: *b\n')).toEqual([
      'f.yaml:4:3: invalid YAML: merge sources (<<) must be maps or aliases of maps',
    ]);
    expect(messages('m: &m {a: 1}\ns: &s 2\nentry:\n  <<: [*m, *s]\n')).toEqual([
      'f.yaml:4:3: invalid YAML: merge sources (<<) must be maps or aliases of maps',
    ]);
  });

  it('refuses a "billion laughs" document at the first alias that multiplies, with its position', () => {
    const laughs = [
      'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      '',
    ].join('\n');
    // a: 10 nodes; b: 9 × 10 added; c: 9 × 91 (909 in all); the first *c adds 820 more: past 1000.
    expect(messages(laughs)).toEqual([
      "f.yaml:4:8: invalid YAML: excessive aliases: they would add more than 1000 nodes (the limit grows with the file's size)",
    ]);
  });

  it('names the alias where a large anchor repeated a few hundred times passes the limit', () => {
    const list = `[${Array.from({ length: 1000 }, (_, i) => i).join(', ')}]`;
    const big = `a: &a ${list}\nb: [${Array(200).fill('*a').join(', ')}]\n`;
    // 1001 nodes per alias against a 5701-character file: the sixth alias passes the limit.
    expect(messages(big)).toEqual([
      `f.yaml:2:25: invalid YAML: excessive aliases: they would add more than ${big.length} nodes (the limit grows with the file's size)`,
    ]);
  });

  it('loads a file that reuses small anchors in every entry (the alias budget grows with the file)', () => {
    // 5,000 aliases add 15,000 nodes, over the 1,000-node floor: only a budget that grows with the text
    // admits them. (More would only slow the test: yaml's own alias resolution is superlinear.)
    const many = `a: &a [1, 2, 3]\nb: [${Array(5_000).fill('*a').join(', ')}]\n`;
    expect(messages(many)).toEqual([]);
    expect((parseSource(many, 'f').doc.value as { b: unknown[] }).b).toHaveLength(5_000);
  });

  it('reports a repeated key at the repeat, and lets merge keys repeat', () => {
    expect(messages('a: 1\nb:\n  x: 1\n  y: 2\n  x: 3\na: 4\n')).toEqual([
      'f.yaml:5:3: b.x: duplicate key "x" (first written at line 3, column 3); keys of a map must be unique',
      'f.yaml:6:1: a: duplicate key "a" (first written at line 1, column 1); keys of a map must be unique',
    ]);
    expect(messages('p: &p {a: 1}\nq: &q {b: 2}\nr:\n  <<: *p\n  <<: *q\n')).toEqual([]);
    expect(parseSource('p: &p {a: 1}\nq: &q {b: 2}\nr:\n  <<: *p\n  <<: *q\n', 'f').doc.value).toEqual({
      p: { a: 1 },
      q: { b: 2 },
      r: { a: 1, b: 2 },
    });
  });

  it('treats the number 1 and the string "1" as one key: both would be the field "1"', () => {
    expect(messages('1: a\n"1": b\n')).toEqual([
      'f.yaml:2:1: 1: duplicate key "1" (first written at line 1, column 1); keys of a map must be unique',
    ]);
  });

  it('still builds the value with duplicate keys, so the other problems of the file are reported too', () => {
    const { doc, issues } = parseSource('a: 1\na: 2\nb: 3\n', 'f');
    expect(issues).toHaveLength(1);
    expect(doc.value).toEqual({ a: 2, b: 3 });
  });
});

describe('many errors', () => {
  it('lists the first 50 and counts the rest; every issue stays available', async () => {
    dir = tempDir();
    const fields = Array.from({ length: 20_000 }, (_, i) => `unknown_${i}: 1\n`).join('');
    const file = dir.write('config.yaml', `error_budget_policies: {}\n${fields}`);
    let error: ConfigError | undefined;
    await loadSharedConfig(file, {}).catch((e: ConfigError) => {
      error = e;
    });
    expect(error!.issues).toHaveLength(20_000);
    const lines = error!.message.split('\n');
    expect(lines[0]).toBe('20000 config errors:');
    expect(lines).toHaveLength(1 + MAX_REPORTED_ISSUES + 1);
    expect(lines[1]).toBe(
      `  ${file}:2:1: unknown_0: unknown field "unknown_0" (expected one of: backends, exporters, error_budget_policies, default_exporters, min_valid_events, call_timeout, exporter_retry, pubsub_batch_handler, events, server, slos, schedule, keptn, providers, history)`,
    );
    expect(lines[50]).toContain(`${file}:51:1: unknown_49: unknown field "unknown_49"`);
    expect(lines.at(-1)).toBe('  ... and 19950 more');
    // The last issue is positioned as precisely as the first.
    expect(formatIssue(error!.issues.at(-1)!)).toMatch(new RegExp(`^${file}:20001:1: unknown_19999: `));
  });
});

describe('pathAt', () => {
  it('finds the map keys and sequence indices around an offset', () => {
    const text = 'a:\n  b: [1, {c: 2}]\n  d: x\ne: 5\n';
    const { doc } = parseSource(text, 'f');
    expect(doc.pathAt(text.indexOf('c:'))).toEqual(['a', 'b', 1, 'c']);
    expect(doc.pathAt(text.indexOf('x'))).toEqual(['a', 'd']);
    expect(doc.pathAt(text.indexOf('5'))).toEqual(['e']);
  });
});
