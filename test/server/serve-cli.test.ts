/**
 * `slokit serve` and `slokit validate -c` as processes (the built CLI): the dashboard line, SIGHUP reload,
 * graceful SIGTERM (exit 0, history kept), exit 2 for a bad config.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers/tmp.js';
import { POLICY, sloFile } from './serve-fixtures.js';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const BACKEND = 'export class FixedBackend { good_bad_ratio() { return [999, 1]; } }\n';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('slokit-serve-cli-');
  dir.write('fixed.js', BACKEND);
  dir.write('slos/checkout.yaml', sloFile('checkout'));
});
afterEach(() => dir.cleanup());

const config = (extra = '') =>
  dir.write('slokit.yaml', `backends:\n  fixed.FixedBackend: {}\n${POLICY}slos: [slos/*.yaml]\n${extra}`);

describe('slokit serve (process)', () => {
  it('prints the dashboard URL, reloads on SIGHUP and shuts down on SIGTERM with exit 0', async () => {
    const file = config();
    const child = spawn(process.execPath, [MAIN, 'serve', '-c', file, '--listen', '127.0.0.1:0'], {
      cwd: dir.root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await vi.waitFor(() => expect(stdout).toMatch(/^Dashboard: http:\/\/127\.0\.0\.1:\d+\/\n/), {
        timeout: 15_000,
      });
      const base = stdout.slice('Dashboard: '.length).trim().replace(/\/$/, '');
      expect(stderr).toContain(`"url":"${base}","msg":"slokit serving"`);
      const names = async () =>
        ((await (await fetch(`${base}/api/slos`)).json()) as { slos: { name: string }[] }).slos.map(
          (s) => s.name,
        );
      expect(await names()).toEqual(['checkout']);
      dir.write('slos/search.yaml', sloFile('search'));
      child.kill('SIGHUP');
      await vi.waitFor(async () => expect(await names()).toEqual(['checkout', 'search']), {
        timeout: 10_000,
      });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      // The default data directory is beside the config file.
      expect(existsSync(join(dir.root, '.slokit', 'history.db'))).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  }, 30_000);

  it('exits 2 naming file, line and field for a bad config, and for a bad --listen', async () => {
    const file = config('schedule: { interval: never }\n');
    const bad = await runCli(['serve', '-c', file], { cwd: dir.root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /slokit\.yaml:9:\d+: schedule\.interval: expected a positive number of seconds/,
    );
    const listen = await runCli(['serve', '-c', config(), '--listen', 'nowhere'], { cwd: dir.root });
    expect(listen.code).toBe(2);
    expect(listen.stderr).toContain('--listen: invalid listen address: expected host:port');
  });
});

describe('slokit validate -c slokit.yaml', () => {
  it('checks the SLOs of the slos: section', async () => {
    const ok = await runCli(['validate', '-c', config()], { cwd: dir.root });
    expect([ok.code, ok.stdout]).toEqual([
      0,
      `ok: 1 SLO(s) and ${join(dir.root, 'slokit.yaml')} are valid\n`,
    ]);
    dir.write('slos/typo.yaml', sloFile('typo').replace('fixed.FixedBackend', 'fixed.FixedBackand'));
    const bad = await runCli(['validate', '-c', config()], { cwd: dir.root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/typo\.yaml:6:\d+: spec\.backend: .*did you mean "fixed\.FixedBackend"\?/);
  });

  it('needs SLOs from -f or the slos: section', async () => {
    const file = dir.write('plain.yaml', `backends:\n  fixed.FixedBackend: {}\n${POLICY}`);
    const result = await runCli(['validate', '-c', file], { cwd: dir.root });
    expect([result.code, result.stderr]).toEqual([
      2,
      `slokit: give SLO files with -f, or list them in the "slos:" section of ${file}\n`,
    ]);
  });
});
