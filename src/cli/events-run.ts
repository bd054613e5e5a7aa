/**
 * What `slokit events classify` and `slokit events check` do (their options are defined in events.ts, which
 * imports this module only when one of them runs). Output formats (stable, documented in README "Events"):
 * `jsonl` (one SLO event per line), `summary` (counts table) and `metrics` (Prometheus text exposition of the
 * counters).
 */
import { createReadStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import { ConfigError } from '../config/errors.js';
import { Classifier, type ClassifierStats, type SloEvent } from '../events/classifier.js';
import { type CounterLabelNames, SloEventCounters } from '../events/counters.js';
import type { EventFieldNames } from '../events/event-fields.js';
import { EventLineReader, type LineCounts, sloEventLine } from '../events/event-lines.js';
import { producerFamilies } from '../events/metrics.js';
import { ClassifyWorkers } from '../events/parallel.js';
import { loadRuleFiles } from '../events/pipeline-config/rule-files.js';
import { ruleThresholdFamily } from '../events/rule-thresholds.js';
import type { CompiledRule } from '../events/rules-file.js';
import { EventSummary } from '../events/summary.js';
import {
  isValidLabelName,
  isValidMetricName,
  type MetricFamily,
  renderFamilies,
} from '../lang/prometheus-text.js';
import { EXIT, UsageError } from './context.js';
import type { EventsOutput } from './options.js';
import { alignColumns } from './output.js';

/** The flags of `events classify`, as commander parsed them (see events.ts). */
export interface ClassifyFlags {
  rules: string[];
  input?: string;
  output: EventsOutput;
  exposeRules: boolean;
  domainField: string;
  classField: string;
  appField: string;
  keyField: string;
  quantityField: string;
  resultField: string;
  metricName: string;
  labelName: string[];
  maxEventKeys: number;
  exceededKeyPlaceholder: string;
  maxLineLength: number;
  workers?: number;
}

/**
 * Reads and compiles rule files in order; every problem of every file at once as a ConfigError. `counted`:
 * the rules' metadata must also be valid counter labels.
 */
async function loadRules(
  files: readonly string[],
  exposeRules: boolean,
  counted = false,
): Promise<CompiledRule[]> {
  const refs = files.map((file) => ({ path: file, at: { file, line: 0, column: 0, path: '' } }));
  const { rules, issues } = await loadRuleFiles(refs, exposeRules, counted);
  if (issues.length) throw new ConfigError(issues);
  return rules;
}

/** `--label-name role=name` flags → counter label names; roles are the default label names. */
function labelNames(flags: readonly string[]): Partial<CounterLabelNames> {
  const roles: Record<string, keyof CounterLabelNames> = {
    result: 'result',
    slo_domain: 'sloDomain',
    slo_class: 'sloClass',
    slo_app: 'sloApp',
    event_key: 'eventKey',
  };
  const names: Partial<CounterLabelNames> = {};
  for (const flag of flags) {
    const [role, name, extra] = flag.split('=');
    const field = role !== undefined && Object.hasOwn(roles, role) ? roles[role] : undefined;
    if (!field || !name || extra !== undefined || !isValidLabelName(name)) {
      throw new UsageError(
        `--label-name must be ROLE=NAME with ROLE one of ${Object.keys(roles).join(', ')} and NAME a valid label name, got "${flag}"`,
      );
    }
    names[field] = name;
  }
  return names;
}

/** Writes text to stdout in large chunks, waiting when the pipe is full. */
class OutputBuffer {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly stream: NodeJS.WritableStream) {}

  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
  }

  /** Flushes when enough text is buffered (or `force`), resolving once the stream can take more. */
  async flush(force = false): Promise<void> {
    if (!force && this.size < 1 << 16) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (text && !this.stream.write(text)) await new Promise((resolve) => this.stream.once('drain', resolve));
  }
}

