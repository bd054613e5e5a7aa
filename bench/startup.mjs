import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChecked } from './lib/process.mjs';
import { formatMs, interleaved, roundsFromEnv, summary, timingHeader, timingRow } from './lib/timing.mjs';

const ROUNDS = roundsFromEnv(10);
const GOAL_HELP = 2; // x empty node, at most
const GOAL_VALIDATE_MS = 250;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(root, 'dist', 'cli', 'main.js');
const QUICKSTART = [
  '-f',
  'examples/compute-quickstart/slos',
  '-c',
  'examples/compute-quickstart/config.yaml',
];
// `npm run bench` builds the dist/ these modules live in; the packages resolve from the repo's node_modules.
const MODULES = ['zod', 'cloudevents', 'yaml', 'pino', 'commander', 'better-sqlite3', 'tsx/esm/api'];

const node = (name, args) => ({
  name,
  run: () => runChecked(process.execPath, args, { cwd: root }),
});
const importOnly = (specifier) =>
  node(`import ${specifier}`, ['--input-type=module', '-e', `await import(${JSON.stringify(specifier)})`]);

const EMPTY = 'node -e 0 (empty node)';
const commands = [
  node(EMPTY, ['-e', '0']),
  node('slokit --help', [CLI, '--help']),
  node('slokit compute --help', [CLI, 'compute', '--help']),
  node('slokit validate (quickstart)', [CLI, 'validate', ...QUICKSTART]),
  node('slokit compute (quickstart)', [CLI, 'compute', ...QUICKSTART, '--output', 'json']),
];
const imports = [...MODULES.map(importOnly), importOnly('./dist/index.js')];

console.log(
  `start-up: whole processes from spawn to exit, ${ROUNDS} interleaved rounds, cwd ${root}, quickstart ${QUICKSTART.join(' ')}; node ${process.version}`,
);
const results = await interleaved([...commands, ...imports], ROUNDS);
const stats = new Map([...results].map(([name, runs]) => [name, summary(runs.map((r) => r.ms))]));
// CPU (user + system, 10 ms ticks) of each process: what a command costs when other work shares the cores.
const cpu = new Map([...results].map(([name, runs]) => [name, summary(runs.map((r) => r.cpuMs))]));
const empty = stats.get(EMPTY);
const emptyCpu = cpu.get(EMPTY);
const width = 32;

console.log(`\n${timingHeader('command', width)}`);
for (const { name } of commands) {
  const s = stats.get(name);
  const c = cpu.get(name);
  console.log(
    `${timingRow(name, s, width)}   ${(s.min / empty.min).toFixed(1)}x / ${(s.median / empty.median).toFixed(1)}x empty node (min / median); CPU ${c.min} / ${c.median} ms = ${(c.median / emptyCpu.median).toFixed(1)}x`,
  );
}
const help = stats.get('slokit --help');
const validate = stats.get('slokit validate (quickstart)');
const helpCpu = cpu.get('slokit --help');
const validateCpu = cpu.get('slokit validate (quickstart)');
console.log(
  `\n  --help / empty node: ${(help.median / empty.median).toFixed(2)}x median wall, ${(helpCpu.median / emptyCpu.median).toFixed(2)}x median CPU (goal <= ${GOAL_HELP}x: ${help.median / empty.median <= GOAL_HELP ? 'met' : 'NOT met'} by wall)`,
);
console.log(
  `  validate on the quickstart: ${formatMs(validate.median)} median wall, CPU ${validateCpu.median} ms (goal < ${GOAL_VALIDATE_MS} ms: ${validate.median < GOAL_VALIDATE_MS ? 'met' : 'NOT met'} by wall)`,
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
