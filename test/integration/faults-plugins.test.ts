/**
 * Fault injection through the real CLI process (`node dist/cli/main.js`): plugins that hang, answer in an
 * hour, hang or exit while loading, return unreadable results, throw from timers, call process.exit, or
 * leave handles open, and an exporter that never returns. Each run must finish by itself, print every other
 * SLO's report, and exit 1 (2 for `validate`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SloReport, ValidReport } from '../../src/domain/types.js';
import { REPO, runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers/tmp.js';

/** Plugins resolve against the working directory first: the fixture folder holding `custom/`. */
const PLUGINS = join(REPO, 'test/fixtures/plugins');
const dir = tempDir('slokit-faults-');
afterAll(() => dir.cleanup());

const POLICY = `error_budget_policies:
  default:
    steps:
      - name: 1 hour
        window: 3600
        burn_rate_threshold: 9
        message_alert: page
        message_ok: ok
`;

/** An SLO file per name, all on the given backend key of `backends` (name → backend key). */
function writeCase(
  name: string,
  slos: Record<string, string>,
  extra: { backends?: string; exporters?: string; sloExporters?: string[] } = {},
) {
  const keys = [...new Set(Object.values(slos))];
  const backends = extra.backends ?? keys.map((key) => `  ${key}:\n    token: hunter2-token\n`).join('');
  dir.write(
    `${name}/config.yaml`,
    `backends:\n${backends}exporters:\n${extra.exporters ?? '  {}\n'}${POLICY}`,
  );
  for (const [slo, backend] of Object.entries(slos)) {
    const exporters = extra.sloExporters ? `  exporters: [${extra.sloExporters.join(', ')}]\n` : '';
    dir.write(
      `${name}/slos/${slo}.yaml`,
      `apiVersion: sre.google.com/v2
kind: ServiceLevelObjective
metadata:
  name: ${slo}
spec:
  description: ${slo}
  backend: ${backend}
  method: good_bad_ratio
${exporters}  service_level_indicator: {}
  goal: 0.9
`,
    );
  }
  return ['-f', join(dir.root, name, 'slos'), '-c', join(dir.root, name, 'config.yaml')];
}

const computeJson = async (args: string[], more: string[] = []) => {
  const run = await runCli(['compute', ...args, '-o', 'json', '--call-timeout', '1', ...more], {
    cwd: PLUGINS,
  });
  const reports = run.stdout ? (JSON.parse(run.stdout) as SloReport[]) : [];
  const byName = Object.fromEntries(reports.map((r) => [r.metadata.name, r]));
  return { ...run, byName };
};

