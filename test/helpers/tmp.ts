import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A temporary directory with a helper to write files into it; `cleanup` removes it. */
export function tempDir(prefix = 'slokit-test-') {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return {
    root,
    write(relative: string, content: string): string {
      const file = join(root, relative);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      return file;
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
