/**
 * Loading of large shared configs (issue 7: parsing used to be quadratic), in-process, one fresh temporary
 * file per case: a map of N unknown fields and a map of N backend entries at N = 5k, 10k, 20k, 40k, then the
 * pathological files (200k unknown fields in ~10 MB, a list of 1.5M items in ~3 MB: both refused by the
 * limits) and the largest file under the limits. Linear loading shows as a flat cost per 1,000 entries; the
 * last column is that cost relative to the smallest size of the same case, measured in the same run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../dist/config/errors.js';
import { loadSharedConfig } from '../dist/config/load.js';

const POLICY =
  'error_budget_policies:\n  default:\n    steps:\n    - {name: 1h, window: 3600, burn_rate_threshold: 9}\n';
const dir = mkdtempSync(join(tmpdir(), 'slokit-bench-config-'));

/** Seconds to load `text` as a shared config, and what came of it (loaded, or the number of issues). */
async function measure(text) {
  const file = join(dir, 'config.yaml');
  writeFileSync(file, text);
  const started = performance.now();
  let outcome = 'loaded';
  try {
    await loadSharedConfig(file, {});
  } catch (error) {
    outcome =
      error instanceof ConfigError ? `refused or invalid: ${error.issues.length} issue(s)` : String(error);
  }
  return { seconds: (performance.now() - started) / 1000, outcome, mib: text.length / 2 ** 20 };
}

const unknownFields = (n, value = '1') =>
  `${POLICY}${Array.from({ length: n }, (_, i) => `unknown_field_${i}: ${value}\n`).join('')}`;
const backends = (n) =>
  `${POLICY}backends:\n${Array.from({ length: n }, (_, i) => `  prometheus/b${i}: {url: "http://localhost:9090"}\n`).join('')}`;

try {
  console.log(`config loading (in-process), node ${process.version}`);
  for (const [name, make] of [
    ['unknown top-level fields', unknownFields],
    ['backend entries', backends],
  ]) {
    let first;
    for (const n of [5_000, 10_000, 20_000, 40_000]) {
      const { seconds, outcome } = await measure(make(n));
      const perThousand = (seconds * 1000) / (n / 1000);
      first ??= perThousand;
      console.log(
        `  ${`${n} ${name}`.padEnd(32)} ${seconds.toFixed(2).padStart(6)} s  ${perThousand.toFixed(1).padStart(6)} ms per 1k  x${(perThousand / first).toFixed(2)}   ${outcome}`,
      );
    }
  }
  for (const [label, text] of [
    ['190k unknown fields (under the limits)', unknownFields(190_000)],
    ['200k unknown fields (~10 MB)', unknownFields(200_000, '1234567890123456')],
    ['list of 1.5M items (~3 MB)', `${POLICY}default_exporters: [${Array(1_500_000).fill('a').join(',')}]\n`],
  ]) {
    const { seconds, outcome, mib } = await measure(text);
    console.log(
      `  ${label.padEnd(40)} ${mib.toFixed(1).padStart(5)} MiB ${seconds.toFixed(2).padStart(6)} s   ${outcome}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
