import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/**
 * Runs the built CLI with stderr a pipe whose reading end the parent closes before the child writes anything
 * (Node starts in tens of milliseconds; the pipe is closed synchronously at spawn). Resolves with the exit
 * code, or 'killed' if the child had to be stopped: a CLI spinning on its write errors never exits.
 */
function runWithClosedStderr(args: string[]): Promise<number | 'killed'> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.destroy();
    const stop = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(stop);
      resolve(code ?? 'killed');
    });
  });
}

describe('a closed stderr', () => {
  it('ends a usage error with exit code 2 (compute -o bogus)', async () => {
    expect(await runWithClosedStderr(['compute', '-f', 'x', '-o', 'bogus'])).toBe(2);
  }, 30_000);

  it('ends a usage error with exit code 2 (metrics get --timeout 0)', async () => {
    expect(await runWithClosedStderr(['metrics', 'get', '-p', 'x', '--timeout', '0'])).toBe(2);
  }, 30_000);

  it('keeps the exit code of a config error (missing file)', async () => {
    expect(await runWithClosedStderr(['compute', '-f', '/nonexistent/slo.yaml'])).toBe(2);
  }, 30_000);
});
