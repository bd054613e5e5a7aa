/**
 * Differential test: src/lang/jq.ts (jq 1.8 in WebAssembly) against the `gojq` command line (the engine Iter8
 * used) and the `jq` command line (Debian's jq 1.6), on test/fixtures/jq/corpus.json: jq expressions over
 * Prometheus vector / matrix / scalar, New Relic NRQL, Sysdig, Elastic and IBM Cloud Monitoring answers, and
 * error cases. Each CLI runs once per case; the first output (or its absence, or an error) must match the
 * library's. A case's `differs` records a kept disagreement with one CLI and why; the test checks that the
 * disagreement is still there, so the record cannot go stale. Fails if a CLI is missing, with an install
 * hint.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { JqEngine, type JqFirstOutput } from '../../src/lang/jq.js';

interface Case {
  doc: string;
  program: string;
  differs?: Partial<Record<Cli, string>>;
}
type Cli = 'jq' | 'gojq';
/** A first output as both sides print it: JSON, NaN as null, infinities as ±DBL_MAX (jq's printing). */
type Outcome = { output: unknown } | { none: true } | { error: true };

const corpus = JSON.parse(readFileSync(new URL('../fixtures/jq/corpus.json', import.meta.url), 'utf8')) as {
  documents: Record<string, unknown>;
  cases: Case[];
};

function runCli(cli: Cli, program: string, text: string): Outcome {
  const run = spawnSync(cli, ['-c', program], { input: text, encoding: 'utf8', timeout: 10_000 });
  const failure = run.error as NodeJS.ErrnoException | undefined;
  if (failure?.code === 'ENOENT') {
    throw new Error(
      `${cli} is required for this differential test (${failure.message}): install the Debian packages jq and ` +
        'gojq (scripts/install-test-deps.sh does it)',
    );
  }
  // EPIPE only means the CLI exited (a compile error) before reading the whole document.
  if (failure && failure.code !== 'EPIPE') throw failure;
  const first = run.stdout.split('\n')[0]!;
  if (first !== '') return { output: JSON.parse(first) };
  return run.status === 0 ? { none: true } : { error: true };
}

const DBL_MAX = 1.7976931348623157e308;
function outcome(result: JqFirstOutput): Outcome {
  if ('error' in result) return { error: true };
  if ('none' in result) return { none: true };
  const v = result.output;
  if (typeof v !== 'number' || Number.isFinite(v)) return { output: v };
  return { output: Number.isNaN(v) ? null : Math.sign(v) * DBL_MAX };
}

describe('jq extraction against the gojq and jq command lines', () => {
  const engine = new JqEngine();
  afterAll(() => engine.close());

  it('has a corpus of at least 60 expressions over every provider wire format', () => {
    expect(corpus.cases.length).toBeGreaterThanOrEqual(60);
    const formats = new Set(corpus.cases.map((c) => c.doc.split('-')[0]));
    expect([...formats].sort()).toEqual(
      expect.arrayContaining(['elastic', 'ibm', 'newrelic', 'prometheus', 'sysdig']),
    );
  });

  it('gives the first output (or none, or an error) the CLIs give, except for the recorded differences', async () => {
    const mismatches: string[] = [];
    for (const [i, c] of corpus.cases.entries()) {
      const text = JSON.stringify(corpus.documents[c.doc]);
      expect(text, `case ${i}: unknown document ${c.doc}`).toBeDefined();
      const library = outcome(await engine.firstOutput(c.program, { text }));
      for (const cli of ['gojq', 'jq'] as const) {
        const expected = runCli(cli, c.program, text);
        const same = JSON.stringify(expected) === JSON.stringify(library);
        const recorded = c.differs?.[cli];
        const where = `case ${i} (${c.doc}, ${JSON.stringify(c.program)}) vs ${cli}`;
        if (!same && !recorded)
          mismatches.push(`${where}: ${cli} ${JSON.stringify(expected)}, library ${JSON.stringify(library)}`);
        if (same && recorded) mismatches.push(`${where}: recorded difference no longer holds (${recorded})`);
      }
    }
    expect(mismatches).toEqual([]);
  }, 180_000); // hundreds of jq and gojq processes: minutes on a loaded machine
});
