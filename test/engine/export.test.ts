import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SharedConfig } from '../../src/config/schema.js';
import { redact, secretsOf } from '../../src/config/secrets.js';
import { buildReport } from '../../src/domain/report.js';
import type { SloConfig } from '../../src/domain/types.js';
import type { SloResult } from '../../src/engine/compute.js';
import { exportResults } from '../../src/engine/export.js';
import { tempDir } from '../helpers/tmp.js';

interface Seen {
  calls: {
    exporter: string;
    action: string;
    report: Record<string, unknown>;
    config: Record<string, unknown>;
  }[];
  failuresLeft: number;
}
const seen = (): Seen => (globalThis as unknown as { __exports: Seen }).__exports;

const dir = tempDir('slokit-export-');
beforeAll(() => {
  dir.write(
    'custom/exporters.js',
    `const record = (exporter, action, report, config) => globalThis.__exports.calls.push({ exporter, action, report, config });
export class Recording {
  export(report, config) { record('recording', 'export', report, config); }
  delete(report, config) { record('recording', 'delete', report, config); }
}
export class Flaky {
  async export(report, config) {
    record('flaky', 'export', report, config);
    if (globalThis.__exports.failuresLeft-- > 0) throw new Error('gateway said 503 to user:' + config.password);
  }
}
export class Hangs {
  export(report, config) { record('hangs', 'export', report, config); return new Promise(() => {}); }
}
export class V2 {
  static reportVersion = 2;
  export(report, config) { record('v2', 'export', report, config); }
}
export class Meddler {
  static reportVersion = 2;
  export(report, config) {
    report.metadata.name = 'HIJACKED';
    report.errors.push('planted');
  }
}
`,
  );
});
afterAll(() => dir.cleanup());
beforeEach(() => {
  (globalThis as unknown as { __exports: Seen }).__exports = { calls: [], failuresLeft: 0 };
});

const REC = 'custom.exporters.Recording';
const FLAKY = 'custom.exporters.Flaky';
const V2 = 'custom.exporters.V2';
const HANGS = 'custom.exporters.Hangs';
const MEDDLER = 'custom.exporters.Meddler';
const shared = (defaults: string[] = []): SharedConfig => ({
  backends: {},
  exporters: { [REC]: { arg: 1 }, [FLAKY]: { password: 's3cr3t-pw' }, [V2]: {}, [HANGS]: {}, [MEDDLER]: {} },
  default_exporters: defaults,
  error_budget_policies: {},
});
const slo = (exporters: string[]): SloConfig => ({
  apiVersion: 'sre.google.com/v2',
  kind: 'ServiceLevelObjective',
  metadata: {
    name: 'svc-slo',
    labels: { service_name: 'svc', feature_name: 'f', slo_name: 'slo', env: 'prod' },
  },
  spec: { description: 'd', backend: 'b', method: 'm', exporters, service_level_indicator: {}, goal: 0.9 },
});
const results = (exporters: string[], outcome: unknown[] = [[90, 10]]): SloResult[] => {
  const config = slo(exporters);
  const step = { name: '1h', window: 3600, burn_rate_threshold: 1, message_alert: 'a', message_ok: 'o' };
  return [
    {
      slo: config,
      reports: outcome.map((result) => buildReport({ slo: config, step, timestamp: 1700000000, result })),
    },
  ];
};
const context = { pluginDirs: [dir.root] };
const run = (r: SloResult[], s = shared(), options = {}) =>
  exportResults(r, s, context, { backoffMs: 1, ...options });

