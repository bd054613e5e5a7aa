import { describe, expect, it } from 'vitest';
import {
  checkLabelName,
  checkMetricName,
  ExpositionError,
  escapeHelp,
  escapeLabelValue,
  familyHeader,
  formatLabels,
  formatValue,
  isValidLabelName,
  isValidMetricName,
  PROMETHEUS_TEXT_CONTENT_TYPE,
  renderFamilies,
  renderFamily,
} from '../../src/lang/prometheus-text.js';

describe('formatValue matches Go strconv.FormatFloat(v, g, -1, 64) as client_golang writes it', () => {
  // Expected strings follow Go's rules: shortest round-trip digits; %e when the decimal exponent is < -4
  // or >= 6 (the "precision 6" rule of shortest %g); exponent with at least two digits.
  const cases: [number, string][] = [
    [0, '0'],
    [-0, '0'],
    [1, '1'],
    [-1, '-1'],
    [5, '5'],
    [7112, '7112'],
    [0.5, '0.5'],
    [0.9, '0.9'],
    [0.1 + 0.2, '0.30000000000000004'],
    [-2.25, '-2.25'],
    [100000, '100000'],
    [123456, '123456'],
    [999999, '999999'],
    [999999.5, '999999.5'],
    [1e6, '1e+06'],
    [1234567, '1.234567e+06'],
    [-2.5e6, '-2.5e+06'],
    [1702660513, '1.702660513e+09'],
    [2 ** 53, '9.007199254740992e+15'],
    [4.468743327960138e16, '4.468743327960138e+16'],
    [1e21, '1e+21'],
    [1e22, '1e+22'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [0.001, '0.001'],
    [1e-4, '0.0001'],
    [0.00012345, '0.00012345'],
    [1e-5, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [-3e-10, '-3e-10'],
    [1e-100, '1e-100'],
    [5e-324, '5e-324'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NEGATIVE_INFINITY, '-Inf'],
  ];
  it.each(cases)('%s → %s', (value, expected) => {
    expect(formatValue(value)).toBe(expected);
  });

  it('round-trips through parseFloat for finite values', () => {
    for (const [value] of cases) {
      if (Number.isFinite(value)) expect(Number.parseFloat(formatValue(value))).toBe(value === 0 ? 0 : value);
    }
  });
});

describe('escaping', () => {
  const help: [string, string][] = [
    ['plain text', 'plain text'],
    ['back\\slash', 'back\\\\slash'],
    ['line\nfeed', 'line\\nfeed'],
    ['"quotes" stay', '"quotes" stay'],
    ['tab\tstays', 'tab\tstays'],
    ['\\n literal', '\\\\n literal'],
  ];
  it.each(help)('HELP %j → %j', (input, expected) => {
    expect(escapeHelp(input)).toBe(expected);
  });

  const values: [string, string][] = [
    ['svc', 'svc'],
    ['', ''],
    ['C:\\dir', 'C:\\\\dir'],
    ['say "hi"', 'say \\"hi\\"'],
    ['two\nlines', 'two\\nlines'],
    ['C:\\dir\n"x"', 'C:\\\\dir\\n\\"x\\"'],
    ['/var/tmp', '/var/tmp'],
    ['Προμηθεύς', 'Προμηθεύς'],
  ];
  it.each(values)('label value %j → %j', (input, expected) => {
    expect(escapeLabelValue(input)).toBe(expected);
  });
});

describe('name validation', () => {
  const metricNames: [string, boolean][] = [
    ['error_budget_burn_rate', true],
    ['slo:burn_rate:5m', true],
    ['_hidden', true],
    ['A1', true],
    ['1abc', false],
    ['', false],
    ['with-dash', false],
    ['with.dot', false],
    ['späť', false],
  ];
  it.each(metricNames)('metric name %j valid: %s', (name, valid) => {
    expect(isValidMetricName(name)).toBe(valid);
    if (valid) expect(() => checkMetricName(name)).not.toThrow();
    else expect(() => checkMetricName(name)).toThrow(ExpositionError);
  });

  const labelNames: [string, boolean][] = [
    ['service_name', true],
    ['_x', true],
    ['env2', true],
    ['__name__', false],
    ['__reserved', false],
    ['a:b', false],
    ['team-name', false],
    ['1x', false],
    ['', false],
  ];
  it.each(labelNames)('label name %j valid: %s', (name, valid) => {
    expect(isValidLabelName(name)).toBe(valid);
    if (valid) expect(() => checkLabelName(name)).not.toThrow();
    else expect(() => checkLabelName(name)).toThrow(/invalid label name/);
  });
});

describe('labels and lines', () => {
  it('sorts labels by name and escapes values', () => {
    expect(formatLabels({ b: '2', a: 'x"y', c: 'l\nm' })).toBe('{a="x\\"y",b="2",c="l\\nm"}');
    expect(formatLabels({})).toBe('');
    expect(formatLabels(undefined)).toBe('');
  });

  it('rejects invalid label names', () => {
    expect(() => formatLabels({ 'team-name': 'x' })).toThrow('invalid label name "team-name"');
  });

  it('builds family headers', () => {
    expect(familyHeader('x', 'a \\ b\nc', 'gauge')).toBe('# HELP x a \\\\ b\\nc\n# TYPE x gauge\n');
    expect(familyHeader('x', '', 'counter')).toBe('# TYPE x counter\n');
  });

  it('renders a family with one line per sample, ending with a line feed', () => {
    const text = renderFamily({
      name: 'sli_measurement',
      help: 'Service Level Indicator.',
      type: 'gauge',
      samples: [
        { labels: { slo: 'b' }, value: 0.5 },
        { labels: { slo: 'a' }, value: Number.NaN },
        { value: 1e6 },
      ],
    });
    expect(text).toBe(
      [
        '# HELP sli_measurement Service Level Indicator.',
        '# TYPE sli_measurement gauge',
        'sli_measurement{slo="b"} 0.5',
        'sli_measurement{slo="a"} NaN',
        'sli_measurement 1e+06',
        '',
      ].join('\n'),
    );
  });

  it('rejects duplicate series and duplicate families', () => {
    expect(() =>
      renderFamily({
        name: 'x',
        help: '',
        type: 'gauge',
        samples: [
          { labels: { a: '1', b: '2' }, value: 1 },
          { labels: { b: '2', a: '1' }, value: 2 },
        ],
      }),
    ).toThrow('duplicate series x{a="1",b="2"}');
    const family = { name: 'x', help: '', type: 'gauge' as const, samples: [] };
    expect(() => renderFamilies([family, family])).toThrow('appears twice');
  });

  it('sorts families by name; an empty list renders as nothing', () => {
    const text = renderFamilies([
      { name: 'b', help: 'B', type: 'gauge', samples: [{ value: 2 }] },
      { name: 'a', help: 'A', type: 'counter', samples: [{ value: 1 }] },
    ]);
    expect(text).toBe('# HELP a A\n# TYPE a counter\na 1\n# HELP b B\n# TYPE b gauge\nb 2\n');
    expect(renderFamilies([])).toBe('');
  });

  it('exposes the 0.0.4 content type', () => {
    expect(PROMETHEUS_TEXT_CONTENT_TYPE).toBe('text/plain; version=0.0.4; charset=utf-8');
  });
});
