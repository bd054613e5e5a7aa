import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/domain/report.js';
import type { SloConfig, ValidReport } from '../../src/domain/types.js';
import { jsonExporter } from '../../src/exporters/json.js';
import { ONE_HOUR_STEP } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

function report(name: string, timestamp: number, good: number, bad: number): ValidReport {
  const slo: SloConfig = {
    apiVersion: 'sre.google.com/v2',
    kind: 'ServiceLevelObjective',
    metadata: { name, labels: { service_name: 'svc', feature_name: 'feat', slo_name: name } },
    spec: {
      description: 'with "quotes", a newline\nand unicode ✓',
      backend: 'prometheus',
      method: 'good_bad_ratio',
      service_level_indicator: {},
      goal: 0.999,
    },
  };
  const built = buildReport({ slo, step: ONE_HOUR_STEP, timestamp, result: [good, bad] });
  if (!built.valid) throw new Error(built.errors.join('; '));
  return built;
}

describe('json exporter', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('slokit-json-');
  });
  afterEach(() => dir.cleanup());

  it('appends one JSON line per report to a real file, creating parent directories', async () => {
    const path = join(dir.root, 'out', 'reports.jsonl');
    const config = { path };
    const exporter = jsonExporter.create(config, { pluginDirs: [] });
    const reports = [
      report('a-slo', 1_702_660_513.987654, 3556, 3556),
      report('b-slo', 1_702_660_513, 999, 1),
      report('a-slo', 1_702_660_813, 1000, 0),
    ];
    for (const r of reports) await exporter.export({ ...r }, { ...config, name: 'json' });

    const text = readFileSync(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.split('\n').slice(0, -1);
    expect(lines).toHaveLength(3);
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed).toEqual(reports);
    // slo-generator's key order is kept on the wire.
    expect(Object.keys(parsed[0]!)).toEqual(Object.keys(reports[0]!));
    expect(parsed[0]!.timestamp).toBe(1_702_660_513);

    // A second exporter instance (next run) appends instead of truncating.
    const next = jsonExporter.create(config, { pluginDirs: [] });
    await next.export({ ...reports[1]! }, { ...config, name: 'json' });
    const again = readFileSync(path, 'utf8').split('\n').slice(0, -1);
    expect(again).toHaveLength(4);
    expect(JSON.parse(again[3]!)).toEqual(reports[1]);
  });

  it('requires a path', () => {
    expect(jsonExporter.configSchema.safeParse({}).success).toBe(false);
    expect(jsonExporter.configSchema.safeParse({ path: '' }).success).toBe(false);
  });
});
