/**
 * A real crash: a tailing process is killed with SIGKILL between two position saves, then restarted.
 * What it proves about the tailer: no line is lost, and no line before the last saved position is read
 * again; the lines read again are exactly those consumed after that save (a consumer that persists its own
 * state together with the positions, as the windowed event store will, counts each line once).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it, vi } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

const CHILD = fileURLToPath(new URL('./tail-child.ts', import.meta.url));
const LINES = 3000;

let dir: ReturnType<typeof tempDir> | undefined;
afterEach(() => dir?.cleanup());

const start = (args: string[]): ChildProcess =>
  spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
const readValues = (file: string) =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];

it('after SIGKILL between position saves, a restart loses no line and re-reads only lines after the last save', async () => {
  dir = tempDir('slokit-tailer-crash-');
  const log = join(dir.root, 'access.log');
  const positions = join(dir.root, 'positions.json');
  const firstOut = join(dir.root, 'first.txt');
  const secondOut = join(dir.root, 'second.txt');
  const all = Array.from({ length: LINES }, (_, i) => String(i));
  writeFileSync(log, all.map((n) => `n=${n}\n`).join(''));

  const first = start([log, positions, firstOut, 'follow']);
  // Kill it mid-file, once at least one position has been saved.
  await vi.waitFor(
    () => {
      expect(existsSync(positions)).toBe(true);
      expect(readValues(firstOut).length).toBeGreaterThan(500);
    },
    { timeout: 20_000, interval: 5 },
  );
  first.kill('SIGKILL');
  await exited(first);
  const consumedBeforeCrash = readValues(firstOut);
  expect(consumedBeforeCrash.length).toBeLessThan(LINES); // really killed mid-file
  const saved = JSON.parse(readFileSync(positions, 'utf8')).positions[log];
  const savedLines =
    saved.offset === 0 ? 0 : readFileSync(log).subarray(0, saved.offset).toString().split('\n').length - 1;

  const second = start([log, positions, secondOut, 'once']);
  expect(await exited(second)).toBe(0);
  const readAfterRestart = readValues(secondOut);

  // The first run consumed a prefix in order; the saved position is within it.
  expect(consumedBeforeCrash).toEqual(all.slice(0, consumedBeforeCrash.length));
  expect(savedLines).toBeGreaterThan(0);
  expect(savedLines).toBeLessThanOrEqual(consumedBeforeCrash.length);
  // The restart reads exactly from the saved position to the end: nothing lost, nothing before it again.
  expect(readAfterRestart).toEqual(all.slice(savedLines));
}, 60_000);
