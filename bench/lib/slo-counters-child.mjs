/**
 * One measured process of bench/slo-counters.mjs: counts the workload's SLO events (bench/lib/
 * slo-counters-workload.mjs) in the four counter families of the slo-exporter cascade and scrapes them.
 *
 *   node --expose-gc bench/lib/slo-counters-child.mjs <slokit|prom-client|generate> <series> <events> <seed>
 *
 * - slokit: `SloEventCounters.add(sloEvent)`, scraped as `renderFamilies(counters.families())` (what the
 *   events server's `/metrics` does);
 * - prom-client: four `Counter`s with the same label names, four `inc(labels, quantity)` per event (one per
 *   family, as a prom-client user must), scraped with `registry.metrics()`; a label set's other result is
 *   created at 0 by `inc(labels, 0)` when the set is first seen (slo-exporter's semantics);
 * - generate: only builds the events (the cost both others include), for reference.
 *
 * Steps: fill (each key once: creates every series), scrape 1, `events` events spread over the series,
 * scrape 2. Scrape timings include `Buffer.from(text)`, the encoding a response needs. Output (JSON):
 * { fillMs, scrape1Ms, updateMs, scrapeMs, cpu: { the same four in CPU milliseconds }, heapBytes, series,
 * bytes, digest }: wall-clock milliseconds, CPU milliseconds of the process over the same steps (user +
 * system: what the step costs when other processes compete for the cores), and heapBytes,
 * heapUsed + arrayBuffers after gc with the filled counters held, minus the same before they were created
 * (typed arrays live outside the JS heap, so arrayBuffers counts them; the scrapes' Buffers are dropped and
 * freed first), and digest/series describe scrape 2's samples.
 */
import { performance } from 'node:perf_hooks';
import { Counter, Registry } from 'prom-client';
import { SloEventCounters } from '../../dist/events/counters.js';
import { parseRulesFile } from '../../dist/events/rules-file.js';
import { renderFamilies } from '../../dist/lang/prometheus-text.js';
import { parseExposition, samplesDigest } from './exposition.mjs';
import { METADATA_NAMES, RULES_YAML, workload } from './slo-counters-workload.mjs';

const [variant, series, events, seed] = [
  process.argv[2],
  Number(process.argv[3]),
  Number(process.argv[4]),
  Number(process.argv[5]),
];
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');

const HELP = "Total number of SLO events exported with it's result and metadata.";
const PARTS = ['slo_domain', 'slo_class', 'slo_app', 'event_key'];
const work = workload(series, seed);
const { rules, issues } = parseRulesFile(RULES_YAML, 'bench-rules.yaml');
if (issues.length) throw new Error(JSON.stringify(issues));

/** heapUsed + arrayBuffers after gc; the pauses let V8 free the backing stores of dead Buffers. */
const heap = async () => {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};
const before = await heap();

/** @type {{ fill: Function, update: Function, scrape: () => Promise<string> | string }} */
let run;
if (variant === 'slokit') {
  const counters = new SloEventCounters();
  const emit = (r, domain, cls, app, key, result, quantity) => {
    const rule = rules[r];
    counters.add({ result, domain, class: cls, app, key, quantity, metadata: rule.additionalMetadata, rule });
  };
  run = { fill: emit, update: emit, scrape: () => renderFamilies(counters.families()) };
} else if (variant === 'prom-client') {
  const registry = new Registry();
  const levels = PARTS.map(
    (_, level) =>
      new Counter({
        name: `${PARTS.slice(0, level + 1).join('_')}:slo_events_total`,
        help: HELP,
        labelNames: ['result', ...PARTS.slice(0, level + 1), ...METADATA_NAMES],
        registers: [registry],
      }),
  );
  const [c0, c1, c2, c3] = levels;
  const other = { success: 'fail', fail: 'success' };
  const incAll = (r, slo_domain, slo_class, slo_app, event_key, result, quantity) => {
    const slo_type = work.rules[r].slo_type;
    c0.inc({ result, slo_domain, slo_type }, quantity);
    c1.inc({ result, slo_domain, slo_class, slo_type }, quantity);
    c2.inc({ result, slo_domain, slo_class, slo_app, slo_type }, quantity);
    c3.inc({ result, slo_domain, slo_class, slo_app, event_key, slo_type }, quantity);
  };
  run = {
    // Every event of the fill is a key's first: its label sets are new, so the other result starts at 0.
    fill: (r, d, c, a, k, result, q) => {
      incAll(r, d, c, a, k, result, q);
      incAll(r, d, c, a, k, other[result], 0);
    },
    update: incAll,
    scrape: () => registry.metrics(),
  };
} else if (variant === 'generate') {
  let sink = 0;
  const emit = (r, d, c, a, k, result, q) => {
    sink += r + d.length + c.length + a.length + k.length + result.length + q;
  };
  run = { fill: emit, update: emit, scrape: () => `# ${sink}\n` };
} else throw new Error(`unknown variant ${variant}`);

/** CPU milliseconds (user + system, all threads: GC helpers included) since `since`. */
const cpuMs = (since) => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
};
const timed = (fn) => {
  const cpu = process.cpuUsage();
  const started = performance.now();
  fn();
  return { ms: performance.now() - started, cpuMs: cpuMs(cpu) };
};
const timedScrape = async () => {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const bytes = Buffer.from(await run.scrape());
  return { ms: performance.now() - started, cpuMs: cpuMs(cpu), bytes };
};

const fill = timed(() => work.fill(run.fill));
const scrape1 = await timedScrape();
scrape1.bytes = null;
const update = timed(() => work.spread(events, run.update));
const scrape2 = await timedScrape();
/** Series count and digest (a function, so the parsed samples are garbage afterwards). */
const digestOf = (bytes) => {
  const samples = parseExposition(bytes.toString('utf8'));
  return { series: samples.size, digest: samplesDigest(samples), bytes: bytes.length };
};
const { series: count, digest, bytes } = digestOf(scrape2.bytes);
scrape2.bytes = null;
const heapBytes = (await heap()) - before;
process.stdout.write(
  JSON.stringify({
    fillMs: fill.ms,
    scrape1Ms: scrape1.ms,
    updateMs: update.ms,
    scrapeMs: scrape2.ms,
    cpu: { fillMs: fill.cpuMs, scrape1Ms: scrape1.cpuMs, updateMs: update.cpuMs, scrapeMs: scrape2.cpuMs },
    heapBytes,
    series: count,
    bytes,
    digest,
  }),
);
