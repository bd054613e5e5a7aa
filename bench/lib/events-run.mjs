/**
 * `slokit events run` as a child process, for the benchmarks and the integration tests (types in
 * `events-run.d.mts`): spawn it, wait for its "events server listening" log line (pino JSON on stderr, with
 * the URL holding the real port, as the command's contract says), stop it with a signal.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI. */
export const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** The `url` of the JSON log line whose `msg` is "events server listening", if printed yet. */
function listeningUrl(stderr) {
  for (const line of stderr.split('\n')) {
    if (!line.includes('events server listening')) continue;
    try {
      const entry = JSON.parse(line);
      if (entry.msg === 'events server listening' && entry.url) return entry.url;
    } catch {
      // A partial line: the rest comes with the next chunk.
    }
  }
  return undefined;
}

/**
 * Starts `node dist/cli/main.js events run <args>` in `cwd` and waits (at most `timeoutMs`, default 20 s) for
 * its "events server listening" line. `stdin: 'pipe'` gives the child a writable stdin (for `--stdin`).
 * Rejects with the process' stderr when it exits first or never says it listens.
 * @param {readonly string[]} args
 * @param {{ cwd: string, timeoutMs?: number, stdin?: 'ignore' | 'pipe' }} options
 */
export async function startEventsRun(args, { cwd, timeoutMs = 20_000, stdin = 'ignore' }) {
  const child = spawn(process.execPath, [MAIN, 'events', 'run', ...args], {
    cwd,
    stdio: [stdin, 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d) => {
    out += d;
  });
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`events run did not listen within ${timeoutMs} ms: ${err}`)),
      timeoutMs,
    );
    child.stderr.setEncoding('utf8').on('data', (d) => {
      err += d;
      const found = listeningUrl(err);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`events run exited (${code}) before listening: ${err}`));
    });
  });
  const stop = async (signal = 'SIGTERM', stopTimeoutMs = 20_000) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  return { child, url, target: new URL(url).host, stdout: () => out, stderr: () => err, exited, stop };
}
