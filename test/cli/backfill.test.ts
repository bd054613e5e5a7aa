import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTimeArgument } from '../../src/cli/backfill.js';
import { tempDir } from '../helpers/tmp.js';
import { runCli } from './run-cli.js';

describe('parseTimeArgument', () => {
  const now = 1_800_000_000.5;
  it('reads now, durations before now, Unix seconds and RFC 3339', () => {
    expect(parseTimeArgument('now', now)).toBe(now);
    expect(parseTimeArgument('-7d', now)).toBe(now - 7 * 86_400);
    expect(parseTimeArgument('now-1h30m', now)).toBe(now - 5400);
    expect(parseTimeArgument('1700000000', now)).toBe(1_700_000_000);
    expect(parseTimeArgument('1700000000.25', now)).toBe(1_700_000_000.25);
    expect(parseTimeArgument('2026-11-23T00:00:00Z', now)).toBe(Date.UTC(2026, 10, 23) / 1000);
    expect(parseTimeArgument('2026-11-23T02:00:00+02:00', now)).toBe(Date.UTC(2026, 10, 23) / 1000);
  });

  it('refuses anything else', () => {
    for (const text of ['yesterday', '-7x', '7d', '2026-11-23', '', 'now+1h'])
      expect(parseTimeArgument(text, now), text).toBeUndefined();
  });
});

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('slokit-backfill-cli-');
});
afterEach(() => dir.cleanup());

const POLICY = `error_budget_policies:
  default:
    steps:
      - {name: 1h, window: 3600, burn_rate_threshold: 10, alert: true, message_alert: page, message_ok: ok}
`;
const SLO = `apiVersion: sre.google.com/v2
kind: ServiceLevelObjective
metadata: {name: web-availability}
spec:
  description: web
  backend: events
  method: good_bad_ratio
  service_level_indicator: {app: web}
  goal: 0.99
`;

describe('slokit backfill', () => {
  it('refuses a time it cannot read, naming the flag and the accepted forms (exit 2)', async () => {
    const config = dir.write('slokit.yaml', `${POLICY}slos: [slos/]\n`);
    const { code, stderr } = await runCli(['backfill', '-c', config, '--from', 'last tuesday']);
    expect(code).toBe(2);
    expect(stderr).toContain('--from "last tuesday": expected an RFC 3339 time');
    const reversed = await runCli(['backfill', '-c', config, '--from', 'now', '--to', '-1d']);
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toContain('--from (now) is after --to (-1d)');
  });

  it('reports config errors with file, line, column and field (exit 2)', async () => {
    dir.write('slos/web.yaml', SLO);
    const config = dir.write('slokit.yaml', `${POLICY}slos: [slos/]\nsloz: 1\n`);
    const { code, stderr } = await runCli(['backfill', '-c', config, '--from', '-1h']);
    expect(code).toBe(2);
    expect(stderr).toContain(`${config}:6:1: sloz: unknown field "sloz"; did you mean "slos"?`);
  });

  it('uses <data-dir>/history.db and prints the summary; invalid reports are not stored and exit 1', async () => {
    dir.write('slos/web.yaml', SLO);
    const db = `${dir.root}/data/history.db`;
    const config = dir.write(
      'slokit.yaml',
      `backends: {events: {path: ${db}}}\n${POLICY}slos: [slos/]\nserver: {auth_token: secret-token}\n`,
    );
    // An empty database: every report is invalid (no data), nothing is stored.
    const { code, stdout } = await runCli([
      'backfill',
      '-c',
      config,
      '--data-dir',
      `${dir.root}/data`,
      '--from',
      '1700000000',
      '--to',
      '1700010000',
      '--every',
      '1h',
      '--log-level',
      'silent',
    ]);
    expect(JSON.parse(stdout)).toEqual({ instants: 3, stored: 0, skipped: 0, invalid: 3 });
    expect(code).toBe(1);
    expect(existsSync(db)).toBe(true);
  });
});
