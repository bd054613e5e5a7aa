import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Tree } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../bench/lib/random.mjs';
import { parseKey, promqlSyntaxError } from '../../src/backends/prometheus-query.js';
import { parseSource } from '../../src/config/yaml-source.js';

// `parse` in prometheus-query.ts parses `parseKey(text)` in place of `text` (so queries differing only in
// string contents share one parse). That is only sound if both give the very same tree: checked here on
// every PromQL field of the repository's SLO files, on edge cases, and on random token soup.

/** Every node of a tree, in order: type, start, end. */
function nodes(tree: Tree): string[] {
  const out: string[] = [];
  tree.iterate({
    enter(node) {
      out.push(`${node.type.name}:${node.from}-${node.to}`);
    },
  });
  return out;
}

function expectSameParse(query: string) {
  const key = parseKey(query);
  expect(key.length, JSON.stringify(query)).toBe(query.length);
  expect(nodes(parser.parse(key)), JSON.stringify(query)).toEqual(nodes(parser.parse(query)));
}

const PROMQL_FIELDS = new Set(['filter_good', 'filter_bad', 'filter_valid', 'expression', 'query']);

/** PromQL-looking string values under PROMQL_FIELDS keys in the repository's YAML files. */
function repositoryQueries(): string[] {
  const queries = new Set<string>();
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (PROMQL_FIELDS.has(key) && typeof inner === 'string') queries.add(inner);
        else visit(inner);
      }
    }
  };
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(name)) visit(parseSource(readFileSync(path, 'utf8'), path).doc.value);
    }
  };
  walk('examples');
  walk('test/fixtures');
  return [...queries];
}

const EDGE_CASES = [
  'up',
  'http_requests_total{service="svc-01", code!~"5.."}',
  'sum(increase(x{a="b"}[window]))',
  'x{a="with \\"escaped\\" quotes"}',
  "x{a='single \\' quote'}",
  'x{a=`raw \\ backslash`}',
  'x{a=`raw\nnewline`}',
  'x{a=`unterminated raw} + y{b="c"}',
  'x{a="unterminated}',
  "x{a='unterminated\n} + y",
  'x{a="ends with backslash\\',
  'x{a="escaped newline\\\nstill the string"}',
  'x{a="\\x41\\u00e9\\n\\t"}',
  'x{a="ünïcödé 😀"}',
  'x # comment with "a quote\n + y{b="c"}',
  "x # comment with `backtick and 'single",
  '"just a string"',
  'label_replace(x, "dst", "$1", "src", "(.*)")',
  'x{"quoted.name"="v"}',
  '{__name__="x_bucket", le="0.25"}',
  'x{a="b"} # trailing "comment',
  'x{a="#not a comment"} + y',
  '`',
  '"',
  "'",
  '\\',
  'x{a="b"}[5m:1m] offset 1h @ 100',
];

const PIECES = [
  'x',
  'up',
  'sum',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  '[5m]',
  ',',
  '=',
  '!=',
  '=~',
  ' ',
  '\n',
  '#',
  '"',
  "'",
  '`',
  '\\',
  'a="b"',
  'le="0.5"',
  '"x\\"y"',
  "'q'",
  '`r`',
  '1.5',
  'by',
  '+',
  'é',
  '😀',
  'offset',
  '@',
  ':',
];

describe('parseKey: the text parsed in place of a query', () => {
  it('parses to the same tree as the query, for every PromQL field of the repository', () => {
    const queries = repositoryQueries();
    expect(queries.length).toBeGreaterThan(10);
    queries.forEach(expectSameParse);
  });

  it('parses to the same tree on escapes, comments, unterminated strings and raw strings', () => {
    EDGE_CASES.forEach(expectSameParse);
  });

  it('parses to the same tree on 20,000 random texts of PromQL tokens, quotes and backslashes', () => {
    const next = seededRandom(20261130);
    for (let n = 0; n < 20000; n++) {
      const length = 1 + Math.floor(next() * 14);
      let text = '';
      for (let k = 0; k < length; k++) text += PIECES[Math.floor(next() * PIECES.length)];
      expectSameParse(text);
    }
  });

  it('is the same for queries that differ only in string contents, so they share one parse', () => {
    expect(parseKey('x{service="svc-01", code!~"5.."}')).toBe(parseKey('x{service="svc-42", code!~"2.."}'));
    expect(parseKey('x{a="b"} # "c"')).not.toBe(parseKey('x{a="b"} # "d"')); // comments are kept
  });

  it('leaves syntax errors where they were, quoting the query as written', () => {
    expect(promqlSyntaxError('sum(x{service="svc-01"}')).toBe(
      'PromQL syntax error in the expression at line 1, column 24 (at the end): sum(x{service="svc-01"}',
    );
    expect(promqlSyntaxError('x{a="b"} +')).toMatch(/column 11/);
  });
});
