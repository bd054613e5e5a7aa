/**
 * Differential test: src/lang/go-float.ts and go-duration.ts against real Go (`go run` of
 * scripts/go-parse-oracle.go, Debian package golang-go) over a corpus of generated and hand-picked strings.
 * Without `go` this test fails: CI installs golang-go (scripts/install-test-deps.sh).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseGoDuration } from '../../src/lang/go-duration.js';
import { parseGoFloat } from '../../src/lang/go-float.js';
import { goParseCorpus } from './go-corpus.js';

const ORACLE = fileURLToPath(new URL('../../scripts/go-parse-oracle.go', import.meta.url));

function runGo(corpus: string[]): string[] {
  let output: string;
  try {
    output = execFileSync('go', ['run', ORACLE], {
      input: `${corpus.map((s) => JSON.stringify(s)).join('\n')}\n`,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 300_000,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new Error(
        'the Go toolchain is required for this differential test: install the Debian package golang-go ' +
          '(scripts/install-test-deps.sh does it)',
      );
    }
    throw error;
  }
  return output.trimEnd().split('\n');
}

function floatBits(value: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

const isNaNBits = (bits: string) => {
  const n = BigInt(`0x${bits}`);
  return (n & 0x7ff0000000000000n) === 0x7ff0000000000000n && (n & 0xfffffffffffffn) !== 0n;
};

describe('Go ParseFloat and ParseDuration ports agree with real Go', () => {
  const corpus = goParseCorpus();

  it('uses a corpus of at least 500 distinct strings', () => {
    expect(new Set(corpus).size).toBeGreaterThanOrEqual(500);
  });

  it('gives the same result as Go for every string', () => {
    const lines = runGo(corpus);
    expect(lines).toHaveLength(corpus.length);
    const mismatches: string[] = [];
    corpus.forEach((text, i) => {
      const [goFloat, goDuration] = lines[i]!.split(' ');
      const float = parseGoFloat(text);
      const ours = float === undefined ? 'err' : floatBits(float);
      const same = goFloat !== 'err' && isNaNBits(goFloat!) ? Number.isNaN(float) : ours === goFloat;
      if (!same) mismatches.push(`ParseFloat(${JSON.stringify(text)}): go ${goFloat}, ours ${ours}`);
      const duration = parseGoDuration(text);
      const oursDuration = duration === undefined ? 'err' : duration.toString();
      if (oursDuration !== goDuration)
        mismatches.push(`ParseDuration(${JSON.stringify(text)}): go ${goDuration}, ours ${oursDuration}`);
    });
    expect(mismatches).toEqual([]);
  }, 300_000);
});
