/**
 * Differential test: src/lang/go-template.ts against real Go `text/template` with `sprig.TxtFuncMap()` (as
 * Iter8 rendered provider templates), through one `go run` of scripts/go-template-oracle.go over the whole
 * corpus. Outputs must match byte for byte; errors must be of the same kind (parse or exec) and name the same
 * line (and, for execution errors, the same column). Without Go or
 * sprig this test fails with an install hint (CI installs them: scripts/install-test-deps.sh).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GoInt64, GoTemplateError, type GoValue, parseTemplate } from '../../src/lang/go-template.js';
import { goTemplateCorpus, type TemplateCase } from '../fixtures/go-template/corpus.js';

const ORACLE = fileURLToPath(new URL('../../scripts/go-template-oracle.go', import.meta.url));
const GOPATH = '/usr/share/gocode';
const SPRIG = `${GOPATH}/src/github.com/Masterminds/sprig`;

interface GoResult {
  out?: string;
  err?: 'parse' | 'exec';
  msg?: string;
}

function runGo(corpus: TemplateCase[]): GoResult[] {
  if (!existsSync(SPRIG)) {
    throw new Error(
      `sprig is required for this differential test (${SPRIG} is missing): install the Debian package ` +
        'golang-github-masterminds-sprig-dev (scripts/install-test-deps.sh does it)',
    );
  }
  try {
    const output = execFileSync('go', ['run', ORACLE], {
      input: JSON.stringify(corpus),
      encoding: 'utf8',
      env: { ...process.env, GO111MODULE: 'off', GOPATH, TZ: 'UTC' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 300_000,
    });
    return JSON.parse(output) as GoResult[];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        'the Go toolchain is required for this differential test: install the Debian packages golang-go and ' +
          'golang-github-masterminds-sprig-dev (scripts/install-test-deps.sh does it)',
      );
    }
    throw error;
  }
}

/** The corpus's data with `{"$int": "n"}` markers turned into Go int64 values. */
function toGoValue(v: unknown): GoValue {
  if (Array.isArray(v)) return v.map(toGoValue);
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v);
    if (entries.length === 1 && entries[0]![0] === '$int')
      return new GoInt64(BigInt(entries[0]![1] as string));
    return Object.fromEntries(entries.map(([k, e]) => [k, toGoValue(e)]));
  }
  return v as GoValue;
}

/** The position of an error message `template: NAME:LINE[:COL]: …`: line, and column if any. */
function errorLine(message: string | undefined): string | undefined {
  return /^template: t:(\d+(:\d+)?)/.exec(message ?? '')?.[1];
}

function renderOurs(c: TemplateCase): GoResult {
  try {
    return { out: parseTemplate(c.template, 't').execute(toGoValue(c.data)) };
  } catch (error) {
    if (error instanceof GoTemplateError) return { err: error.kind, msg: error.message };
    return { err: 'exec', msg: `crash: ${(error as Error).stack}` };
  }
}

describe('Go text/template port agrees with real Go', () => {
  const corpus = goTemplateCorpus();

  it('uses a corpus of at least 200 distinct templates', () => {
    expect(new Set(corpus.map((c) => c.template)).size).toBeGreaterThanOrEqual(200);
  });

  it('renders every template as Go does, errors included', () => {
    const results = runGo(corpus);
    expect(results).toHaveLength(corpus.length);
    const mismatches: string[] = [];
    corpus.forEach((c, i) => {
      const go = results[i]!;
      const ours = renderOurs(c);
      const same =
        go.err === undefined
          ? ours.out === go.out
          : ours.err === go.err && errorLine(ours.msg) === errorLine(go.msg);
      if (!same)
        mismatches.push(
          `${JSON.stringify(c.template)}\n  go:   ${JSON.stringify(go)}\n  ours: ${JSON.stringify(ours)}`,
        );
    });
    expect(mismatches.join('\n')).toBe('');
  }, 300_000);
});
