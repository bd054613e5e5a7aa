import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers/tmp.js';

interface RuleFile {
  groups: { name: string; rules: Record<string, unknown>[] }[];
}

let dir: ReturnType<typeof tempDir> | undefined;
afterEach(() => {
  dir?.cleanup();
  dir = undefined;
});

const CONFIG = `backends:
  prometheus: {url: http://localhost:9090}
error_budget_policies:
  default:
    steps:
      - {name: 1h, window: 1h, burn_rate_threshold: 14.4}
      - {name: 28d, window: 28d, burn_rate_threshold: 1}
  short:
    steps:
      - {name: 1d, window: 1d, burn_rate_threshold: 1}
`;

const sloFile = (name: string, spec: string, metadata = '') => `apiVersion: sre.google.com/v2
kind: ServiceLevelObjective
metadata:
  name: ${name}
${metadata}spec:
  description: test
${spec}`;

const AVAILABILITY = `  backend: prometheus
  method: good_bad_ratio
  service_level_indicator:
    filter_good: ok_total
    filter_valid: all_total
  goal: 0.99
`;

/** Writes the shared config and SLO files, runs `rules generate -f slos -c config.yaml` plus `args`. */
async function generate(slos: Record<string, string>, args: string[] = [], config = CONFIG) {
  dir = tempDir();
  dir.write('config.yaml', config);
  for (const [file, text] of Object.entries(slos)) dir.write(`slos/${file}`, text);
  return runCli(['rules', 'generate', '-f', 'slos', '-c', 'config.yaml', ...args], { cwd: dir.root });
}

