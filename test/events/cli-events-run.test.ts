import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';

describe('slokit events run (command line)', () => {
  it('needs exactly one of --slo-exporter-config and -c: exit 2 with the reason', async () => {
    for (const args of [[], ['--slo-exporter-config', 'a.yaml', '-c', 'slokit.yaml']]) {
      const { code, stderr } = await runCli(['events', 'run', ...args]);
      expect(code).toBe(2);
      expect(stderr).toContain(
        'give exactly one of --slo-exporter-config <file> or -c, --config <slokit.yaml>',
      );
    }
  });

  it('documents its flags and exit codes', async () => {
    const { code, stdout } = await runCli(['events', 'run', '--help']);
    expect(code).toBe(0);
    for (const flag of [
      '--slo-exporter-config',
      '--config',
      '--listen',
      '--stdin',
      '--print-metrics',
      '--history-db',
      '--no-store',
      '--auth-token-file',
    ])
      expect(stdout).toContain(flag);
    expect(stdout).toContain('A second SIGTERM/SIGINT exits at once (143/130).');
  });
});
