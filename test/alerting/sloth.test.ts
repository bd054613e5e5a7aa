import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderRuleFile } from '../../src/alerting/rule-file.js';
import { slothRuleGroups } from '../../src/alerting/sloth-rules.js';
import { slothSpecSchema } from '../../src/alerting/sloth-spec.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers/tmp.js';

const SPEC = 'examples/alerting/sloth/getting-started.yml';
const DAY = 86_400;

let dir: ReturnType<typeof tempDir> | undefined;
afterEach(() => {
  dir?.cleanup();
  dir = undefined;
});

const generate = (text: string, period = 30 * DAY) =>
  parse(
    renderRuleFile(
      slothRuleGroups(slothSpecSchema.parse(parse(text)), {
        period,
        extraLabels: { cmd: 'examplesgen.sh' },
        version: 'dev',
      }),
    ),
  ) as { groups: { name: string; rules: Record<string, unknown>[] }[] };

describe('rules from Sloth specs', () => {
  it("are Sloth v0.16's rules for its getting-started example (reference §4.3), header aside", () => {
    const sloth = parse(readFileSync('test/alerting/fixtures/sloth-getting-started.rules.yml', 'utf8'));
    expect(generate(readFileSync(SPEC, 'utf8'))).toEqual(sloth);
  });

  it('name the period window as Prometheus does and scale factors to it (28d: 4w, 13.44)', () => {
    const rules = generate(readFileSync(SPEC, 'utf8'), 28 * DAY).groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.record).filter(Boolean)).toContain('slo:sli_error:ratio_rate4w');
    expect(rules.find((r) => r.record === 'slo:time_period:days')?.expr).toBe('vector(28)');
    expect(String(rules.find((r) => r.alert)?.expr)).toContain('> (13.44 * 0.0009999999999999432)');
  });

  it('omit disabled alerts and write raw SLIs in parentheses', () => {
    const text = `version: prometheus/v1
service: svc
slos:
  - name: raw-one
    objective: 99
    sli:
      raw:
        error_ratio_query: 1 - avg_over_time(up[{{ .window }}])
    alerting:
      page_alert: {disable: true}
      ticket_alert: {disable: true}
`;
    const { groups } = generate(text);
    expect(groups.map((g) => g.name)).toEqual([
      'sloth-slo-sli-recordings-svc-raw-one',
      'sloth-slo-meta-recordings-svc-raw-one',
    ]);
    expect(groups[0]!.rules[0]!.expr).toBe('(1 - avg_over_time(up[5m]))');
  });

  it('refuse bad specs with file, line, column and field', async () => {
    dir = tempDir();
    const file = dir.write(
      'bad.yml',
      `version: prometheus/v1
service: svc
labels:
  tier: 2
slos:
  - name: ab
    objective: 100.5
    sli:
      events:
        error_query: sum(rate(errors_total[5m]))
        total_query: sum(rate(requests_total[{{.window}}])
    alerting:
      nme: X
`,
    );
    const { code, stderr } = await runCli(['rules', 'generate', '--from', 'sloth', file]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}:4:9: labels.tier: expected string, got number`);
    expect(stderr).toContain(`${file}:7:16: slos[0].objective: objective must be at most 100`);
    expect(stderr).toContain(
      `${file}:10:22: slos[0].sli.events.error_query: the query must contain the {{.window}} placeholder`,
    );
    expect(stderr).toMatch(
      /slos\[0\]\.sli\.events\.total_query: PromQL syntax error .*\(with \{\{\.window\}\} = 1m\)/,
    );
    expect(stderr).toContain(`${file}:13:7: slos[0].alerting.nme: unknown field "nme"; did you mean "name"?`);
  });

  it('refuse a spec file that is no Sloth spec version', async () => {
    dir = tempDir();
    const file = dir.write('v.yml', 'version: prometheus/v2\nservice: s\nslos: []\n');
    const { code, stderr } = await runCli(['rules', 'generate', '--from', 'sloth', file]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}:1:10: version: expected version "prometheus/v1"`);
    expect(stderr).toContain('slos: at least one SLO is required');
  });

  it('read several specs from one file (--- separated), positions counted in the file', async () => {
    dir = tempDir();
    const spec = (service: string, objective: string) => `version: prometheus/v1
service: ${service}
slos:
  - name: avail
    objective: ${objective}
    sli: {raw: {error_ratio_query: "1 - avg_over_time(up[{{.window}}])"}}
    alerting: {page_alert: {disable: true}, ticket_alert: {disable: true}}
`;
    const good = dir.write('two.yml', `---\n${spec('one', '99')}---\n${spec('two', '99.5')}`);
    const ok = await runCli(['rules', 'generate', '--from', 'sloth', good]);
    expect(ok.code).toBe(0);
    expect((parse(ok.stdout) as { groups: { name: string }[] }).groups.map((g) => g.name)).toEqual([
      'sloth-slo-sli-recordings-one-avail',
      'sloth-slo-meta-recordings-one-avail',
      'sloth-slo-sli-recordings-two-avail',
      'sloth-slo-meta-recordings-two-avail',
    ]);
    const bad = dir.write('bad.yml', `${spec('one', '99')}---\n${spec('two', '0')}`);
    const failed = await runCli(['rules', 'generate', '--from', 'sloth', bad]);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain(`${bad}:13:16: slos[0].objective: objective must be above 0`);
  });
});
