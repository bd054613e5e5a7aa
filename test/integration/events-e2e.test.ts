/**
 * End-to-end tests in the shape slo-exporter uses for its own: each directory of test/fixtures/events/e2e/
 * holds an unchanged slo-exporter root config (`slo_exporter.yaml`, a tailer with `follow: false`), its rule
 * file, classification CSVs, an `access.log`, and `expected_metrics.txt`: the sample lines `/metrics` must
 * show, derived by hand from the documented module behaviour (shared/reference/slo-exporter.md §2-3).
 *
 * For every metric family `expected_metrics.txt` names, the samples `events run --print-metrics` prints for
 * that family must be exactly the expected ones (no missing series, no extra series, same values); the
 * order of lines and of labels, HELP texts and families not named are free, as the exposition format allows.
 *
 * `pipeline_events.jsonl` in each case is the hand-derived list of events as they reach the
 * sloEventProducer (after the tailer, relabel and classifiers). The first suite checks the expectations
 * independently of `events run`: `events classify` on those events must print the same counter, producer and
 * exporter families, so only the module behaviour before the producer rests on the hand derivation.
 */
import { cpSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../cli/run-cli.js';
import { eventsRunAvailable } from '../helpers/events-run.js';
import { type ParsedSample, parseExposition } from '../helpers/pushgateway.js';
import { tempDir } from '../helpers/tmp.js';

const E2E = fileURLToPath(new URL('../fixtures/events/e2e/', import.meta.url));
const CASES = readdirSync(E2E)
  .filter((name) => statSync(join(E2E, name)).isDirectory())
  .sort();
const COUNTER_FAMILIES = [
  'slo_domain:slo_events_total',
  'slo_domain_slo_class:slo_events_total',
  'slo_domain_slo_class_slo_app:slo_events_total',
  'slo_domain_slo_class_slo_app_event_key:slo_events_total',
];

/** A sample as comparable text: `name{label="value",...} value`, labels sorted, the value as a number. */
function canonical(sample: ParsedSample): string {
  const labels = Object.keys(sample.labels)
    .sort()
    .map((name) => `${name}=${JSON.stringify(sample.labels[name])}`)
    .join(',');
  return `${sample.name}{${labels}} ${String(sample.value)}`;
}

/** Samples of an exposition grouped by metric name, each group sorted. */
function byFamily(text: string): Map<string, string[]> {
  const families = new Map<string, string[]>();
  for (const sample of parseExposition(text)) {
    const lines = families.get(sample.name) ?? [];
    lines.push(canonical(sample));
    families.set(sample.name, lines);
  }
  for (const lines of families.values()) lines.sort();
  return families;
}

const expectedOf = (name: string) => byFamily(readFileSync(join(E2E, name, 'expected_metrics.txt'), 'utf8'));

/** `key` of a viper-read map, found case-insensitively as slo-exporter reads module keys. */
function field(map: Record<string, unknown> | undefined, key: string): unknown {
  const found = Object.keys(map ?? {}).find((k) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : map?.[found];
}

/** `events classify` flags equivalent to a case's sloEventProducer and prometheusExporter modules. */
function classifyFlags(name: string): string[] {
  const root = parse(readFileSync(join(E2E, name, 'slo_exporter.yaml'), 'utf8')) as Record<string, unknown>;
  const modules = root.modules as Record<string, Record<string, unknown>>;
  const producer = field(modules, 'sloEventProducer') as Record<string, unknown>;
  const exporter = field(modules, 'prometheusExporter') as Record<string, unknown> | undefined;
  const flags = (field(producer, 'rulesFiles') as string[]).flatMap((file) => [
    '--rules',
    join(E2E, name, file),
  ]);
  if (field(producer, 'exposeRulesAsMetrics') === true) flags.push('--expose-rules');
  const limit = field(exporter, 'maximumUniqueEventKeys');
  if (limit !== undefined) flags.push('--max-event-keys', String(limit));
  const placeholder = field(exporter, 'exceededKeyLimitPlaceholder');
  if (placeholder !== undefined) flags.push('--exceeded-key-placeholder', String(placeholder));
  const metricName = field(exporter, 'metricName');
  if (metricName !== undefined) flags.push('--metric-name', String(metricName));
  return flags;
}

it('has the slo-exporter-shaped cases, each expecting the four counter families', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(7);
  for (const name of CASES) {
    const expected = expectedOf(name);
    for (const family of COUNTER_FAMILIES)
      expect(expected.get(family)?.length, `${name}: ${family}`).toBeGreaterThan(0);
  }
});

describe('expected_metrics.txt agrees with events classify on the events that reach the producer', () => {
  it.each(CASES)('%s', async (name) => {
    const { code, stdout, stderr } = await runCli([
      'events',
      'classify',
      '--output',
      'metrics',
      '--input',
      join(E2E, name, 'pipeline_events.jsonl'),
      ...classifyFlags(name),
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const actual = byFamily(stdout);
    const expected = expectedOf(name);
    const shared = [...expected.keys()].filter((family) => actual.has(family));
    expect(shared).toEqual(expect.arrayContaining(COUNTER_FAMILIES));
    for (const family of shared) expect(actual.get(family), family).toEqual(expected.get(family));
  });
});

describe.skipIf(!eventsRunAvailable())('events run --print-metrics on slo-exporter-shaped cases', () => {
  let dir: ReturnType<typeof tempDir> | undefined;
  afterEach(() => dir?.cleanup());

  it.each(CASES)('%s', async (name) => {
    // A copy: the run writes its positions file next to the log, and relative paths resolve against the cwd.
    dir = tempDir(`slokit-e2e-${name}-`);
    cpSync(join(E2E, name), dir.root, { recursive: true });
    const { code, stdout, stderr } = await runCli(
      [
        'events',
        'run',
        '--slo-exporter-config',
        'slo_exporter.yaml',
        '--listen',
        '127.0.0.1:0',
        '--print-metrics',
        '--no-store',
      ],
      { cwd: dir.root },
    );
    expect(code, stderr).toBe(0);
    const actual = byFamily(stdout);
    for (const [family, lines] of expectedOf(name)) expect(actual.get(family) ?? [], family).toEqual(lines);
  });
});