/** Runs `events classify`; returns the exit code. Throws UsageError / ConfigError for bad flags or rules. */
export async function classify(flags: ClassifyFlags): Promise<number> {
  const { output, maxLineLength } = flags;
  if (flags.exposeRules && output !== 'metrics')
    throw new UsageError('--expose-rules needs --output metrics');
  const workers =
    flags.workers ??
    (output === 'metrics' || availableParallelism() < 2 ? 0 : Math.min(4, availableParallelism()));
  if (workers > 0 && output === 'metrics')
    throw new UsageError('--output metrics runs in one thread: omit --workers');
  const fields = {
    domain: flags.domainField,
    class: flags.classField,
    app: flags.appField,
    key: flags.keyField,
    quantity: flags.quantityField,
    result: flags.resultField,
  };
  // Started first: the threads boot while this one reads the rules.
  const pool =
    workers > 0
      ? new ClassifyWorkers(workers, { fields, maxLineLength, output: output as 'jsonl' | 'summary' })
      : undefined;
  try {
    return await classifyWith(flags, fields, pool);
  } finally {
    await pool?.terminate();
  }
}

/** The rest of `classify`, on `pool` when there is one. */
async function classifyWith(
  flags: ClassifyFlags,
  fields: EventFieldNames,
  pool: ClassifyWorkers | undefined,
): Promise<number> {
  const { output, maxEventKeys: maximumUniqueEventKeys, maxLineLength } = flags;
  const rules = await loadRules(flags.rules, flags.exposeRules, output === 'metrics');
  if (!isValidMetricName(`slo_domain:${flags.metricName}`))
    throw new UsageError(`--metric-name must be a valid metric name, got "${flags.metricName}"`);
  let counters: SloEventCounters;
  try {
    counters = new SloEventCounters({
      metricName: flags.metricName,
      labelNames: labelNames(flags.labelName),
      maximumUniqueEventKeys,
      exceededKeyLimitPlaceholder: flags.exceededKeyPlaceholder,
    });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message);
  }
  const summary = new EventSummary();
  const out = new OutputBuffer(process.stdout);
  const emit: (e: SloEvent) => void =
    output === 'jsonl'
      ? (e) => out.write(sloEventLine(e))
      : output === 'summary'
        ? (e) => summary.add(e)
        : (e) => counters.add(e);
  const stream: Readable =
    flags.input === undefined ? process.stdin : createReadStream(flags.input, { highWaterMark: 1 << 20 });
  let input: LineCounts;
  let stats: ClassifierStats;
  try {
    if (pool) {
      ({ counts: input, stats } = await pool.classify(stream, rules, {
        write: (text) => {
          out.write(text);
          return out.flush();
        },
        summary,
      }));
    } else {
      const classifier = new Classifier(rules);
      const reader = new EventLineReader(classifier, emit, { fields, maxLineLength });
      for await (const chunk of stream) {
        reader.push(chunk as Buffer);
        await out.flush();
      }
      reader.end();
      input = reader.counts;
      stats = classifier.stats;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR')
      throw new UsageError(`cannot read --input ${flags.input} (${code})`);
    throw error;
  }
  if (output === 'summary') {
    out.write(summary.render(stats, input, alignColumns));
  } else if (output === 'metrics') {
    const families: MetricFamily[] = [
      ...counters.families(),
      ...producerFamilies(stats, counters, input.malformed),
    ];
    if (flags.exposeRules) families.push(ruleThresholdFamily(rules).family);
    out.write(renderFamilies(families));
  }
  await out.flush(true);
  return EXIT.ok;
}

/** Runs `events check`; returns the exit code. Throws ConfigError listing every rule file problem. */
export async function check(flags: { rules: string[]; exposeRules: boolean }): Promise<number> {
  const rules = await loadRules(flags.rules, flags.exposeRules);
  process.stdout.write(`ok: ${rules.length} rule(s) in ${flags.rules.length} file(s)\n`);
  return EXIT.ok;
}
