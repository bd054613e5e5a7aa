/**
 * The fast YAML reader is a shortcut only: wherever it accepts a text, the full positioned parser must read
 * that text without any issue, into a deep-equal value (NaN, -0 and key order included), with the same
 * scalar source texts. Checked over every YAML file of the repository and over random SLO-like texts that
 * mix the subset with everything just outside it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { seededRandom } from '../../bench/lib/random.mjs';
import { ConfigError } from '../../src/config/errors.js';
import { loadSlos } from '../../src/config/load.js';
import { readFastYaml } from '../../src/config/yaml-fast.js';
import { parsePositioned, parseSource } from '../../src/config/yaml-source.js';
import { tempDir } from '../helpers/tmp.js';

/** Every path of a value, plus for each collection a key and an index it does not have. */
function pathsOf(value: unknown, prefix: PropertyKey[] = []): PropertyKey[][] {
  const paths: PropertyKey[][] = [prefix];
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      paths.push(...pathsOf(item, [...prefix, i]));
    });
    paths.push([...prefix, value.length], [...prefix, '0']);
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
    paths.push([...prefix, 'no-such-key'], [...prefix, 0]);
  }
  return paths;
}

/** Null when both readers agree on `text` (or the fast one declines), else what differs. */
function disagreement(text: string): string | null {
  const fast = readFastYaml(text);
  if (!fast) return null;
  const full = parsePositioned(text, 'f.yaml');
  if (full.issues.length) return `fast reader accepted a text with issues: ${full.issues[0]!.message}`;
  if (!isDeepStrictEqual(fast.value, full.doc.value))
    return `values differ: ${JSON.stringify(fast.value)} vs ${JSON.stringify(full.doc.value)}`;
  for (const path of pathsOf(full.doc.value)) {
    const a = fast.sourceText(path);
    const b = full.doc.sourceText(path);
    if (a !== b) return `sourceText(${JSON.stringify(path)}): ${a} vs ${b}`;
  }
  return null;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : yamlFiles(path);
    return /\.(ya?ml|json)$/.test(entry.name) ? [path] : [];
  });
}

/** A seeded generator (bench/lib/random.mjs), so a failure can be replayed. */
function random(seed: number) {
  const next = seededRandom(seed);
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]! };
}

// Scalars inside the subset, and just outside it (each must be declined or read alike).
const SCALARS = [
  'svc-01',
  'good_bad_ratio',
  'http_requests_total{service="a", code!~"5.."}',
  'sum(rate(x[window]))',
  '1',
  '-1',
  '+1',
  '007',
  '0o17',
  '0o8',
  '0x1F',
  '0xG',
  '1.0',
  '1.',
  '.5',
  '-.5',
  '1e3',
  '1.5E-3',
  '1_000',
  '0b101',
  '.inf',
  '-.Inf',
  '+.INF',
  '.NaN',
  '.nan',
  'nan',
  'inf',
  '~',
  'null',
  'Null',
  'NULL',
  'nULL',
  'true',
  'True',
  'TRUE',
  'tRUE',
  'false',
  'yes',
  'no',
  'on',
  'off',
  '2024-01-01',
  '1:30',
  '12:30:00',
  'a #comment',
  'a#b',
  'a: b',
  'a:',
  'a:b',
  'a  b',
  'x # y: z',
  '"quoted"',
  '"a # b"',
  '"a" # c',
  '"a"b',
  '"esc \\" aped"',
  "'it''s'",
  "'a'' # '",
  "'unterminated",
  '"unterminated',
  '{}',
  '[]',
  '{} # c',
  '{a: 1}',
  '[1, 2]',
  '&anchor x',
  '*alias',
  '!tag x',
  '!!str 1',
  '|',
  '>-',
  '- x',
  '-',
  '-x',
  '-1.5',
  '? x',
  '@x',
  '`x`',
  '%x',
  ':x',
  '=x',
  '~x',
  '(x)',
  '/path',
  '$x',
  'x\t',
  'é',
  '',
  '---',
  '...',
  'a ...',
  '<<',
];
const KEYS = [
  'apiVersion',
  'kind',
  'metadata',
  'name',
  'labels',
  'spec',
  'goal',
  'steps',
  'window',
  'a.b',
  'a/b',
  'a-b',
  'a#b',
  'custom/x.ts#Cls',
  'a #b',
  'null',
  'True',
  '__proto__',
  '1',
  '"q"',
  "'s'",
  '<<',
  'a b',
  'x',
  'x',
];

