import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, formatIssue } from '../../src/config/errors.js';
import { byteSizeSchema } from '../../src/config/serve-sections.js';
import { expandSloPath, loadSlokitConfig } from '../../src/config/slokit-config.js';
import { tempDir } from '../helpers/tmp.js';
import { sloFile } from '../server/serve-fixtures.js';

const POLICY = `error_budget_policies:
  default:
    steps: [{ name: 1h, window: 3600, burn_rate_threshold: 9 }]
backends:
  fixed.FixedBackend: {}
`;

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('slokit-config-');
});
afterEach(() => dir.cleanup());

/** The issues of loading `text` as slokit.yaml, formatted, with the temp dir shown as `<dir>`. */
async function issuesOf(text: string): Promise<string[]> {
  const file = dir.write('slokit.yaml', text);
  try {
    await loadSlokitConfig(file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((i) => formatIssue(i).replaceAll(dir.root, '<dir>'));
  }
  return [];
}

describe('loadSlokitConfig', () => {
  it('reads the serve sections with their defaults and the SLOs of globs and directories', async () => {
    dir.write('slos/a.yaml', sloFile('a'));
    dir.write('slos/b.yml', sloFile('b'));
    dir.write('more/c.yaml', sloFile('c'));
    const file = dir.write(
      'slokit.yaml',
      `${POLICY}slos: [slos/*.yaml, more]\nschedule: { interval: 5m, overrides: { c: 30s } }\nhistory: { retention: 90d }\n`,
    );
    const config = await loadSlokitConfig(file);
    expect(config.slos.map((s) => s.config.metadata.name)).toEqual(['a', 'c']);
    expect(config.listen).toBe('127.0.0.1:8080');
    expect(config.bodyLimit).toBe(10 * 1024 * 1024);
    expect(config.authToken).toBeUndefined();
    expect([config.intervalOf('a'), config.intervalOf('c')]).toEqual([300, 30]);
    expect(config.historyRetention).toBe(90 * 86400);
    expect(config.pluginDirs[1]).toBe(dir.root);
  });

  it('reads server settings, the token from the environment', async () => {
    const file = dir.write(
      'slokit.yaml',
      `${POLICY}server: { listen: ":9090", auth_token: \${SERVE_TEST_TOKEN}, body_limit: 512KiB }\n`,
    );
    const config = await loadSlokitConfig(file, { SERVE_TEST_TOKEN: 'abc' });
    expect([config.listen, config.authToken, config.bodyLimit, config.slos]).toEqual([
      '0.0.0.0:9090',
      'abc',
      512 * 1024,
      [],
    ]);
    expect(config.intervalOf('any')).toBe(60);
  });

  it('reports every problem with file, line, column and field: bad sections, unmatched globs, unknown overrides', async () => {
    dir.write('slos/checkout.yaml', sloFile('checkout'));
    expect(
      await issuesOf(
        `${POLICY}server: { listen: localhost, body_limit: 10 parsecs, tokn: x }\nslos: [slos/*.yaml, none/*.yaml]\nschedule: { interval: soon }\n`,
      ),
    ).toEqual([
      '<dir>/slokit.yaml:6:19: server.listen: expected host:port (e.g. "0.0.0.0:8080", "127.0.0.1:0", "[::1]:8080"), got "localhost"',
      '<dir>/slokit.yaml:6:42: server.body_limit: expected a positive whole number of bytes or a size such as "512KiB", "10MiB", "1GB" (units B, KB, MB, GB, KiB, MiB, GiB), got "10 parsecs"',
      '<dir>/slokit.yaml:6:54: server.tokn: unknown field "tokn" (expected one of: listen, auth_token, body_limit)',
      expect.stringMatching(
        /^<dir>\/slokit\.yaml:8:\d+: schedule\.interval: expected a positive number of seconds or a duration/,
      ),
    ]);
    expect(
      await issuesOf(`${POLICY}slos: [slos/*.yaml, none/*.yaml]\nschedule: { overrides: { checkot: 5m } }\n`),
    ).toEqual([
      '<dir>/slokit.yaml:6:21: slos[1]: cannot list "<dir>/none" (ENOENT)',
      '<dir>/slokit.yaml:7:26: schedule.overrides.checkot: no SLO of "slos" is named "checkot"; did you mean "checkout"?',
    ]);
  });
});

describe('expandSloPath', () => {
  it('matches * and ? in the last segment only, sorted, skipping hidden files', async () => {
    for (const name of ['b.yaml', 'a.yaml', '.hidden.yaml', 'c.json']) dir.write(`slos/${name}`, '');
    expect(await expandSloPath('slos/?.yaml', dir.root)).toEqual([
      `${dir.root}/slos/a.yaml`,
      `${dir.root}/slos/b.yaml`,
    ]);
    expect(await expandSloPath('slos/*.txt', dir.root)).toEqual({ error: 'no file matches "slos/*.txt"' });
    expect(await expandSloPath('*/a.yaml', dir.root)).toEqual({
      error: 'a glob may only use * and ? in its last path segment, got "*/a.yaml"',
    });
    expect(await expandSloPath('slos', dir.root)).toEqual([`${dir.root}/slos`]);
  });
});

describe('byteSizeSchema', () => {
  it('reads bytes and sizes with SI and binary units', () => {
    expect(['1024', 2048, '10MiB', '1.5KiB', '2 MB', '1gb'].map((v) => byteSizeSchema.parse(v))).toEqual([
      1024, 2048, 10485760, 1536, 2000000, 1e9,
    ]);
    for (const bad of [0, -1, 1.5, '10 parsecs', '', 'MiB'])
      expect(byteSizeSchema.safeParse(bad).success).toBe(false);
  });
});
