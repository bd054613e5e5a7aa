/** `slokit events classify` and `slokit events check` through the built CLI (`npm test` builds first). */
import { execFile, spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('slokit-events-');
afterAll(() => dir.cleanup());

const SEED_RULES = 'test/fixtures/events/seed-rules.yaml';
const event = (fields: Record<string, unknown>) =>
  JSON.stringify({ slo_domain: 'test-domain', slo_class: 'critical', slo_app: 'web', ...fields });
const INPUT = [
  event({ event_key: 'GET /', statusCode: '200', requestDuration: '0.5' }),
  event({ event_key: 'GET /', statusCode: '200', requestDuration: '1.5', quantity: 3 }),
  'not json',
  '[1, 2]',
  event({ quantity: -1 }),
  '',
  event({ slo_class: 'low', statusCode: 503, slo_result: 'success' }),
  event({ slo_app: '' }),
  event({ slo_domain: 'other' }),
  event({ event_key: 'POST /', statusCode: 'n/a' }),
].join('\n');
const inputFile = dir.write('events.jsonl', `${INPUT}\n`);

/** Runs the CLI with `input` on stdin. */
function runWithStdin(
  args: string[],
  input: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['dist/cli/main.js', ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Runs the CLI with the bytes of `file` piped to its stdin. */
function runWithStdinFile(args: string[], file: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['dist/cli/main.js', ...args]);
    const stdout: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => stdout.push(d));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(stdout).toString() }));
    createReadStream(file).pipe(child.stdin);
  });
}

/** promtool's exit code and findings for an exposition. */
function promtool(text: string): Promise<{ code: number; findings: string[] }> {
  return new Promise((resolve) => {
    const child = execFile('promtool', ['check', 'metrics'], (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, findings: `${stdout}${stderr}`.split('\n').filter(Boolean) });
    });
    child.stdin!.end(text);
  });
}

