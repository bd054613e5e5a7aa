/**
 * Whole-process timing for the benchmarks: what a user waits for, from spawn to exit (Node start-up, module
 * loading, the work, output and exit included).
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/**
 * Runs `command args` to completion, collecting its output.
 * @param {string} command
 * @param {readonly string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv }} [options]
 * @returns {Promise<{ ms: number, code: number | null, signal: string | null, stdout: string, stderr: string }>}
 *   `ms`: milliseconds from spawn to exit.
 */
export function runProcess(command, args, { cwd, env } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    let ms = 0;
    // The time stops at exit; the output is complete at 'close', which follows.
    child.on('exit', () => {
      ms = performance.now() - started;
    });
    child.on('close', (code, signal) =>
      resolve({
        ms,
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

/** `runProcess`, throwing (with the end of stderr) unless the process exits with one of `okCodes` (default 0). */
export async function runChecked(command, args, options = {}, okCodes = [0]) {
  const result = await runProcess(command, args, options);
  if (!okCodes.includes(result.code ?? -1)) {
    throw new Error(
      `${command} ${args.join(' ')} exited with ${result.code ?? result.signal}: ${result.stderr.slice(-2000)}`,
    );
  }
  return result;
}