describe('exportResults', () => {
  it("uses the SLO's exporters then default_exporters, once each, with the config block and its name", async () => {
    const summary = await run(results([REC]), shared([V2, REC]));
    expect(summary).toMatchObject({ exported: 2, failed: 0, retries: 0, skipped: 0 });
    expect(seen().calls.map((c) => c.exporter)).toEqual(['recording', 'v2']);
    expect(seen().calls[0]!.config).toEqual({ arg: 1, name: REC });
  });

  it('gives plugin exporters the v1 report and reportVersion 2 classes the v2 report', async () => {
    await run(results([REC, V2]));
    const [v1, v2] = seen().calls.map((c) => c.report);
    expect(v1).toMatchObject({
      slo_target: 0.9,
      service_name: 'svc',
      alerting_burn_rate_threshold: 1,
      metadata: { env: 'prod' },
    });
    expect(v1).not.toHaveProperty('goal');
    expect(v2).toMatchObject({ goal: 0.9, metadata: { name: 'svc-slo' } });
  });

  it('retries with backoff and succeeds when the exporter recovers', async () => {
    seen().failuresLeft = 2;
    const r = results([FLAKY]);
    const summary = await run(r);
    expect(summary).toMatchObject({ exported: 1, failed: 0, retries: 2, skipped: 0 });
    expect(seen().calls).toHaveLength(3);
    expect(r[0]!.reports[0]!.errors).toEqual([]);
  });

  it('records a final failure in the report, redacted, and still runs the other exporters', async () => {
    seen().failuresLeft = 99;
    const r = results([FLAKY, REC]);
    const summary = await run(r, shared(), { attempts: 4 });
    expect(summary).toMatchObject({ exported: 1, failed: 1, retries: 3, skipped: 0 });
    expect(seen().calls.filter((c) => c.exporter === 'flaky')).toHaveLength(4);
    expect(r[0]!.reports[0]!.errors).toEqual([
      `Flaky "${FLAKY}" failed. | Error: gateway said 503 to user:***`,
    ]);
    expect(r[0]!.reports[0]!.valid).toBe(true);
  });

  it('fails without retrying when an exporter is not defined or cannot load', async () => {
    const r = results(['nowhere', 'custom.missing.Exporter']);
    const s = { ...shared(), exporters: { ...shared().exporters, 'custom.missing.Exporter': {} } };
    const summary = await run(r, s);
    expect(summary).toMatchObject({ failed: 2, retries: 0 });
    expect(r[0]!.reports[0]!.errors[0]).toBe(
      'Exporter "nowhere" failed. | Error: exporter "nowhere" is not defined in the shared config (defined: custom.exporters.Recording, custom.exporters.Flaky, custom.exporters.V2, custom.exporters.Hangs, custom.exporters.Meddler, custom.missing.Exporter)',
    );
    expect(r[0]!.reports[0]!.errors[1]).toMatch(
      /^Exporter "custom.missing.Exporter" failed\. \| PluginLoadError: plugin "custom.missing.Exporter" not found/,
    );
  });

  it('fails an export that never returns at its deadline, without retrying, and runs the next exporter', async () => {
    const r = results([HANGS, REC]);
    const summary = await run(r, shared(), { callTimeout: 0.2 });
    expect(summary).toMatchObject({ exported: 1, failed: 1, retries: 0 });
    expect(seen().calls.map((c) => c.exporter)).toEqual(['hangs', 'recording']);
    expect(r[0]!.reports[0]!.errors).toEqual([
      `Hangs "${HANGS}" failed. | TimeoutError: exporter call export of exporter ${HANGS} timed out after 0.2 s`,
    ]);
  });

  it('a plugin exporter that changes its report changes nothing for the report or the next exporter', async () => {
    const r = results([MEDDLER, V2, REC]);
    const summary = await run(r);
    expect(summary.failed).toBe(0);
    const report = r[0]!.reports[0]!;
    expect(report.metadata.name).toBe('svc-slo');
    expect(report.errors).toEqual([]);
    const [v2, rec] = seen().calls;
    expect(seen().calls.map((c) => c.exporter)).toEqual(['v2', 'recording']);
    expect((v2!.report.metadata as { name: string }).name).toBe('svc-slo');
    expect(v2!.report.errors).toEqual([]);
    expect(rec!.report.errors).toEqual([]);
  });

  it('exports valid reports only, and calls delete for every report in delete mode', async () => {
    const r = results(
      [REC],
      [
        [90, 10],
        [-1, -1],
      ],
    );
    await run(r);
    expect(seen().calls.map((c) => c.action)).toEqual(['export']);
    seen().calls.length = 0;
    await run(r, shared(), { delete: true });
    expect(seen().calls.map((c) => c.action)).toEqual(['delete', 'delete']);
    expect(seen().calls[1]!.report).toMatchObject({ name: 'svc-slo', valid: false });
  });
});

describe('redaction', () => {
  it('collects secret-looking fields, nested ones included', () => {
    expect(
      secretsOf({
        url: 'http://x',
        password: 'pw1',
        auth: { token: 'tok-1' },
        headers: { Authorization: 'Bearer abc' },
        bearer_token: 'bt9',
      }),
    ).toEqual(['pw1', 'tok-1', 'Bearer abc', 'bt9']);
  });
  it('removes secrets and URL credentials', () => {
    expect(redact('POST http://user:pw1@gw:9091/metrics failed: pw1', ['pw1'])).toBe(
      'POST http://***:***@gw:9091/metrics failed: ***',
    );
  });
});
