import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/context.js';
import { providerArg } from '../../src/cli/metrics-run.js';

describe('metrics get -p', () => {
  it.each([
    ['istio-prom=providers/istio-prom.tpl', { key: 'istio-prom', ref: 'providers/istio-prom.tpl' }],
    ['providers/istio-prom.tpl', { key: 'istio-prom', ref: 'providers/istio-prom.tpl' }],
    [
      'nr=https://hub.example/t/newrelic.yaml?ref=main',
      { key: 'nr', ref: 'https://hub.example/t/newrelic.yaml?ref=main' },
    ],
    [
      'https://hub.example/t/newrelic.yaml?ref=main',
      { key: 'newrelic', ref: 'https://hub.example/t/newrelic.yaml?ref=main' },
    ],
    ['dir/a=b.tpl', { key: 'a=b', ref: 'dir/a=b.tpl' }],
  ])('%s', (arg, expected) => {
    expect(providerArg(arg)).toEqual(expected);
  });

  it('needs a file name to take the key from', () => {
    expect(() => providerArg('https://hub.example/')).toThrow(UsageError);
  });
});
