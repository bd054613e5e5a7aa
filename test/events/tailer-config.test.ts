import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/config/errors.js';
import { parseSource } from '../../src/config/yaml-source.js';
import { parseTailerModule } from '../../src/events/tailer-config.js';

const parse = (text: string) => {
  const { doc, issues } = parseSource(text, 'slo_exporter.yaml');
  expect(issues).toEqual([]);
  const result = parseTailerModule(doc, ['modules', 'tailer']);
  return { ...result, messages: result.issues.map(formatIssue) };
};

describe('parseTailerModule', () => {
  it("applies slo-exporter's defaults", () => {
    const { config, issues } = parse('modules:\n  tailer:\n    tailedFile: ./access_log\n');
    expect(issues).toEqual([]);
    expect(config).toMatchObject({
      tailedFile: './access_log',
      follow: true,
      reopen: true,
      positionFile: './access_log.pos',
      positionPersistenceIntervalMs: 2000,
      loglineParseRegexp: '',
      emptyGroupRE: '^$',
    });
  });

  it('reads keys in any case, Go durations, bare numbers as nanoseconds, and builds the parser', () => {
    const { config, issues } = parse(`modules:
  tailer:
    TailedFile: /logs/access_log
    follow: false
    reopen: false
    positionfile: /var/pos
    positionPersistenceInterval: 1m30s
    loglineParseRegexp: '^(?P<ip>\\S+) (?P<user>\\S+)'
    EmptyGroupRE: '^-$'
`);
    expect(issues).toEqual([]);
    expect(config).toMatchObject({
      tailedFile: '/logs/access_log',
      follow: false,
      reopen: false,
      positionFile: '/var/pos',
    });
    expect(config!.positionPersistenceIntervalMs).toBe(90_000);
    expect({ ...config!.parse('1.2.3.4 - rest') }).toEqual({ ip: '1.2.3.4' });
    expect(
      parse('modules: {tailer: {tailedFile: f, positionPersistenceInterval: 5000000}}').config!
        .positionPersistenceIntervalMs,
    ).toBe(5);
  });

  it('names file, line, column and field of every problem', () => {
    const { config, messages } = parse(`modules:
  tailer:
    tailedFiel: x
    follow: false
    positionPersistenceInterval: 2d
    loglineParseRegexp: '(?P<a'
    emptyGroupRE: '(?='
`);
    expect(config).toBeUndefined();
    expect(messages).toEqual([
      'slo_exporter.yaml:3:5: modules.tailer.tailedFiel: unknown field "tailedFiel"; did you mean "tailedFile"?',
      'slo_exporter.yaml:3:5: modules.tailer: required field "tailedFile" is missing (the log file to follow)',
      'slo_exporter.yaml:4:13: modules.tailer.follow: reopen needs follow: set "reopen: false" too when "follow" is false',
      'slo_exporter.yaml:5:34: modules.tailer.positionPersistenceInterval: expected a positive Go duration such as "2s" or "500ms", got "2d"',
      expect.stringMatching(
        /^slo_exporter\.yaml:6:25: modules\.tailer\.loglineParseRegexp: invalid regexp: error parsing regexp: /,
      ),
      expect.stringMatching(
        /^slo_exporter\.yaml:7:19: modules\.tailer\.emptyGroupRE: invalid regexp: error parsing regexp: /,
      ),
    ]);
  });
});
