import { spawnSync } from 'node:child_process';

/**
 * What `promtool check metrics` (the Debian package's) says about an exposition, one line per problem,
 * except its lint on `:` in names: slo-exporter's counter names (`slo_domain:slo_events_total`) have one
 * on purpose, for compatibility. Empty when promtool accepts the text.
 */
export function promtoolProblems(exposition: string): string[] {
  const check = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  if (check.error) throw check.error;
  // promtool prints every problem, parse errors included; its exit status alone cannot tell the `:` lint apart.
  return `${check.stdout}${check.stderr}`
    .split('\n')
    .filter((line) => line.trim() && !/metric names should not contain ':'/.test(line));
}
