/**
 * Measures loading of large shared configs (run with `npx tsx test/config/measure-large-config.ts`): a map
 * of N unknown fields, a map of N backend entries, then the two pathological files of issue 7 (200k unknown
 * fields in ~10 MB, a list of 1.5M items in ~3 MB), and the largest file under the limits. Prints seconds
 * and the RSS growth per case.
 */
import { writeFileSync } from 'node:fs';
import { ConfigError } from '../../src/config/errors.js';
import { loadSharedConfig } from '../../src/config/load.js';
import { tempDir } from '../helpers/tmp.js';

const POLICY =
  'error_budget_policies:\n  default:\n    steps:\n    - {name: 1h, window: 3600, burn_rate_threshold: 9}\n';

async function measure(label: string, text: string): Promise<void> {
  const dir = tempDir();
  const file = `${dir.root}/config.yaml`;
  writeFileSync(file, text);
  const rss = process.memoryUsage().rss;
  const started = performance.now();
  let outcome = 'loaded';
  try {
    await loadSharedConfig(file, {});
  } catch (error) {
    outcome = error instanceof ConfigError ? `${error.issues.length} issues` : String(error);
  }
  const seconds = (performance.now() - started) / 1000;
  const grown = (process.memoryUsage().rss - rss) / 2 ** 20;
  console.log(
    `${label.padEnd(34)} ${(text.length / 2 ** 20).toFixed(1).padStart(5)} MiB  ${seconds.toFixed(2).padStart(6)} s  rss +${grown.toFixed(0)} MiB  ${outcome.slice(0, 80)}`,
  );
  dir.cleanup();
}

const unknownFields = (n: number) =>
  `${POLICY}${Array.from({ length: n }, (_, i) => `unknown_field_${i}: 1\n`).join('')}`;
const backends = (n: number) =>
  `${POLICY}backends:\n${Array.from({ length: n }, (_, i) => `  prometheus/b${i}: {url: "http://localhost:9090"}\n`).join('')}`;

for (const n of [5_000, 10_000, 20_000, 40_000])
  await measure(`${n} unknown top-level fields`, unknownFields(n));
for (const n of [5_000, 10_000, 20_000, 40_000]) await measure(`${n} backend entries`, backends(n));
await measure('190k unknown fields (under the limits)', unknownFields(190_000));
await measure(
  '200k unknown fields (~10 MB)',
  `${POLICY}${Array.from({ length: 200_000 }, (_, i) => `unknown_field_number_${i}: 1234567890123456\n`).join('')}`,
);
await measure(
  'list of 1.5M items (~3 MB)',
  `${POLICY}default_exporters: [${Array(1_500_000).fill('a').join(',')}]\n`,
);
