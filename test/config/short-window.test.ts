import { afterEach, describe, expect, it } from 'vitest';
import { loadSharedConfig } from '../../src/config/load.js';
import { issuesOf } from '../helpers/config-issues.js';
import { policyStepsYaml } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const config = (steps: object[]) => `backends:
  prometheus: {url: http://localhost:9090}
error_budget_policies:
  default:
    steps:
${policyStepsYaml(steps)}`;

let dir: ReturnType<typeof tempDir>;
afterEach(() => dir?.cleanup());

describe('policy step short_window', () => {
  it('reads seconds or a duration, as window', async () => {
    dir = tempDir();
    const file = dir.write(
      'config.yaml',
      config([
        { name: 'page', window: '1h', short_window: '5m', burn_rate_threshold: 14.4 },
        { name: 'ticket', window: 86400, short_window: 7200, burn_rate_threshold: 3 },
      ]),
    );
    const { config: loaded } = await loadSharedConfig(file);
    expect(loaded.error_budget_policies.default!.steps.map((s) => [s.window, s.short_window])).toEqual([
      [3600, 300],
      [86400, 7200],
    ]);
  });

  it('refuses a short_window that is not shorter than window, at the field', async () => {
    dir = tempDir();
    const file = dir.write(
      'config.yaml',
      config([
        { name: 'page', window: '1h', short_window: '1h', burn_rate_threshold: 14.4 },
        { name: 'slow', window: '6h', short_window: '1d', burn_rate_threshold: 6 },
        { name: 'odd', window: '6h', short_window: '0s', burn_rate_threshold: 6 },
      ]),
    );
    expect(await issuesOf(loadSharedConfig(file))).toEqual([
      `${file}:8:23: error_budget_policies.default.steps[0].short_window: expected a short_window shorter than window (3600 s), got 3600 s`,
      `${file}:12:23: error_budget_policies.default.steps[1].short_window: expected a short_window shorter than window (21600 s), got 86400 s`,
      `${file}:16:23: error_budget_policies.default.steps[2].short_window: expected a positive whole number of seconds or a duration such as "90d", "12h", "1h30m" (units y, w, d, h, m, s, ms), got "0s"`,
    ]);
  });
});
