/**
 * Benchmark, end to end (issue 11, goal 1): `slokit compute` as a user runs it, timed as whole processes from
 * spawn to exit, against a real local Prometheus holding 30 days of history.
 *
 * Scenario (bench/lib/compute-scenario.mjs): BENCH_SERVICES (50) services x 4 SLOs = 200 SLOs x 4 policy
 * windows (1h, 12h, 7d, 28d), one YAML file per SLO, 1000 distinct (query, window) pairs.
 *
 * Variants, each a separate process, rounds interleaved (floor, curl, slokit, naive, floor, ...):
 * - floor: bench/lib/floor-client.mjs, a minimal `node:http` client (keep-alive agent, 8 in flight) sending
 *   the distinct requests one slokit run sent (recorded through a proxy first), parsing every answer;
 * - curl: `curl --parallel --parallel-max 8` with the same requests, when `curl` exists (informational: no
 *   parsing, no Node start-up);
 * - slokit: `node dist/cli/main.js compute -f <dir> -c <config> -t <ts> --output json` (defaults);
 * - naive: the same with `--no-dedup --concurrency 1`.
 * Checked before any ratio is printed: every slokit and naive run exits 0 with identical reports (deep-equal
 * JSON), none invalid; the floor and curl got one successful answer per distinct request; the recorded run
 * sent no request twice.
 *
 * Environment: BENCH_ROUNDS (5), BENCH_SERVICES (50), BENCH_STEP seconds between samples (300).
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { writeScenario } from './lib/compute-scenario.mjs';
import { runChecked, runProcess } from './lib/process.mjs';
import {
  benchHistory,
  instantQueryCount,
  processCpuSeconds,
  startCountingProxy,
  startPrometheus,
} from './lib/prometheus.mjs';
import { makeTempDir } from './lib/server-process.mjs';
import { POLICY_STEPS } from './lib/slo-config.mjs';
import { interleaved, median, roundsFromEnv, summary, timingHeader, timingRow } from './lib/timing.mjs';

const ROUNDS = roundsFromEnv(5);
const SERVICES = Number(process.env.BENCH_SERVICES ?? 50);
const STEP = Number(process.env.BENCH_STEP ?? 300);
const GOAL_FLOOR = 1.5; // slokit / floor, at most
const GOAL_NAIVE = 2; // naive / slokit, at least

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(root, 'dist', 'cli', 'main.js');
const FLOOR = join(root, 'bench', 'lib', 'floor-client.mjs');
const CURL = ['/usr/bin/curl', '/bin/curl'].find(existsSync);

const failures = [];
const check = (ok, message) => {
  if (!ok) failures.push(message);
  return ok;
};

/** A curl config file sending `requests` to `base`, printing one HTTP status per transfer. */
function curlConfig(requests, base) {
  return requests
    .map((r) =>
      [
        `url = "${base}${r.url}"`,
        `request = "${r.method}"`,
        `data-raw = "${r.body}"`,
        ...(r.contentType ? [`header = "content-type: ${r.contentType}"`] : []),
        'output = "/dev/null"',
        'write-out = "%{http_code}\\n"',
      ].join('\n'),
    )
    .join('\nnext\n');
}