/** A random YAML text built from block maps, sequences, comments and SCALARS, sometimes mis-indented. */
function randomYaml(rnd: ReturnType<typeof random>): string {
  const lines: string[] = [];
  const pad = (n: number) => ' '.repeat(Math.max(0, n));
  const jitter = () => (rnd.next() < 0.04 ? rnd.pick([-1, 1]) : 0);
  const maybeComment = (indent: number) => {
    if (rnd.next() < 0.08) lines.push(`${pad(rnd.pick([0, indent, indent + 3]))}# note: x`);
    if (rnd.next() < 0.05) lines.push('');
  };
  const step = () => rnd.pick([1, 2, 2, 2, 4]);
  const block = (indent: number, depth: number, first?: string): void => {
    const asSeq = rnd.next() < 0.3;
    const count = 1 + Math.floor(rnd.next() * 4);
    for (let i = 0; i < count; i++) {
      const lead = i === 0 && first !== undefined ? first : pad(indent + jitter());
      maybeComment(indent);
      const nested = depth < 3 && rnd.next() < 0.35;
      if (asSeq) {
        const gap = rnd.pick([' ', ' ', '  ']);
        if (nested && rnd.next() < 0.6) block(indent + 1 + gap.length, depth + 1, `${lead}-${gap}`);
        else if (nested) {
          lines.push(`${lead}-`);
          block(indent + step(), depth + 1);
        } else lines.push(`${lead}-${gap}${rnd.pick(SCALARS)}`);
      } else {
        const key = rnd.pick(KEYS);
        if (nested) {
          lines.push(`${lead}${key}:${rnd.next() < 0.1 ? ' # c' : ''}`);
          // A sequence may sit at its key's own indentation.
          block(rnd.next() < 0.2 ? indent : indent + step(), depth + 1);
        } else lines.push(`${lead}${key}:${rnd.pick([' ', ' ', '   '])}${rnd.pick(SCALARS)}`);
      }
      if (rnd.next() < 0.03) lines.push(`${pad(indent + 4)}continued`);
    }
  };
  block(0, 0);
  return `${lines.join('\n')}\n`;
}

describe('fast YAML reader', () => {
  it('reads every YAML file of the repository as the full parser does, or declines it', () => {
    const files = [...yamlFiles('test/fixtures'), ...yamlFiles('examples')];
    const accepted = files.filter((file) => readFastYaml(readFileSync(file, 'utf8')));
    for (const file of files) expect(disagreement(readFileSync(file, 'utf8')), file).toBeNull();
    expect(accepted.length).toBeGreaterThan(0);
  });

  it('takes SLO files as yaml writes them (the end-to-end benchmark scenario)', () => {
    for (const [goal, good] of [
      [0.995, 'http_requests_total{service="svc-01", code!~"5.."}'],
      [0.6, 'http_request_duration_seconds_bucket{service="svc-01", le="0.1"}'],
    ] as const) {
      const text = stringify({
        apiVersion: 'sre.google.com/v2',
        kind: 'ServiceLevelObjective',
        metadata: { name: 'svc-01-x', labels: { service_name: 'svc-01', slo_name: 'x' } },
        spec: {
          description: 'x of svc-01',
          backend: 'prometheus',
          method: 'good_bad_ratio',
          exporters: [],
          service_level_indicator: {
            filter_good: good,
            filter_valid: 'http_requests_total{service="svc-01"}',
          },
          goal,
        },
      });
      expect(readFastYaml(text), text).toBeDefined();
      expect(disagreement(text), text).toBeNull();
    }
  });

  it('reads 4000 random texts as the full parser does, or declines them', () => {
    const rnd = random(11);
    let accepted = 0;
    let withIssues = 0;
    for (let i = 0; i < 4000; i++) {
      const text = randomYaml(rnd);
      if (readFastYaml(text)) accepted++;
      else if (parsePositioned(text, 'f.yaml').issues.length) withIssues++;
      expect(disagreement(text), text).toBeNull();
    }
    // Both sides of the line are exercised: texts taken by the shortcut, and faulty texts it declined.
    expect(accepted).toBeGreaterThan(400);
    expect(withIssues).toBeGreaterThan(400);
  });

  it('reads the core schema values as the full parser does', () => {
    const text = 'a: 0x1F\nb: 0o17\nc: -0\nd: .NaN\ne: -.inf\nf: 1e3\ng: ~\nh: TRUE\ni: "1"\nj: 1.50\nk:\n';
    expect(readFastYaml(text)?.value).toStrictEqual({
      a: 31,
      b: 15,
      c: -0,
      d: Number.NaN,
      e: Number.NEGATIVE_INFINITY,
      f: 1000,
      g: null,
      h: true,
      i: '1',
      j: 1.5,
      k: null,
    });
    expect(disagreement(text)).toBeNull();
  });

  it('declines what is outside the subset', () => {
    for (const text of [
      'a: |\n  x\n',
      'a: &x 1\nb: *x\n',
      'a: 1\na: 2\n',
      'a: b\n  c\n',
      'a:\tb\n',
      '---\na: 1\n',
      'a: {b: 1}\n',
      'a: "x\\ty"\n',
      '# only a comment\n',
    ])
      expect(readFastYaml(text), text).toBeUndefined();
  });

  it('gives positions of a fast-read file when validation needs them', async () => {
    const dir = tempDir();
    try {
      const file = dir.write(
        'slo.yaml',
        'apiVersion: sre.google.com/v2\nkind: ServiceLevelObjective\nmetadata:\n  name: a\nspec:\n  description: d\n  backend: prometheus\n  method: good_bad_ratio\n  service_level_indicator:\n    filter_good: x\n    filter_valid: y\n  goal: high\n',
      );
      expect(readFastYaml(readFileSync(file, 'utf8'))).toBeDefined();
      const error = await loadSlos(file, {}).then(
        () => undefined,
        (e: unknown) => e as ConfigError,
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect(error?.issues).toMatchObject([{ file, line: 12, column: 9, path: 'spec.goal' }]);
      // The same document read by the full parser from the start locates alike.
      const text = readFileSync(file, 'utf8');
      expect(parseSource(text, file).doc.locate(['spec', 'goal'])).toEqual(
        parsePositioned(text, file).doc.locate(['spec', 'goal']),
      );
    } finally {
      dir.cleanup();
    }
  });
});
