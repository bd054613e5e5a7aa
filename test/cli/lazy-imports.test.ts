import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ONE_HOUR_STEP, policyStepsYaml, sloYaml } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';
import { REPO } from './run-cli.js';

// Start-up (issue 11): commands import only what they use. Which packages a run loads is a fact about the
// code, not a timing, so it is asserted here; the time it saves is measured in bench/startup.mjs.

const MAIN = join(REPO, 'dist', 'cli', 'main.js');
const PRELOAD = join(REPO, 'test', 'fixtures', 'startup', 'log-modules.cjs');

/** Packages no plain `compute` (no export, default log level, fast-path YAML) needs. */
const NOT_FOR_COMPUTE = [
  'yaml',
  'pino',
  'cloudevents',
  'better-sqlite3',
  'fastify',
  'prom-client',
  'tsx',
  're2js',
  'jq-wasm',
];

let dir: ReturnType<typeof tempDir>;
let args: string[];
let prometheus: Server;

beforeAll(async () => {
  dir = tempDir();
  // Answers every instant query as Prometheus does with one sample, so the reports are valid and the run
  // logs nothing at the default level (an invalid report is a warning, which loads the logger).
  prometheus = createServer((request, response) => {
    let query = request.url ?? '';
    request.on('data', (chunk: Buffer) => {
      query += chunk.toString();
    });
    request.on('end', () => {
      const value = decodeURIComponent(query).includes('code') ? '990' : '1000'; // good : valid
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'vector', result: [{ metric: {}, value: [1_700_000_000, value] }] },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => prometheus.listen(0, '127.0.0.1', resolve));
  const { port } = prometheus.address() as AddressInfo;
  const config = dir.write(
    'config.yaml',
    `backends:\n  prometheus:\n    url: http://127.0.0.1:${port}\nerror_budget_policies:\n  default:\n    steps:\n${policyStepsYaml([ONE_HOUR_STEP])}`,
  );
  for (const name of ['a', 'b']) {
    dir.write(
      `slos/${name}.yaml`,
      sloYaml({
        name: `svc-${name}-availability`,
        labels: { service_name: name },
        description: 'availability',
        method: 'good_bad_ratio',
        sli: { filter_good: 'http_requests_total{code!~"5.."}', filter_valid: 'http_requests_total' },
        goal: 0.99,
      }),
    );
  }
  args = ['compute', '-f', join(dir.root, 'slos'), '-c', config];
});
afterAll(async () => {
  dir?.cleanup();
  await new Promise((resolve) => prometheus?.close(resolve));
});

/** The packages (`node_modules/<name>` or `@scope/name`) a run of the CLI with `cliArgs` loaded. */
function packagesLoaded(
  cliArgs: string[],
): Promise<{ packages: Set<string>; builtins: Set<string>; stdout: string }> {
  const log = join(dir.root, `modules-${Math.random().toString(36).slice(2)}.log`);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--require', PRELOAD, MAIN, ...cliArgs],
      { cwd: REPO, env: { ...process.env, SLOKIT_TEST_MODULE_LOG: log, NO_COLOR: '1' } },
      (error, stdout) => {
        if (error && typeof error.code !== 'number') return reject(error);
        const packages = new Set<string>();
        const builtins = new Set<string>();
        for (const line of readFileSync(log, 'utf8').split('\n')) {
          if (line.startsWith('node:')) builtins.add(line);
          const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(line);
          if (match) packages.add(match[1]!);
        }
        resolve({ packages, builtins, stdout });
      },
    );
  });
}

describe('start-up: what each command loads', () => {
  it('--help loads no package but commander', async () => {
    const { packages, stdout } = await packagesLoaded(['--help']);
    expect(stdout).toContain('Usage: slokit');
    // commander may be loaded from node_modules or from the bundle (scripts/build-bundle.mjs), nothing else.
    expect([...packages].filter((p) => p !== 'commander')).toEqual([]);
  });

  it('compute without --export loads neither exporters, stores, servers, TypeScript, the YAML library, TLS nor zlib', async () => {
    const { packages, builtins, stdout } = await packagesLoaded([...args, '--output', 'json']);
    const reports = JSON.parse(stdout) as { sli_measurement: number }[];
    expect(reports.map((r) => r.sli_measurement)).toEqual([0.99, 0.99]); // one valid report per SLO and step
    expect(NOT_FOR_COMPUTE.filter((p) => packages.has(p))).toEqual([]);
    // Plain HTTP, uncompressed answers: neither TLS nor zlib.
    expect(['node:https', 'node:tls', 'node:zlib'].filter((b) => builtins.has(b))).toEqual([]);
  });

  it('loads the YAML library for --output yaml and pino for a log event at an enabled level', async () => {
    // The positive control: the preload sees CommonJS packages loaded on demand.
    const { packages } = await packagesLoaded([...args, '--output', 'yaml', '--log-level', 'info']);
    expect(packages.has('yaml')).toBe(true);
    expect(packages.has('pino')).toBe(true);
  });
});