async function main() {
  const history = benchHistory({ services: SERVICES, step: STEP });
  const slos = SERVICES * 4;
  console.log(
    `compute end to end: ${slos} SLOs x ${POLICY_STEPS.length} windows on a real Prometheus (30 days, one sample every ${STEP} s), whole processes, ${ROUNDS} interleaved rounds; node ${process.version}`,
  );
  let started = performance.now();
  const prometheus = await startPrometheus(history);
  console.log(
    `Prometheus ready in ${((performance.now() - started) / 1000).toFixed(1)} s (${prometheus.samples.toLocaleString('en')} samples)`,
  );
  const dir = makeTempDir('slokit-bench-e2e-');
  const proxy = await startCountingProxy(prometheus.url);
  try {
    const { sloDir, configs } = writeScenario(dir, history.profiles, {
      direct: prometheus.url,
      recorded: proxy.url,
    });
    const compute = (config, extra = []) => [
      CLI,
      'compute',
      '-f',
      sloDir,
      '-c',
      config,
      '-t',
      String(prometheus.evalTime),
      '--output',
      'json',
      ...extra,
    ];

    // One recorded run: the exact requests slokit sends, replayed by the floor and curl.
    started = performance.now();
    const recorded = await runChecked(process.execPath, compute(configs.recorded));
    const sent = proxy.requests.filter((r) => r.path === '/api/v1/query');
    const distinct = [...new Map(sent.map((r) => [`${r.method} ${r.url}\n${r.body}`, r])).values()];
    const expected = JSON.parse(recorded.stdout);
    const invalid = expected.filter((r) => !r.valid).length;
    console.log(
      `Recorded run: ${sent.length} queries sent, ${distinct.length} distinct; ${expected.length} reports, ${invalid} invalid (${(performance.now() - started).toFixed(0)} ms, through the proxy)`,
    );
    check(sent.length === distinct.length, `slokit sent ${sent.length - distinct.length} duplicate queries`);
    check(expected.length === slos * POLICY_STEPS.length, `${expected.length} reports, expected ${slos * 4}`);
    check(invalid === 0, `${invalid} invalid reports`);
    const requestsFile = join(dir, 'requests.json');
    writeFileSync(requestsFile, JSON.stringify(distinct));
    const curlFile = join(dir, 'curl.cfg');
    writeFileSync(curlFile, curlConfig(distinct, prometheus.url));

    /** Times one process; counts the queries and the CPU time Prometheus spent meanwhile. */
    const timed = async (args, command = process.execPath) => {
      const before = await instantQueryCount(prometheus.url);
      const cpuBefore = processCpuSeconds(prometheus.pid);
      const result = await runProcess(command, args);
      const promCpuMs = (processCpuSeconds(prometheus.pid) - cpuBefore) * 1000;
      return { ...result, promCpuMs, queries: (await instantQueryCount(prometheus.url)) - before };
    };
    const slokitRun = (extra) => async () => {
      const r = await timed(compute(configs.direct, extra));
      const same = r.code === 0 && isDeepStrictEqual(JSON.parse(r.stdout || 'null'), expected);
      check(same, `slokit ${extra.join(' ')}: exit ${r.code}, reports differ from the recorded run`);
      return r;
    };
    const variants = [
      {
        name: 'floor (node:http, 8 in flight)',
        run: async () => {
          const r = await timed([FLOOR, requestsFile, prometheus.url]);
          const out = r.code === 0 ? JSON.parse(r.stdout) : {};
          check(
            out.answers === distinct.length && out.success === distinct.length,
            `floor: exit ${r.code}, ${out.answers} answers, ${out.success} successful, expected ${distinct.length}: ${r.stderr.slice(-500)}`,
          );
          return r;
        },
      },
      ...(CURL
        ? [
            {
              name: 'curl --parallel (8)',
              run: async () => {
                const r = await timed(['--parallel', '--parallel-max', '8', '-s', '-K', curlFile], CURL);
                const ok = r.stdout.split('\n').filter((l) => l === '200').length;
                check(r.code === 0 && ok === distinct.length, `curl: exit ${r.code}, ${ok} answers 200`);
                return r;
              },
            },
          ]
        : []),
      { name: 'slokit compute (defaults)', run: slokitRun([]) },
      { name: 'naive (--no-dedup --concurrency 1)', run: slokitRun(['--no-dedup', '--concurrency', '1']) },
    ];
    const results = await interleaved(variants, ROUNDS);

    const width = 36;
    const extra = 'queries  CPU client / prometheus  ';
    console.log(`\n${timingHeader('variant (whole process)', width, extra)}`);
    const stats = new Map();
    for (const [name, runs] of results) {
      const s = summary(runs.map((r) => r.ms));
      stats.set(name, s);
      const queries = [...new Set(runs.map((r) => r.queries))].join('/');
      const cpu = `${median(runs.map((r) => r.cpuMs)).toFixed(0)} / ${median(runs.map((r) => r.promCpuMs)).toFixed(0)} ms`;
      console.log(timingRow(name, s, width, `${queries.padStart(7)}  ${cpu.padStart(24)}  `));
    }
    if (!CURL) console.log('  (curl not found: no curl row)');
    if (failures.length) return;
    const floor = stats.get(variants[0].name);
    const slokit = stats.get('slokit compute (defaults)');
    const naive = stats.get('naive (--no-dedup --concurrency 1)');
    const ratio = (a, b) =>
      `${(a.min / b.min).toFixed(2)}x (min) ${(a.median / b.median).toFixed(2)}x (median)`;
    console.log('\nChecked: all slokit and naive reports identical, floor and curl got every answer.');
    console.log(
      `  slokit / floor : ${ratio(slokit, floor)}   goal <= ${GOAL_FLOOR}x: ${slokit.median / floor.median <= GOAL_FLOOR && slokit.min / floor.min <= GOAL_FLOOR ? 'met' : 'NOT met'} (by min and median)`,
    );
    console.log(
      `  naive / slokit : ${ratio(naive, slokit)}   goal >= ${GOAL_NAIVE}x: ${naive.median / slokit.median >= GOAL_NAIVE && naive.min / slokit.min >= GOAL_NAIVE ? 'met' : 'NOT met'} (by min and median)`,
    );
    if (CURL) console.log(`  slokit / curl  : ${ratio(slokit, stats.get('curl --parallel (8)'))}`);
    // CPU time of the client processes: what the goals compare when other work shares the cores.
    const cpu = new Map([...results].map(([name, runs]) => [name, summary(runs.map((r) => r.cpuMs))]));
    const cpuFloor = cpu.get(variants[0].name);
    const cpuSlokit = cpu.get('slokit compute (defaults)');
    const cpuNaive = cpu.get('naive (--no-dedup --concurrency 1)');
    console.log(
      `  CPU (user + system, min / median): floor ${cpuFloor.min} / ${cpuFloor.median} ms, slokit ${cpuSlokit.min} / ${cpuSlokit.median} ms, naive ${cpuNaive.min} / ${cpuNaive.median} ms`,
    );
    console.log(
      `  CPU slokit / floor : ${ratio(cpuSlokit, cpuFloor)}   CPU naive / slokit : ${ratio(cpuNaive, cpuSlokit)}`,
    );
    console.log(
      '  noise = (median - min) / min per variant; other processes share these cores, so compare minimums too.',
    );
    console.log(
      '  CPU (median): user + system time of the client process (10 ms ticks) and of Prometheus during the\n' +
        '  run; less sensitive to other load than wall time.',
    );
  } finally {
    await proxy.stop();
    await prometheus.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
if (failures.length) {
  console.error(`\nFAILED (no ratio printed):\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
}
