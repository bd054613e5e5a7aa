/**
 * Benchmark, start-up (issue 11, goal 3): slokit commands as whole processes, from spawn to exit, against an
 * empty `node`, rounds interleaved; wall time (min / median) and CPU time (user + system) of each process.
 *
 * - `--help`: goal at most 2x an empty node.
 * - `validate -c` on the README's quickstart (examples/quickstart/slokit.yaml, copied to a temporary folder
 *   with an empty access log: `npm start` generates the real one, whose content validate does not read):
 *   goal under 250 ms.
 * - `validate` and `compute` on examples/compute-quickstart, whose plugins are TypeScript (loaded through
 *   tsx and Node's hooks thread): information, the cost of TypeScript plugins.
 * - What importing each heavy package costs a process (information).
 * Every command must exit 0 (validate says "ok", compute prints its reports).
 *
 * Environment: BENCH_ROUNDS (10).
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChecked } from './lib/process.mjs';
import { makeTempDir } from './lib/server-process.mjs';
import { formatMs, interleaved, roundsFromEnv, summary, timingHeader, timingRow } from './lib/timing.mjs';

const ROUNDS = roundsFromEnv(10);
const GOAL_HELP = 2; // x empty node, at most
const GOAL_VALIDATE_MS = 250;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(root, 'dist', 'cli', 'main.js');
const COMPUTE_QUICKSTART = [
  '-f',
  'examples/compute-quickstart/slos',
  '-c',
  'examples/compute-quickstart/config.yaml',
];
// `npm run bench` builds dist/; the packages resolve from the repo's node_modules.
const MODULES = ['zod', 'cloudevents', 'yaml', 'pino', 'commander', 'better-sqlite3', 'tsx/esm/api'];

const quickstart = makeTempDir('slokit-bench-startup-');
cpSync(join(root, 'examples', 'quickstart'), quickstart, { recursive: true });
mkdirSync(join(quickstart, 'data'), { recursive: true });
writeFileSync(join(quickstart, 'data', 'access.log'), '');

const node = (name, args, check) => ({
  name,
  run: async () => {
    const result = await runChecked(process.execPath, args, { cwd: root });
    if (check && !check(result.stdout))
      throw new Error(`${name}: unexpected output ${result.stdout.slice(0, 300)}`);
    return result;
  },
});
const importOnly = (specifier) =>
  node(`import ${specifier}`, ['--input-type=module', '-e', `await import(${JSON.stringify(specifier)})`]);

const EMPTY = 'node -e 0 (empty node)';
const HELP = 'slokit --help';
const VALIDATE = 'slokit validate -c quickstart';
const VALIDATE_TS = 'validate compute-quickstart (TS)';
const commands = [
  node(EMPTY, ['-e', '0']),
  node(HELP, [CLI, '--help'], (out) => out.includes('Usage: slokit')),
  node('slokit compute --help', [CLI, 'compute', '--help'], (out) => out.includes('Usage: slokit compute')),
  node(VALIDATE, [CLI, 'validate', '-c', join(quickstart, 'slokit.yaml')], (out) => out.startsWith('ok:')),
  node(VALIDATE_TS, [CLI, 'validate', ...COMPUTE_QUICKSTART], (out) => out.startsWith('ok:')),
  node(
    'compute compute-quickstart (TS)',
    [CLI, 'compute', ...COMPUTE_QUICKSTART, '--output', 'json'],
    (out) => JSON.parse(out).length > 0,
  ),
];
const imports = [...MODULES.map(importOnly), importOnly('./dist/bundle/index.js')];

console.log(
  `start-up: whole processes from spawn to exit, ${ROUNDS} interleaved rounds, cwd ${root}; node ${process.version}`,
);
try {
  const results = await interleaved([...commands, ...imports], ROUNDS);
  const stats = new Map([...results].map(([name, runs]) => [name, summary(runs.map((r) => r.ms))]));
  // CPU (user + system, 10 ms ticks) of each process: what a command costs when other work shares the cores.
  const cpu = new Map([...results].map(([name, runs]) => [name, summary(runs.map((r) => r.cpuMs))]));
  const empty = stats.get(EMPTY);
  const emptyCpu = cpu.get(EMPTY);
  const width = 34;

  console.log(`\n${timingHeader('command', width)}`);
  for (const { name } of commands) {
    const s = stats.get(name);
    const c = cpu.get(name);
    console.log(
      `${timingRow(name, s, width)}   ${(s.min / empty.min).toFixed(1)}x / ${(s.median / empty.median).toFixed(1)}x empty node (min / median); CPU ${c.min} / ${c.median} ms = ${(c.median / emptyCpu.median).toFixed(1)}x`,
    );
  }
  const help = stats.get(HELP);
  const validate = stats.get(VALIDATE);
  const helpCpu = cpu.get(HELP);
  const validateCpu = cpu.get(VALIDATE);
  console.log(
    `\n  --help / empty node: ${(help.min / empty.min).toFixed(2)}x min, ${(help.median / empty.median).toFixed(2)}x median wall; ${(helpCpu.median / emptyCpu.median).toFixed(2)}x median CPU (goal <= ${GOAL_HELP}x: ${help.median / empty.median <= GOAL_HELP ? 'met' : 'NOT met'} by median wall)`,
  );
  console.log(
    `  validate -c on the quickstart: ${formatMs(validate.min)} min, ${formatMs(validate.median)} median wall; CPU ${validateCpu.median} ms (goal < ${GOAL_VALIDATE_MS} ms: ${validate.median < GOAL_VALIDATE_MS ? 'met' : 'NOT met'} by median wall)`,
  );

  const ts = stats.get(VALIDATE_TS);
  console.log(
    `  validate on the compute quickstart (TypeScript plugins, the quickstart of earlier versions): ${formatMs(ts.min)} min, ${formatMs(ts.median)} median wall (under ${GOAL_VALIDATE_MS} ms: ${ts.median < GOAL_VALIDATE_MS ? 'yes' : 'no'})`,
  );

  console.log(
    `\nImport cost (information): process importing one module, minus empty node (min - min, median - median)`,
  );
  for (const { name } of imports) {
    const s = stats.get(name);
    console.log(
      `  ${name.padEnd(width)} ${formatMs(s.min - empty.min).padStart(10)} ${formatMs(s.median - empty.median).padStart(10)}`,
    );
  }
} finally {
  rmSync(quickstart, { recursive: true, force: true });
}
