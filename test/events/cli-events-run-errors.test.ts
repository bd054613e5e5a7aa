import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { eventsRunAvailable } from '../helpers/events-run.js';
import { tempDir } from '../helpers/tmp.js';

const CASE = fileURLToPath(new URL('../fixtures/events/e2e/metadata-classifier/', import.meta.url));
const RUN = ['events', 'run', '--slo-exporter-config', 'slo_exporter.yaml', '--no-store'];

/** The lines of stderr that are the CLI's own messages (the rest are JSON log lines). */
const messages = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('slokit:'));
const sample = (exposition: string, name: string) =>
  exposition.split('\n').find((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`));

describe.skipIf(!eventsRunAvailable())('events run: positions files and listen failures', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('slokit-events-run-errors-');
    cpSync(CASE, dir.root, { recursive: true });
  });
  afterEach(() => dir.cleanup());

  it("resumes slo-exporter's promtail positions file at its path-only offset, warns, and saves slokit's format", async () => {
    const log = join(dir.root, 'access.log');
    const lines = readFileSync(log, 'utf8').split('\n');
    const offset = Buffer.byteLength(`${lines[0]}\n${lines[1]}\n`);
    // slo-exporter keys by the tailedFile as written (relative here, against its working directory).
    writeFileSync(join(dir.root, 'access.log.pos'), `positions:\n  access.log: "${offset}"\n`);
    const { code, stdout, stderr } = await runCli([...RUN, '--listen', '127.0.0.1:0', '--print-metrics'], {
      cwd: dir.root,
    });
    expect(code, stderr).toBe(0);
    // 5 lines in the file, 2 before the offset.
    expect(sample(stdout, 'slo_exporter_tailer_lines_read_total')).toMatch(/ 3$/);
    expect(stderr).toContain('saved position has no file identity');
    const saved = JSON.parse(readFileSync(join(dir.root, 'access.log.pos'), 'utf8'));
    expect(saved.positions[log]).toMatchObject({ offset: Buffer.byteLength(readFileSync(log)) });
    expect(saved.positions[log].inode).toMatch(/^\d+$/);
  });

  it('an unreadable positions file is a config error: exit 2, one line naming the file and what was expected', async () => {
    writeFileSync(join(dir.root, 'access.log.pos'), 'positions: [1, 2]\n');
    const { code, stderr } = await runCli([...RUN, '--listen', '127.0.0.1:0'], { cwd: dir.root });
    expect(code).toBe(2);
    expect(messages(stderr)).toEqual([
      expect.stringMatching(
        /^slokit: .*access\.log\.pos: not a positions file \(no "positions" map\); expected /,
      ),
    ]);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  describe('a busy listen address', () => {
    let busy: Server;
    let port: number;
    beforeEach(async () => {
      busy = createServer();
      await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
      port = (busy.address() as { port: number }).port;
    });
    afterEach(() => new Promise<void>((resolve) => busy.close(() => resolve())));

    it('--listen: exit 1 with one line naming --listen and EADDRINUSE', async () => {
      const { code, stderr } = await runCli([...RUN, '--listen', `127.0.0.1:${port}`], { cwd: dir.root });
      expect(code).toBe(1);
      expect(messages(stderr)).toEqual([
        `slokit: --listen: cannot listen on 127.0.0.1:${port}: the address is already in use (EADDRINUSE)`,
      ]);
      expect(stderr).not.toMatch(/\n\s+at /);
    });

    it("the config's webServerListenAddress: the message names the file and field", async () => {
      const config = join(dir.root, 'slo_exporter.yaml');
      writeFileSync(config, readFileSync(config, 'utf8').replace('"0.0.0.0:8080"', `"127.0.0.1:${port}"`));
      const { code, stderr } = await runCli(RUN, { cwd: dir.root });
      expect(code).toBe(1);
      expect(messages(stderr)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^slokit: \\S*slo_exporter\\.yaml: webServerListenAddress: cannot listen on 127\\.0\\.0\\.1:${port}: .*\\(EADDRINUSE\\)$`,
          ),
        ),
      ]);
    });
  });
});
