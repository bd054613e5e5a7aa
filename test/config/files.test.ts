/**
 * Finding and reading SLO files on a real file system: symbolic links (followed), Kubernetes ConfigMap
 * mounts, link loops, FIFOs and sockets (refused without being opened), unreadable paths, size limits.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSharedConfig, loadSlos, MAX_CONFIG_BYTES, MAX_CONFIG_ITEMS } from '../../src/config/load.js';
import { issuesOf } from '../helpers/config-issues.js';
import { sloYaml } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const slo = (name: string) =>
  sloYaml({ name, description: name, method: 'query_sli', sli: { expression: 'up' }, goal: 0.9 });

let dir: ReturnType<typeof tempDir>;
afterEach(() => dir?.cleanup());

describe('SLO files behind symbolic links', () => {
  it('follows links to files, alone and mixed with plain files', async () => {
    dir = tempDir();
    const target = dir.write('elsewhere/real.yaml', slo('linked'));
    dir.write('slos/plain.yaml', slo('plain'));
    symlinkSync(target, `${dir.root}/slos/link.yaml`);
    const slos = await loadSlos(`${dir.root}/slos`, {});
    expect(slos.map((s) => s.config.metadata.name)).toEqual(['linked', 'plain']);
  });

  it('reads a Kubernetes ConfigMap mount: visible links into ..data, the ..-prefixed internals skipped', async () => {
    dir = tempDir();
    const mount = `${dir.root}/mount`;
    dir.write('mount/..2026_11_30_10_00_00.123/slo.yaml', slo('from-configmap'));
    dir.write('mount/..2026_11_30_10_00_00.123/other.yaml', slo('second'));
    symlinkSync('..2026_11_30_10_00_00.123', `${mount}/..data`);
    symlinkSync('..data/slo.yaml', `${mount}/slo.yaml`);
    symlinkSync('..data/other.yaml', `${mount}/other.yaml`);
    // A stray config-looking file among the internals is not read either.
    writeFileSync(`${mount}/..hidden.yaml`, 'not: [valid');
    expect(readdirSync(mount).sort()).toEqual([
      '..2026_11_30_10_00_00.123',
      '..data',
      '..hidden.yaml',
      'other.yaml',
      'slo.yaml',
    ]);
    const slos = await loadSlos(mount, {});
    expect(slos.map((s) => s.config.metadata.name)).toEqual(['second', 'from-configmap']);
  });

  it('names a symbolic link loop as such, for a listed file and for the path given', async () => {
    dir = tempDir();
    dir.write('slos/ok.yaml', slo('ok'));
    symlinkSync('b.yaml', `${dir.root}/slos/a.yaml`);
    symlinkSync('a.yaml', `${dir.root}/slos/b.yaml`);
    expect(await issuesOf(loadSlos(`${dir.root}/slos`, {}))).toEqual([
      `${dir.root}/slos/a.yaml: symbolic link loop (ELOOP)`,
      `${dir.root}/slos/b.yaml: symbolic link loop (ELOOP)`,
    ]);
    expect(await issuesOf(loadSlos(`${dir.root}/slos/a.yaml`, {}))).toEqual([
      `${dir.root}/slos/a.yaml: symbolic link loop (ELOOP)`,
    ]);
  });

  it('reports a dangling link', async () => {
    dir = tempDir();
    mkdirSync(`${dir.root}/slos`);
    symlinkSync('gone.yaml', `${dir.root}/slos/x.yaml`);
    expect(await issuesOf(loadSlos(`${dir.root}/slos`, {}))).toEqual([
      `${dir.root}/slos/x.yaml: symbolic link to a missing file (ENOENT)`,
    ]);
  });

  it('does not descend into subdirectories, even linked ones', async () => {
    dir = tempDir();
    dir.write('slos/a.yaml', slo('a'));
    dir.write('slos/sub.yaml/b.yaml', slo('b'));
    const slos = await loadSlos(`${dir.root}/slos`, {});
    expect(slos.map((s) => s.config.metadata.name)).toEqual(['a']);
  });
});

describe('files that are not regular files', () => {
  it('refuses a FIFO given as an SLO file or found in a directory, without opening it', async () => {
    dir = tempDir();
    dir.write('slos/a.yaml', slo('a'));
    execFileSync('mkfifo', [`${dir.root}/slos/pipe.yaml`]);
    // Opening the FIFO would block this test forever (no writer): getting an answer proves it was not opened.
    expect(await issuesOf(loadSlos(`${dir.root}/slos/pipe.yaml`, {}))).toEqual([
      `${dir.root}/slos/pipe.yaml: cannot read a FIFO (named pipe): config files must be regular files`,
    ]);
    expect(await issuesOf(loadSlos(`${dir.root}/slos`, {}))).toEqual([
      `${dir.root}/slos/pipe.yaml: cannot read a FIFO (named pipe): config files must be regular files`,
    ]);
    expect(await issuesOf(loadSharedConfig(`${dir.root}/slos/pipe.yaml`, {}))).toEqual([
      `${dir.root}/slos/pipe.yaml: cannot read a FIFO (named pipe): config files must be regular files`,
    ]);
  });

  it('refuses a socket and a character device', async () => {
    dir = tempDir();
    const socket = `${dir.root}/sock.yaml`;
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      expect(await issuesOf(loadSlos(socket, {}))).toEqual([
        `${socket}: cannot read a socket: config files must be regular files`,
      ]);
    } finally {
      server.close();
    }
    expect(await issuesOf(loadSlos('/dev/zero', {}))).toEqual([
      '/dev/zero: cannot read a character device: config files must be regular files',
    ]);
  });
});

/** A directory that cannot be read even by root, if this system has one (see the test below). */
function unreadableForEveryone(root: string): { dir?: string; file?: string } {
  const locked = `${root}/locked`;
  mkdirSync(locked, { mode: 0o000 });
  const fails = (f: () => unknown) => {
    try {
      f();
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EACCES';
    }
  };
  // As a normal user a mode-000 directory does; as root, /proc/1/root and /proc/1/mem (another process's
  // root and memory) do in a container without CAP_SYS_PTRACE.
  const dirPath = fails(() => readdirSync(locked))
    ? locked
    : fails(() => statSync('/proc/1/root'))
      ? '/proc/1/root'
      : undefined;
  const filePath = fails(() => readFileSync('/proc/1/mem')) ? '/proc/1/mem' : undefined;
  return { dir: dirPath, file: filePath };
}