describe('slokit events classify', () => {
  it('prints one SLO event per matching rule, in input and rule order (jsonl, stdin)', async () => {
    const { code, stdout, stderr } = await runWithStdin(['events', 'classify', '--rules', SEED_RULES], INPUT);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(
      stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      {
        result: 'success',
        domain: 'test-domain',
        class: 'critical',
        app: 'web',
        key: 'GET /',
        quantity: 1,
        metadata: { slo_type: 'availability', slo_version: '6' },
      },
      {
        result: 'success',
        domain: 'test-domain',
        class: 'critical',
        app: 'web',
        key: 'GET /',
        quantity: 1,
        metadata: { slo_version: '6', slo_type: 'latency90', percentile: '90', le: '0.8' },
      },
      expect.objectContaining({
        result: 'success',
        key: 'GET /',
        quantity: 3,
        metadata: expect.objectContaining({ slo_type: 'availability' }),
      }),
      expect.objectContaining({
        result: 'fail',
        key: 'GET /',
        quantity: 3,
        metadata: expect.objectContaining({ slo_type: 'latency90' }),
      }),
      // honor_slo_result: the event's own "success" wins over statusCode 503
      expect.objectContaining({
        result: 'success',
        class: 'low',
        key: '',
        metadata: expect.objectContaining({ slo_type: 'availability' }),
      }),
      // statusCode "n/a": not a number, a false condition and an evaluation error
      expect.objectContaining({
        result: 'success',
        key: 'POST /',
        metadata: expect.objectContaining({ slo_type: 'availability' }),
      }),
    ]);
  });

  it('summarises counts per domain, class, app and result (--input)', async () => {
    const { code, stdout } = await runCli([
      'events',
      'classify',
      '--rules',
      SEED_RULES,
      '--input',
      inputFile,
      '--output',
      'summary',
    ]);
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'DOMAIN       CLASS     APP  SUCCESS  FAIL',
        'test-domain  critical  web  6        3',
        'test-domain  low       web  1        0',
        '',
        'lines: 9  malformed: 3  events: 6  unclassified: 1  unmatched: 1  evaluation errors: 1  slo events: 6',
        '',
      ].join('\n'),
    );
  });

  it('renders the counters, the producer counts and the thresholds as a valid exposition', async () => {
    const { code, stdout } = await runCli([
      'events',
      'classify',
      '--rules',
      SEED_RULES,
      '--rules',
      'test/fixtures/events/seed-expose-rules.yaml',
      '--input',
      inputFile,
      '--output',
      'metrics',
      '--expose-rules',
      '--max-event-keys',
      '1',
    ]);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines).toContain(
      'slo_domain:slo_events_total{le="0.8",percentile="90",result="fail",slo_domain="test-domain",slo_type="latency90",slo_version="6"} 3',
    );
    expect(lines).toContain(
      'slo_domain_slo_class_slo_app_event_key:slo_events_total{event_key="cardinalityLimitExceeded",result="success",slo_app="web",slo_class="low",slo_domain="test-domain",slo_type="availability",slo_version="6"} 1',
    );
    expect(lines).toContain('slo_exporter_slo_event_producer_evaluation_errors_total 1');
    expect(lines).toContain('slo_exporter_slo_event_producer_events_not_matching_any_rule_total 1');
    expect(lines).toContain('slo_exporter_slo_event_producer_unclassified_events_total 1');
    expect(lines).toContain('slo_exporter_slo_event_producer_events_processed_total 6');
    expect(lines).toContain('slokit_events_malformed_lines_total 3');
    expect(lines).toContain('slo_exporter_prometheus_exporter_event_keys_limit{app="slo_exporter"} 1');
    expect(lines).toContain(
      'slo_exporter_prometheus_exporter_errors_total{app="slo_exporter",type="InvalidResult"} 0',
    );
    // Thresholds of both files: the label names are the union over all rules.
    expect(lines.filter((l) => l.startsWith('slo_exporter_slo_event_producer_slo_rules_threshold{'))).toEqual(
      [
        'slo_exporter_slo_event_producer_slo_rules_threshold{foo="",le="",name="",operator="numberHigherThan",percentile="",slo_type="availability",slo_version="6"} 499',
        'slo_exporter_slo_event_producer_slo_rules_threshold{foo="",le="0.8",name="",operator="numberHigherThan",percentile="90",slo_type="latency90",slo_version="6"} 1',
        'slo_exporter_slo_event_producer_slo_rules_threshold{foo="",le="",name="ad.advisual",operator="numberHigherThan",percentile="",slo_type="freshness",slo_version="6"} 6300',
        'slo_exporter_slo_event_producer_slo_rules_threshold{foo="bar",le="",name="ad.banner",operator="numberEqualOrLessThan",percentile="",slo_type="freshness",slo_version="6"} 1',
      ],
    );
    // promtool parses it (exit 1 would be a format error). Its linter (exit 3) only flags what compatibility
    // requires: the colons of slo-exporter's family names and the seed rules' `le` metadata label.
    const { code: checked, findings } = await promtool(stdout);
    expect([0, 3]).toContain(checked);
    for (const finding of findings)
      expect(finding).toMatch(
        /(metric names should not contain ':'|non-histogram metrics should not have "le" label)$/,
      );
  });

  it('reads the classification, key, quantity and result from configured fields', async () => {
    const input = `${JSON.stringify({ d: 'test-domain', c: 'critical', a: 'web', k: 'x', q: 2, r: 'fail', statusCode: '200' })}\n`;
    const { code, stdout } = await runWithStdin(
      [
        'events',
        'classify',
        '-r',
        SEED_RULES,
        '--domain-field',
        'd',
        '--class-field',
        'c',
        '--app-field',
        'a',
        '--key-field',
        'k',
        '--quantity-field',
        'q',
        '--result-field',
        'r',
      ],
      input,
    );
    expect(code).toBe(0);
    const out = stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out.map((e) => [e.result, e.key, e.quantity])).toEqual([
      ['fail', 'x', 2], // honor_slo_result with the event's "fail"
      ['success', 'x', 2],
    ]);
  });

  it('counts lines longer than --max-line-length as malformed and goes on', async () => {
    const long = event({ pad: 'x'.repeat(5000) });
    const { code, stdout } = await runWithStdin(
      ['events', 'classify', '-r', SEED_RULES, '-o', 'summary', '--max-line-length', '1000'],
      `${long}\n${event({})}\n${long}`,
    );
    expect(code).toBe(0);
    expect(stdout).toContain('lines: 3  malformed: 2  events: 1');
  });

  it('names counters and their labels as configured', async () => {
    const { code, stdout } = await runWithStdin(
      [
        'events',
        'classify',
        '-r',
        SEED_RULES,
        '-o',
        'metrics',
        '--metric-name',
        'requests_total',
        '--label-name',
        'slo_domain=domain',
        '--label-name',
        'result=outcome',
      ],
      `${event({ statusCode: '200' })}\n`,
    );
    expect(code).toBe(0);
    expect(stdout).toContain(
      'domain:requests_total{domain="test-domain",outcome="success",slo_type="availability",slo_version="6"} 1\n',
    );
    expect(stdout).toContain('# TYPE domain_slo_class_slo_app_event_key:requests_total counter\n');
  });

  it('rejects bad usage with exit 2', async () => {
    for (const args of [
      ['--label-name', 'domain=x'],
      ['--label-name', 'slo_app=bad-name'],
      ['--label-name', 'slo_app=slo_class'],
      ['--metric-name', 'bad name'],
    ]) {
      const run = await runCli([
        'events',
        'classify',
        '-r',
        SEED_RULES,
        '-o',
        'metrics',
        '-i',
        inputFile,
        ...args,
      ]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/^slokit: --|^slokit: label names must differ/);
    }
    // Flag values commander checks (choices, numbers) are usage errors too, with commander's wording.
    const negative = await runCli(['events', 'classify', '-r', SEED_RULES, '--max-event-keys', '-1']);
    expect(negative.code).toBe(2);
    expect(negative.stderr).toContain(
      "error: option '--max-event-keys <n>' argument '-1' is invalid. expected a non-negative integer.",
    );
    const bad = await runCli(['events', 'classify', '-r', SEED_RULES, '-o', 'xml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      "error: option '-o, --output <format>' argument 'xml' is invalid. Allowed choices are jsonl, summary, metrics.",
    );
    const missing = await runCli(['events', 'classify', '-r', SEED_RULES, '-i', '/nonexistent/events.jsonl']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read --input /nonexistent/events.jsonl (ENOENT)');
  });
});

