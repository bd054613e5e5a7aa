/**
 * The built CLI on unusable SLO paths: a config error (exit 2) naming the path and the reason, never a stack
 * trace and never a hang.
 */
import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { runCli } from './run-cli.js';

let dir: ReturnType<typeof tempDir>;
afterEach(() => dir?.cleanup());

const CONFIG = 'backends: {}\nerror_budget_policies: {}\n';

describe('slokit validate and compute on unusable SLO paths', () => {
  it.each(['validate', 'compute'])(
    '%s: a FIFO and a link loop are config errors (exit 2)',
    async (command) => {
      dir = tempDir();
      const config = dir.write('config.yaml', CONFIG);
      execFileSync('mkfifo', [`${dir.root}/pipe.yaml`]);
      symlinkSync('loop.yaml', `${dir.root}/loop.yaml`);
      const { code, stdout, stderr } = await runCli([
        command,
        '-f',
        `${dir.root}/pipe.yaml`,
        `${dir.root}/loop.yaml`,
        '-c',
        config,
      ]);
      expect(stderr).toBe(
        [
          'slokit: 2 config errors:',
          `  ${dir.root}/pipe.yaml: cannot read a FIFO (named pipe): config files must be regular files`,
          `  ${dir.root}/loop.yaml: symbolic link loop (ELOOP)`,
          '',
        ].join('\n'),
      );
      expect(stdout).toBe('');
      expect(code).toBe(2);
    },
  );
});