describe('unreadable paths', () => {
  it('is a config error naming the path and EACCES, never a stack trace', async (context) => {
    dir = tempDir();
    const { dir: locked, file } = unreadableForEveryone(dir.root);
    if (!locked && !file) context.skip(); // no path here that even root cannot read
    if (locked) {
      const [issue] = await issuesOf(loadSlos(locked, {}));
      expect(issue).toMatch(
        new RegExp(`^${locked}: (cannot list directory: )?permission denied \\(EACCES\\)$`),
      );
    }
    if (file) {
      expect(await issuesOf(loadSlos(file, {}))).toEqual([
        `${file}: cannot read file: permission denied (EACCES)`,
      ]);
    }
  });
});

describe('size limits', () => {
  it('refuses a file over the byte limit before reading it', async () => {
    dir = tempDir();
    const file = dir.write('big.yaml', `a: "${'x'.repeat(MAX_CONFIG_BYTES)}"\n`);
    expect(await issuesOf(loadSharedConfig(file, {}))).toEqual([
      `${file}: file too large (${MAX_CONFIG_BYTES + 6} bytes; the limit is ${MAX_CONFIG_BYTES} bytes)`,
    ]);
  });

  it('refuses a file with more items than the parser should build nodes for', async () => {
    dir = tempDir();
    const items = Array(MAX_CONFIG_ITEMS + 2).fill('a'); // MAX_CONFIG_ITEMS + 1 commas
    const file = dir.write('list.yaml', `default_exporters: [${items.join(',')}]`);
    expect(await issuesOf(loadSharedConfig(file, {}))).toEqual([
      `${file}: file too large to be a config (${MAX_CONFIG_ITEMS + 1} lines and commas; the limit is ${MAX_CONFIG_ITEMS}): split it into several files`,
    ]);
  });
});