describe('slokit events classify on worker threads', () => {
  /** Mixed input: valid events, malformed and overlong lines, fractional quantities, invalid UTF-8. */
  const lines: Buffer[] = [];
  for (let i = 0; i < 20_000; i++) {
    const status = ['200', '503', 'n/a', '404'][i % 4];
    const classes = ['critical', 'low', ''][i % 3];
    if (i % 97 === 0) lines.push(Buffer.from('{"broken": '));
    else if (i % 211 === 0) lines.push(Buffer.from(event({ pad: 'x'.repeat(3000) })));
    else if (i % 101 === 0) lines.push(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]));
    else
      lines.push(
        Buffer.from(
          event({
            slo_class: classes,
            event_key: `k${i % 50}`,
            statusCode: status,
            requestDuration: String((i % 30) / 10),
            quantity: i % 7 === 0 ? 0.1 : 1,
          }),
        ),
      );
  }
  const file = dir.write(
    'mixed.jsonl',
    `${Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])).toString('latin1')}`,
  );

  it.each(['jsonl', 'summary'])('gives the single-threaded %s output', async (output) => {
    const args = [
      'events',
      'classify',
      '-r',
      SEED_RULES,
      '-i',
      file,
      '-o',
      output,
      '--max-line-length',
      '2000',
    ];
    const single = await runCli([...args, '--workers', '0']);
    const parallel = await runCli([...args, '--workers', '3']);
    // From a pipe (64 KiB chunks, queued into larger batches).
    const piped = await runWithStdinFile(
      args.filter((arg) => arg !== '-i' && arg !== file),
      file,
    );
    expect(single.code).toBe(0);
    expect(parallel.code).toBe(0);
    expect(piped.code).toBe(0);
    expect(parallel.stdout).toBe(single.stdout);
    expect(piped.stdout).toBe(single.stdout);
    expect(single.stdout.length).toBeGreaterThan(output === 'jsonl' ? 1_000_000 : 100);
    if (output === 'summary') expect(single.stdout).toMatch(/malformed: [1-9]\d+/);
  });

  it('reports invalid rules and stops the worker threads it had started', async () => {
    const rules = dir.write('bad-parallel.yaml', 'rules:\n  - slo_matcher: {domain: "("}\n');
    const { code, stdout, stderr } = await runCli([
      'events',
      'classify',
      '-r',
      rules,
      '-i',
      file,
      '-o',
      'summary',
      '--workers',
      '2',
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${rules}:2:27: rules[0].slo_matcher.domain: invalid regexp "("`);
  });

  it('refuses workers for the metrics output', async () => {
    const { code, stderr } = await runCli([
      'events',
      'classify',
      '-r',
      SEED_RULES,
      '-i',
      file,
      '-o',
      'metrics',
      '--workers',
      '2',
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('--output metrics runs in one thread');
  });
});

describe('slokit events check', () => {
  it('accepts valid rule files', async () => {
    const { code, stdout } = await runCli([
      'events',
      'check',
      '-r',
      SEED_RULES,
      '-r',
      'test/fixtures/events/v6-rules.yaml',
      '--expose-rules',
    ]);
    expect(code).toBe(0);
    expect(stdout).toBe('ok: 4 rule(s) in 2 file(s)\n');
  });

  it('reports every error of every file with its position, and exits 2', async () => {
    const a = dir.write(
      'a.yaml',
      'rules:\n  - failure_conditions:\n      - {operator: numberIsHigerThan, key: s, value: 1}\n',
    );
    const b = dir.write(
      'b.yaml',
      'rules:\n  - slo_matcher: {domain: "("}\n    additional_metadata: {x: 1}\n    additional_metadata: {y: 2}\n',
    );
    const { code, stderr } = await runCli(['events', 'check', '-r', a, '-r', b, '-r', '/nonexistent.yaml']);
    expect(code).toBe(2);
    expect(stderr).toContain(
      `${a}:3:20: rules[0].failure_conditions[0].operator: unknown operator "numberIsHigerThan"; did you mean "numberIsHigherThan"?`,
    );
    // The duplicate key does not hide the invalid regexp of the same file.
    expect(stderr).toContain(
      `${b}:2:27: rules[0].slo_matcher.domain: invalid regexp "(": error parsing regexp`,
    );
    expect(stderr).toContain(
      `${b}:4:5: rules[0].additional_metadata: duplicate key "additional_metadata" (first written at line 3, column 5); keys of a map must be unique`,
    );
    expect(stderr).toContain(
      '/nonexistent.yaml: cannot read rule file "/nonexistent.yaml": no such file or directory (ENOENT)',
    );
    expect(stderr).toMatch(/^slokit: 4 config errors:/);
  });

  it('refuses to count with metadata that cannot be a label name, before reading events', async () => {
    const file = dir.write('bad-labels.yaml', 'rules:\n  - additional_metadata: {slo-type: x, ok: y}\n');
    const jsonl = await runCli(['events', 'classify', '-r', file, '-i', inputFile]);
    expect(jsonl.code).toBe(0);
    const { code, stderr, stdout } = await runCli([
      'events',
      'classify',
      '-r',
      file,
      '-i',
      inputFile,
      '-o',
      'metrics',
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      `${file}:2:5: rules[0]: additional_metadata "slo-type" cannot label the SLO event counters`,
    );
  });

  it('with --expose-rules, rejects metadata that cannot be a label name', async () => {
    const file = dir.write(
      'labels.yaml',
      'rules:\n  - failure_conditions: [{operator: numberHigherThan, key: v, value: 1}]\n    additional_metadata: {slo-type: x}\n',
    );
    expect((await runCli(['events', 'check', '-r', file])).code).toBe(0);
    const { code, stderr } = await runCli(['events', 'check', '-r', file, '--expose-rules']);
    expect(code).toBe(2);
    expect(stderr).toContain(
      `${file}:2:5: rules[0]: cannot expose the rule's threshold: "slo-type" is not a valid Prometheus label name`,
    );
  });
});