describe('slokit rules generate (slokit SLO files)', () => {
  it("takes the period from the policy's largest window, or --period", async () => {
    const policy = await generate({ 'a.yaml': sloFile('a', AVAILABILITY) });
    expect(policy.code).toBe(0);
    const rules = (parse(policy.stdout) as RuleFile).groups[0]!.rules;
    expect(rules.map((r) => r.record)).toContain('slokit:slo_errors_per_request:ratio_rate28d');
    expect(rules.find((r) => r.record === 'slokit:slo_period:seconds')?.expr).toBe('vector(2419200)');
    expect(String(rules.find((r) => r.alert)?.expr)).toContain('> 13.44');

    const flag = await generate({ 'a.yaml': sloFile('a', AVAILABILITY) }, ['--period', '90d']);
    const flagged = (parse(flag.stdout) as RuleFile).groups[0]!.rules;
    expect(flagged.find((r) => r.record === 'slokit:slo_period:seconds')?.expr).toBe('vector(7776000)');
    expect(String(flagged.find((r) => r.alert)?.expr)).toContain('> 43.2');
  });

  it('labels and annotates from flags, the SLO overriding them', async () => {
    const metadata = `  labels: {service_name: shop, team: a, owner: slo-file}
  annotations: {runbook_url: https://runbooks/shop}
`;
    const { code, stdout } = await generate({ 'a.yaml': sloFile('a', AVAILABILITY, metadata) }, [
      '-l',
      'owner=flag',
      '-l',
      'env=prod',
      '--runbook-url',
      'https://runbooks/default',
      '--dashboard-url',
      'https://grafana/d/slo?var-slo={{ $labels.slo }}',
      '--annotation',
      'team_channel=#slo',
      '--alert-name',
      'ShopBudgetBurn',
      '--page-severity',
      'critical',
      '--ticket-severity',
      'warning',
    ]);
    expect(code).toBe(0);
    const rules = (parse(stdout) as RuleFile).groups[0]!.rules;
    expect(rules[0]!.labels).toEqual({
      env: 'prod',
      owner: 'slo-file',
      service: 'shop',
      slo: 'a',
      team: 'a',
    });
    const alerts = rules.filter((r) => r.alert);
    expect(alerts.map((a) => [a.alert, a.labels])).toEqual([
      ['ShopBudgetBurn', { severity: 'critical', slo: 'a' }],
      ['ShopBudgetBurn', { severity: 'warning', slo: 'a' }],
    ]);
    expect(alerts[0]!.annotations).toMatchObject({
      runbook_url: 'https://runbooks/shop',
      dashboard_url: 'https://grafana/d/slo?var-slo={{ $labels.slo }}',
      team_channel: '#slo',
    });
  });

  const EVENTS_SLO = `  backend: events
  method: good_bad_ratio
  service_level_indicator: {domain: shop, class: critical, slo_type: availability}
  goal: 0.99
`;
  const errorRatio1h = (stdout: string) =>
    String(
      (parse(stdout) as RuleFile).groups[0]!.rules.find(
        (r) => r.record === 'slokit:slo_errors_per_request:ratio_rate1h',
      )?.expr,
    );

  it("reads the event counters under the names of the shared config's events.counters", async () => {
    const renamed = `${CONFIG}events:
  sources: [{file: access.log, format: combined}]
  rules_files: [rules.yaml]
  counters:
    metric_name: requests_total
    label_names: {result: outcome, domain: team, class: tier}
`;
    const { code, stdout, stderr } = await generate({ 'e.yaml': sloFile('e', EVENTS_SLO) }, [], renamed);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const selector = 'team_tier:requests_total{team="shop", tier="critical", slo_type="availability"';
    expect(errorRatio1h(stdout)).toBe(
      `(sum(rate(${selector}, outcome="fail"}[1h])))\n/\n(sum(rate(${selector}}[1h])))\n`,
    );
  });

  it('reads the default counter names when the shared config has no events section', async () => {
    const { code, stdout } = await generate({ 'e.yaml': sloFile('e', EVENTS_SLO) });
    expect(code).toBe(0);
    expect(errorRatio1h(stdout)).toContain(
      'sum(rate(slo_domain_slo_class:slo_events_total{slo_domain="shop", slo_class="critical", slo_type="availability", result="fail"}[1h]))',
    );
  });

  it('refuses a goal of 1 at its position: there is no error budget to burn', async () => {
    const { code, stdout, stderr } = await generate({
      'a.yaml': sloFile('a', AVAILABILITY.replace('goal: 0.99', 'goal: 1')),
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('slos/a.yaml:12:9: spec.goal: goal 1 leaves no error budget (1 - goal = 0)');
  });

  it('skips SLOs on other backends with a warning naming the file and line', async () => {
    const plugin = sloFile(
      'p',
      '  backend: custom.module.Backend\n  method: good_bad_ratio\n  service_level_indicator: {}\n  goal: 0.9\n',
    );
    const { code, stdout, stderr } = await generate({
      'a.yaml': sloFile('a', AVAILABILITY),
      'p.yaml': plugin,
    });
    expect(code).toBe(0);
    expect(stderr).toMatch(
      /slokit: warning: slos\/p\.yaml:7:12: spec\.backend: skipped: rules are generated for SLOs on the prometheus and events backends, not "custom\.module\.Backend"/,
    );
    expect((parse(stdout) as RuleFile).groups.map((g) => g.name)).toEqual(['slokit-slo-a']);
  });

  it('reports every problem with file, line, column and field, and writes nothing', async () => {
    const badPromql = AVAILABILITY.replace('filter_good: ok_total', 'filter_good: sum(ok_total) by (');
    const { code, stdout, stderr } = await generate({
      'a.yaml': sloFile('a', badPromql),
      'b.yaml': sloFile('b', `${AVAILABILITY}  error_budget_policy: short\n`),
      'c.yaml': sloFile('c', `${AVAILABILITY}  error_budget_policy: nope\n`),
      'd.yaml': sloFile('d', AVAILABILITY, '  labels: {slo: x, bad-name: y}\n'),
      'e.yaml': sloFile('a', AVAILABILITY),
      'f.yaml': sloFile('f', AVAILABILITY.replace('filter_valid', 'filter_vaild')),
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /slos\/a\.yaml:10:18: spec\.service_level_indicator\.filter_good: PromQL syntax error/,
    );
    expect(stderr).toContain(
      'slos/b.yaml:13:24: spec.error_budget_policy: the SLO period must be a whole number of seconds longer than the longest alert window (3d), got 86400 s (the largest window of policy "short"; give --period to override)',
    );
    expect(stderr).toContain(
      'slos/c.yaml:13:24: spec.error_budget_policy: error budget policy "nope" is not in the shared config',
    );
    expect(stderr).toContain(
      'slos/d.yaml:5:17: metadata.labels.slo: "slo" cannot label the rules: slo is the SLO name',
    );
    expect(stderr).toContain(
      'metadata.labels.bad-name: "bad-name" cannot label the rules: not a Prometheus label name',
    );
    expect(stderr).toContain('slos/e.yaml:4:9: metadata.name: duplicate SLO name "a" (also in slos/a.yaml)');
    expect(stderr).toMatch(
      /slos\/f\.yaml:\d+:\d+: spec\.service_level_indicator\.filter_vaild: unknown field "filter_vaild"; did you mean "filter_valid"\?/,
    );
  });

  it.each([
    [
      ['--period', '2d'],
      '--period: the SLO period must be a whole number of seconds longer than the longest alert window (3d)',
    ],
    [['--period', 'month'], '--period: expected a duration such as 30d or 28d, got "month"'],
    [
      ['-l', 'bad-name=x'],
      '--label bad-name=x: expected name=value with a non-empty value and a Prometheus label name',
    ],
    [['-l', 'slo=x'], "--label slo=x: slo is reserved for each SLO's name"],
    [['extra.yaml'], 'unexpected arguments extra.yaml'],
    [['--alert-name', 'SLO burn'], '--alert-name SLO burn: expected a Prometheus metric name'],
    [['--page-severity', ''], '--page-severity and --ticket-severity must not be empty'],
    [['-o', 'missing/dir/rules.yml'], '-o missing/dir/rules.yml: cannot write the rule file: ENOENT'],
    [['--from', 'sloth', 'x.yml'], '--from sloth takes spec files as arguments'],
  ])('refuses %j as a usage error', async (args, message) => {
    const { code, stderr } = await generate({ 'a.yaml': sloFile('a', AVAILABILITY) }, args as string[]);
    expect(code).toBe(2);
    expect(stderr).toContain(message ?? '');
  });
});