describe('compute survives misbehaving plugins', () => {
  it('hanging, hour-long, exiting and unreadable answers: each invalid, the others printed, exit 1', async () => {
    const { code, byName, stderr } = await computeJson(
      writeCase('calls', {
        fine: 'custom.faults.Fine',
        never: 'custom.faults.Never',
        hour: 'custom.faults.InAnHour',
        exits: 'custom.faults.Exits',
        proxy: 'custom.faults.ProxyResult',
        getter: 'custom.faults.GetterResult',
      }),
    );
    expect(code, stderr).toBe(1);
    expect(Object.keys(byName).sort()).toEqual(['exits', 'fine', 'getter', 'hour', 'never', 'proxy']);
    expect(byName.fine).toMatchObject({ valid: true, sli_measurement: 0.99 });
    expect(byName.never!.errors[0]).toBe(
      'TimeoutError: backend call good_bad_ratio of backend custom.faults.Never timed out after 1 s',
    );
    expect(byName.hour!.errors[0]).toBe(
      'TimeoutError: backend call good_bad_ratio of backend custom.faults.InAnHour timed out after 1 s',
    );
    expect(byName.exits!.errors[0]).toBe(
      'PluginExitError: backend "custom.faults.Exits" (SLO "exits") called process.exit(0); plugins may not end the run (throw an error instead)',
    );
    expect(byName.proxy!.errors[0]).toBe('Error: proxy says no');
    expect(byName.getter!.errors[0]).toBe('Error: getter says no');
  });

  it('errors from plugin timers, unhandled rejections and a later process.exit: counted, attributed, redacted, exit 1', async () => {
    const { code, byName, stderr } = await computeJson(
      writeCase('later', {
        'throws-later': 'custom.faults.ThrowsLater',
        'exits-later': 'custom.faults.ExitsLater',
        fine: 'custom.faults.Fine',
      }),
    );
    expect(code, stderr).toBe(1);
    expect(Object.values(byName).map((r) => r.valid)).toEqual([true, true, true]);
    expect(stderr).toContain(
      'slokit: uncaught error from plugin code of backend "custom.faults.ThrowsLater" (SLO "throws-later"): Error: late boom with ***\n',
    );
    expect(stderr).toContain(
      'slokit: unhandled promise rejection from plugin code of backend "custom.faults.ThrowsLater" (SLO "throws-later"): Error: nobody handles this\n',
    );
    expect(stderr).toContain(
      'slokit: uncaught error from plugin code of backend "custom.faults.ExitsLater" (SLO "exits-later"): PluginExitError: ',
    );
    expect(stderr).not.toContain('hunter2');
  });

  it('exits by itself, with exit 0, when a plugin leaves an interval and a listening socket open', async () => {
    const { code, byName, stderr } = await computeJson(
      writeCase('handles', { handles: 'custom.faults.LeavesHandles' }),
    );
    expect(code, stderr).toBe(0);
    expect(byName.handles).toMatchObject({ valid: true, good_events_count: 990 });
  });

  it('a module that hangs or exits while loading: its SLOs invalid, the others printed, exit 1', async () => {
    const { code, byName, stderr } = await computeJson(
      writeCase('loading', {
        fine: 'custom.faults.Fine',
        hangs: 'custom.hangs_on_load.HangsOnLoad',
        exits: 'custom.exits_on_load.ExitsOnLoad',
      }),
    );
    expect(code, stderr).toBe(1);
    expect(byName.fine!.valid).toBe(true);
    expect(byName.hangs!.errors[0]).toBe(
      'TimeoutError: loading backend custom.hangs_on_load.HangsOnLoad timed out after 1 s',
    );
    expect(byName.exits!.errors[0]).toMatch(
      /^PluginLoadError: cannot load plugin module .*custom\/exits_on_load\.mjs: plugin module .*exits_on_load\.mjs called process\.exit\(0\); plugins may not end the run/,
    );
  });

  it('validate gives a module that hangs while loading a deadline too: exit 2 naming the module', async () => {
    const args = writeCase('validate-hang', { hangs: 'custom.hangs_on_load.HangsOnLoad' });
    const { code, stderr } = await runCli(['validate', ...args, '--call-timeout', '1'], { cwd: PLUGINS });
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /spec\.backend: loading plugin module .*custom\/hangs_on_load\.mjs timed out after 1 s/,
    );
  });

  it('an exporter that never returns fails at its deadline and the exporters after it still run', async () => {
    const record = join(dir.root, 'exported.txt');
    const args = writeCase(
      'exporters',
      { fine: 'custom.faults.Fine' },
      {
        exporters: `  custom.exporters.NeverReturns: {}\n  custom.exporters.Recording:\n    path: ${record}\n`,
        sloExporters: ['custom.exporters.NeverReturns', 'custom.exporters.Recording'],
      },
    );
    const { code, byName, stderr } = await computeJson(args, ['--export']);
    expect(code, stderr).toBe(1);
    expect(readFileSync(record, 'utf8')).toBe('fine\n');
    expect(byName.fine!.errors).toEqual([
      'NeverReturns "custom.exporters.NeverReturns" failed. | TimeoutError: exporter call export of exporter custom.exporters.NeverReturns timed out after 1 s',
    ]);
  });

  it('takes the deadline from call_timeout in the config, and waits for it with nothing else running (not exit 13)', async () => {
    // The only plugin never answers and holds no timer or socket: without the CLI holding the event loop,
    // Node would end the process at once with "unsettled top-level await" (exit 13) and no output.
    const args = writeCase('config-timeout', { never: 'custom.faults.Never' });
    const file = args[3]!;
    dir.write(`config-timeout/config.yaml`, `call_timeout: 0.5\n${readFileSync(file, 'utf8')}`);
    const run = await runCli(['compute', ...args, '-o', 'json'], { cwd: PLUGINS });
    expect(run.code, run.stderr).toBe(1);
    expect((JSON.parse(run.stdout) as SloReport[])[0]!.errors[0]).toBe(
      'TimeoutError: backend call good_bad_ratio of backend custom.faults.Never timed out after 0.5 s',
    );
  });

  it('refuses a --call-timeout that is not between 0.01 s and a day (exit 2)', async () => {
    const args = writeCase('bad-timeout', { fine: 'custom.faults.Fine' });
    for (const value of ['0', '-1', 'soon', '1e10', '0.001']) {
      const run = await runCli(['compute', ...args, '--call-timeout', value], { cwd: PLUGINS });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        `option '--call-timeout <seconds>' argument '${value}' is invalid. expected seconds between 0.01 and 86400 seconds (1 day).`,
      );
    }
  });
});

describe('colours', () => {
  it('colours the table when FORCE_COLOR says so, even off a terminal, and not when it says 0', async () => {
    const args = writeCase('colours', { fine: 'custom.faults.Fine' });
    const table = (FORCE_COLOR: string) =>
      runCli(['compute', ...args, '-o', 'table'], { cwd: PLUGINS, env: { FORCE_COLOR } });
    expect((await table('1')).stdout).toContain('\u001b[32mok');
    expect((await table('0')).stdout).not.toContain('\u001b[');
  });
});

describe('TypeScript plugins share the running module graph', () => {
  it('a .mts plugin importing slokit gets the same MetricsExporter class as a JavaScript plugin', async () => {
    // One call at a time, in file order: the JavaScript plugin records its class before the TypeScript one
    // compares.
    const args = writeCase('identity', {
      'a-js': 'custom.identity_js.IdentityJs',
      'b-ts': 'custom.identity_ts.IdentityTs',
    });
    const { code, byName, stderr } = await computeJson(args, ['--concurrency', '1']);
    expect(code, stderr).toBe(0);
    expect((byName['b-ts'] as ValidReport).good_events_count).toBe(1);
  });
});

describe('plugin paths that name Python files', () => {
  it('says a Python file was found and which JavaScript or TypeScript file to write', async () => {
    dir.write('python/custom/custom_backend.py', 'class CustomBackend: pass\n');
    const args = writeCase('python', { py: 'custom.custom_backend.CustomBackend' });
    const { code, stderr } = await runCli(['validate', ...args], { cwd: join(dir.root, 'python') });
    expect(code).toBe(2);
    expect(stderr).toContain(
      `plugin "custom.custom_backend.CustomBackend" not found: found the Python file ${join(dir.root, 'python/custom/custom_backend.py')}, but slokit plugins are JavaScript or TypeScript modules; write custom/custom_backend.js or custom/custom_backend.ts exporting the same class`,
    );
  });
});
