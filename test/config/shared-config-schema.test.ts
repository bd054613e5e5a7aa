import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSharedConfig } from '../../src/config/load.js';
import { SHARED_CONFIG_SECTIONS, sharedConfigCoreSchema } from '../../src/config/schema.js';
import { sharedConfigSchema } from '../../src/config/shared-config-schema.js';
import { parseSource } from '../../src/config/yaml-source.js';
import { issuesOf } from '../helpers/config-issues.js';
import { tempDir } from '../helpers/tmp.js';

// The core schema is the fast path of loadSharedConfig for configs without the optional sections: it must
// give what the whole schema gives, or a config would mean something else depending on its other keys.

const REPO_CONFIGS = [
  'examples/compute-quickstart/config.yaml',
  'examples/alerting/config.yaml',
  'test/fixtures/slo-generator-samples/config.yaml',
  'test/fixtures/openslo/checkout/config.yaml',
];

/** Configs without sections, varied over every core field, defaults and durations included. */
const VARIED: unknown[] = [
  { error_budget_policies: { default: { steps: [{ name: 'a', window: 3600, burn_rate_threshold: 9 }] } } },
  {
    backends: { prometheus: { url: 'http://p' }, 'custom.mod.Cls': null },
    exporters: { cloudevent: { service_url: 'http://e' } },
    default_exporters: ['cloudevent'],
    min_valid_events: 5,
    call_timeout: 90,
    exporter_retry: { attempts: 5 },
    pubsub_batch_handler: { anything: 1 },
    error_budget_policies: {
      fast: {
        steps: [
          { name: '1h', window: '1h', short_window: '5m', burn_rate_threshold: 14.4, alert: true },
          { name: '28d', window: '28d', burn_rate_threshold: 1, message_alert: 'x', message_ok: 'y' },
        ],
      },
    },
  },
  { exporter_retry: { backoff_ms: 0 }, error_budget_policies: {} },
];

describe('shared config schema: core and sections', () => {
  it('lists as sections exactly the keys the whole schema adds to the core', () => {
    const core = Object.keys(sharedConfigCoreSchema.shape);
    const added = Object.keys(sharedConfigSchema.shape).filter((key) => !core.includes(key));
    expect([...SHARED_CONFIG_SECTIONS].sort()).toEqual(added.sort());
  });

  it('gives a config without sections the same value (same key order) under the core as under the whole schema', () => {
    const repo = REPO_CONFIGS.map((file) => parseSource(readFileSync(file, 'utf8'), file).doc.value);
    for (const value of [...repo, ...VARIED]) {
      const core = sharedConfigCoreSchema.safeParse(value);
      const whole = sharedConfigSchema.safeParse(value);
      expect(core.success, JSON.stringify(value)).toBe(true);
      expect(JSON.stringify(core.data)).toBe(JSON.stringify(whole.data));
    }
  });

  it('words the issues of a config without sections as the whole schema does (a misspelt section is named)', async () => {
    const dir = tempDir();
    try {
      const file = dir.write(
        'config.yaml',
        'error_budget_policies: {}\nevnts: {}\nhistroy: {retention: 7d}\nbackends: []\n',
      );
      expect(await issuesOf(loadSharedConfig(file, {}))).toEqual([
        `${file}:2:1: evnts: unknown field "evnts"; did you mean "events"?`,
        `${file}:3:1: histroy: unknown field "histroy"; did you mean "history"?`,
        `${file}:4:11: backends: expected record, got array`,
      ]);
    } finally {
      dir.cleanup();
    }
  });

  it('checks a section when the config has one', async () => {
    const dir = tempDir();
    try {
      const file = dir.write('config.yaml', 'error_budget_policies: {}\nschedule: {interval: soon}\n');
      const issues = await issuesOf(loadSharedConfig(file, {}));
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatch(/^.*:2:22: schedule\.interval: expected a positive/);
    } finally {
      dir.cleanup();
    }
  });
});
