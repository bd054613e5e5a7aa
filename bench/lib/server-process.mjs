/**
 * Server binaries (Prometheus, Pushgateway) for tests and benchmarks: spawn one on a free loopback port, wait
 * until it answers its readiness endpoint, and make sure it never outlives this process.
 *
 * - The port comes from `freePort()`; when another process takes it between that and the bind, the start is
 *   retried on a new port (up to `attempts` times); any other failure is thrown at once, with the server's
 *   last output.
 * - `stop()` ends the server (SIGTERM, SIGKILL after 5 s) and removes its directory; it is idempotent.
 * - An exit hook SIGKILLs every server still running when this process exits, and a detached watchdog shell
 *   kills the server and removes its directory if this process dies without running its exit hooks (SIGKILL
 *   of a test worker, say).
 *
 * One implementation for `bench/` (plain JS) and `test/helpers/` (types in `server-process.d.mts`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free TCP port on 127.0.0.1 (listen on 0, read the port, close). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A new empty directory under the system temporary directory. */
export function makeTempDir(prefix = 'slokit-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Processes started here that must not outlive this process, even when a test run is interrupted. */
const children = new Set();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of children) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/**
 * A detached shell that kills the server and removes its directory (if any) when this process dies without
 * running its exit hooks. It exits quietly when the server ends first (stop(), or a failed start).
 */
function startWatchdog(serverPid, dir) {
  const script =
    'while kill -0 "$1" 2>/dev/null; do kill -0 "$2" 2>/dev/null || exit 0; sleep 1; done; ' +
    'kill -9 "$2" 2>/dev/null; sleep 1; [ -z "$3" ] || rm -rf "$3"';
  const watchdog = spawn(
    'sh',
    ['-c', script, 'slokit-server-watchdog', String(process.pid), String(serverPid), dir ?? ''],
    { detached: true, stdio: 'ignore' },
  );
  watchdog.unref();
  return watchdog;
}

/** Polls `url` until it answers 2xx; throws when the process exits first or after `timeoutMs`. */
async function waitReady(name, url, child, logs, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before ready:\n${logs()}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error(`${name} not ready at ${url} after ${timeoutMs} ms:\n${logs()}`);
}

/**
 * Starts `command` with `args(port)` on a free loopback port and waits until `GET <url><readyPath>` answers
 * 2xx. `dir`, when given, belongs to the server from then on: it is removed by `stop()`, by the watchdog, or
 * right away when the start fails.
 * @param {import('./server-process.d.mts').ServerOptions} options
 * @returns {Promise<import('./server-process.d.mts').ServerProcess>}
 */
export async function startServer({
  name,
  command,
  args,
  dir,
  readyPath = '/-/ready',
  readyTimeoutMs = 30_000,
  attempts = 3,
}) {
  try {
    let lastError;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const port = await freePort();
      try {
        return await launch({ name, command, args: args(port), port, dir, readyPath, readyTimeoutMs });
      } catch (error) {
        lastError = error;
        if (!/address already in use/.test(String(error))) break;
      }
    }
    throw lastError;
  } catch (error) {
    if (dir) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function launch({ name, command, args, port, dir, readyPath, readyTimeoutMs }) {
  installExitHook();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  const keep = (d) => {
    output = (output + d).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const spawnError = new Promise((_, reject) => child.on('error', reject));
  spawnError.catch(() => {});
  const logs = () => output;
  const watchdog = child.pid === undefined ? undefined : startWatchdog(child.pid, dir);

  /** Ends the process (SIGTERM, SIGKILL after 5 s) and its watchdog; keeps the directory. */
  let ended;
  const endProcess = () => {
    ended ??= (async () => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      children.delete(child);
      if (watchdog?.pid !== undefined) {
        try {
          process.kill(watchdog.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    })();
    return ended;
  };
  let stopped;
  const stop = () => {
    stopped ??= endProcess().then(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });
    return stopped;
  };

  try {
    await Promise.race([waitReady(name, `${url}${readyPath}`, child, logs, readyTimeoutMs), spawnError]);
  } catch (error) {
    await endProcess(); // startServer() removes the directory, or retries on another port with it
    throw error;
  }
  return { url, port, pid: child.pid, dir, logs, stop };
}
