/**
 * Whole-process timing for the benchmarks: what a user waits for, from spawn to exit (Node start-up, module
 * loading, the work, output and exit included).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/**
 * CPU milliseconds (user + system) of this process' finished children so far: cutime + cstime of
 * /proc/self/stat (Linux; clock ticks of 10 ms, USER_HZ = 100). NaN elsewhere.
 */
export function childrenCpuMs() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of stat (cutime, cstime); `fields` starts at field 3.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return Number.NaN;
  }
}

/**
 * Runs `command args` to completion, collecting its output.
 * @param {string} command
 * @param {readonly string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv }} [options]
 * @returns {Promise<{ ms: number, cpuMs: number, code: number | null, signal: string | null, stdout: string,
 *   stderr: string }>} `ms`: milliseconds from spawn to exit; `cpuMs`: CPU milliseconds the process used
 *   (see `childrenCpuMs`; exact only when no other child of this process ends meanwhile).
 */
export function runProcess(command, args, { cwd, env } = {}) {
  return new Promise((resolve, reject) => {
    const cpuBefore = childrenCpuMs();
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
        cpuMs: childrenCpuMs() - cpuBefore,
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
