/**
 * `validateConfig` on one SLO of one backend, written as files in `dir`: the issues as the CLI prints them,
 * with `dir` stripped from the paths. For the backends' validation tests.
 */
import { formatIssue } from '../../src/config/errors.js';
import { loadSharedConfig, loadSlos } from '../../src/config/load.js';
import { validateConfig } from '../../src/engine/validate.js';
import type { tempDir } from './tmp.js';

/**
 * Writes `slo.yaml` (backend `backend`, `method`, the YAML lines `sli` under `service_level_indicator`) and
 * `config.yaml` (`backends: {<backend>: <block>}`, a one-step policy), then validates them.
 */
export async function validateSlo(
  dir: ReturnType<typeof tempDir>,
  {
    backend,
    block,
    method = 'good_bad_ratio',
    sli,
  }: { backend: string; block: string; method?: string; sli: string },
): Promise<string[]> {
  const sloFile = dir.write(
    'slo.yaml',
    `apiVersion: sre.google.com/v2
kind: ServiceLevelObjective
metadata: {name: api}
spec:
  description: api
  backend: ${backend}
  method: ${method}
  service_level_indicator:
${sli}
  goal: 0.99
`,
  );
  const configFile = dir.write(
    'config.yaml',
    `backends:
  ${backend}: ${block}
error_budget_policies:
  default:
    steps: [{name: 1h, window: 3600, burn_rate_threshold: 1}]
`,
  );
  const issues = await validateConfig(await loadSlos(sloFile, {}), await loadSharedConfig(configFile, {}), {
    pluginDirs: [dir.root],
    loadPlugins: false,
  });
  return issues.map(formatIssue).map((line) => line.replace(`${dir.root}/`, ''));
}
