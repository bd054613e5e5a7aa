/**
 * `slokit events classify` and `slokit events check`: slo-exporter rule files applied to JSON-lines events.
 * Output formats (stable, documented in README "Events"): `jsonl` (one SLO event per line), `summary`
 * (counts table) and `metrics` (Prometheus text exposition of the counters).
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { ConfigError, type ConfigIssue } from '../config/errors.js';
import { Classifier, type ClassifierStats, type SloEvent } from '../events/classifier.js';
import { type CounterLabelNames, counterLabelProblems, SloEventCounters } from '../events/counters.js';
import {
  DEFAULT_EVENT_FIELDS,
  DEFAULT_MAX_LINE_LENGTH,
  EventLineReader,
  type LineCounts,
  sloEventLine,
} from '../events/event-lines.js';
import { producerFamilies } from '../events/metrics.js';
import { classifyInParallel } from '../events/parallel.js';
import { ruleThresholdFamily } from '../events/rule-thresholds.js';
import { type CompiledRule, parseRulesFile } from '../events/rules-file.js';
import { EventSummary } from '../events/summary.js';
import {
  isValidLabelName,
  isValidMetricName,
  type MetricFamily,
  renderFamilies,
} from '../lang/prometheus-text.js';
import { EXIT, UsageError } from './context.js';
import { alignColumns } from './output.js';

const OUTPUTS = ['jsonl', 'summary', 'metrics'] as const;
type Output = (typeof OUTPUTS)[number];

interface ClassifyFlags {
  rules: string[];
  input?: string;
  output: string;
  exposeRules: boolean;
  domainField: string;
  classField: string;
  appField: string;
  keyField: string;
  quantityField: string;
  resultField: string;
  metricName: string;
  labelName: string[];
  maxEventKeys: string;
  exceededKeyPlaceholder: string;
  maxLineLength: string;
  workers?: string;
}

/**
 * Reads and compiles rule files in order; every problem of every file at once as a ConfigError. `counted`:
 * the rules' metadata must also be valid counter labels. Returns the rules and the files' texts (which worker
 * threads compile again).
 */
async function loadRules(
  files: readonly string[],
  exposeRules: boolean,
  counted = false,
): Promise<{ rules: CompiledRule[]; texts: { file: string; text: string }[] }> {
  const issues: ConfigIssue[] = [];
  const rules: CompiledRule[] = [];
  const texts: { file: string; text: string }[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      issues.push({ file, line: 0, column: 0, path: '', message: `cannot read rule file (${code})` });
      continue;
    }
    texts.push({ file, text });
    const parsed = parseRulesFile(text, file);
    issues.push(...parsed.issues);
    rules.push(...parsed.rules);
  }
  if (!issues.length && counted) issues.push(...counterLabelProblems(rules));
  if (!issues.length && exposeRules) issues.push(...ruleThresholdFamily(rules).problems);
  if (issues.length) throw new ConfigError(issues);
  return { rules, texts };
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

function nonNegativeInteger(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a non-negative integer, got "${value}"`);
  return Number(value);
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

async function classify(flags: ClassifyFlags): Promise<number> {
  if (!OUTPUTS.includes(flags.output as Output))
    throw new UsageError(`--output must be one of ${OUTPUTS.join(', ')}, got "${flags.output}"`);
  const output = flags.output as Output;
  if (flags.exposeRules && output !== 'metrics')
    throw new UsageError('--expose-rules needs --output metrics');
  const maximumUniqueEventKeys = nonNegativeInteger('--max-event-keys', flags.maxEventKeys);
  const maxLineLength = nonNegativeInteger('--max-line-length', flags.maxLineLength);
  const { rules, texts } = await loadRules(flags.rules, flags.exposeRules, output === 'metrics');
  const workers =
    flags.workers === undefined
      ? output === 'metrics' || availableParallelism() < 2
        ? 0
        : Math.min(4, availableParallelism())
      : nonNegativeInteger('--workers', flags.workers);
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
  const classifier = new Classifier(rules);
  const summary = new EventSummary();
  // A reader that stops early (`| head`) is not an error: stop quietly, as Unix tools do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
    throw error;
  });
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
    if (workers > 0) {
      const setup = { ruleFiles: texts, fields, maxLineLength, output: output as 'jsonl' | 'summary' };
      ({ counts: input, stats } = await classifyInParallel(stream, setup, workers, {
        write: (text) => {
          out.write(text);
          return out.flush();
        },
        summary,
      }));
    } else {
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

async function check(flags: { rules: string[]; exposeRules: boolean }): Promise<number> {
  const { rules } = await loadRules(flags.rules, flags.exposeRules);
  process.stdout.write(`ok: ${rules.length} rule(s) in ${flags.rules.length} file(s)\n`);
  return EXIT.ok;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerEvents(
  program: Command,
  exec: (action: () => Promise<number>) => Promise<void>,
): void {
  const events = program
    .command('events')
    .description('Classify raw events into SLO events with slo-exporter rule files');
  events
    .command('classify')
    .description('Read JSON-lines events (stdin or --input) and print SLO events, a summary or metrics')
    .requiredOption(
      '-r, --rules <file>',
      'rule file (repeat for several; rules run in the order given)',
      collect,
    )
    .option('-i, --input <file>', 'JSON-lines input file (default: stdin)')
    .option('-o, --output <format>', `output: ${OUTPUTS.join(', ')}`, 'jsonl')
    .option('--expose-rules', 'with --output metrics: add the rules threshold gauge', false)
    .option('--domain-field <name>', 'field holding the SLO domain', DEFAULT_EVENT_FIELDS.domain)
    .option('--class-field <name>', 'field holding the SLO class', DEFAULT_EVENT_FIELDS.class)
    .option('--app-field <name>', 'field holding the SLO app', DEFAULT_EVENT_FIELDS.app)
    .option('--key-field <name>', 'field holding the event key', DEFAULT_EVENT_FIELDS.key)
    .option('--quantity-field <name>', 'field holding the event quantity', DEFAULT_EVENT_FIELDS.quantity)
    .option('--result-field <name>', "field holding the event's own result", DEFAULT_EVENT_FIELDS.result)
    .option('--metric-name <name>', 'counter metric name', 'slo_events_total')
    .option(
      '--label-name <role=name>',
      'counter label name for a role (result, slo_domain, slo_class, slo_app, event_key); repeatable',
      collect,
      [],
    )
    .option('--max-event-keys <n>', 'distinct event keys kept in counters (0: no limit)', '0')
    .option('--exceeded-key-placeholder <key>', 'event key used past the limit', 'cardinalityLimitExceeded')
    .option('--max-line-length <n>', 'longer lines are malformed', String(DEFAULT_MAX_LINE_LENGTH))
    .option(
      '--workers <n>',
      'worker threads for jsonl and summary (0: none; default: up to 4, one per core, none on one core)',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 done (malformed lines are counted, not fatal), 2 usage or rule file errors.',
    )
    .action((flags: ClassifyFlags) => exec(() => classify(flags)));
  events
    .command('check')
    .description('Validate rule files without reading events')
    .requiredOption('-r, --rules <file>', 'rule file (repeat for several)', collect)
    .option('--expose-rules', 'also check that thresholds can be exposed as metrics', false)
    .addHelpText(
      'after',
      '\nExit codes: 0 valid, 2 errors (each printed as file:line:column: field: problem).',
    )
    .action((flags: { rules: string[]; exposeRules: boolean }) => exec(() => check(flags)));
}
