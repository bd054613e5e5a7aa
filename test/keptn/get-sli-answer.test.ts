/**
 * `getSli` outcomes that need no data source, and the per-indicator deadline against a real server that
 * never answers (reference/keptn.md §1.7, §3.5).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusBackend } from '../../src/backends/prometheus.js';
import { ConfigError } from '../../src/config/errors.js';
import { type GetSliSources, getSli } from '../../src/keptn/get-sli.js';
import { MetricProviders } from '../../src/keptn/indicator-sources.js';
import type { GetSliTriggered } from '../../src/keptn/keptn-events.js';

const triggered: GetSliTriggered = {
  project: 'sockshop',
  stage: 'dev',
  service: 'carts',
  labels: { buildId: '1' },
  deployment: '',
  sliProvider: 'prometheus',
  start: '2023-11-14T23:00:00Z',
  end: '2023-11-15T00:00:00Z',
  indicators: ['a'],
  customFilters: [],
  gitCommitId: '',
};

const sources = (over: Partial<GetSliSources> = {}): GetSliSources => ({
  sliQueries: async () => ({ a: 'up', b: 'provider:nope/x' }),
  queryTimeout: 5,
  concurrency: 4,
  ...over,
});

/** A server that accepts requests and never answers. */
const silent = createServer(() => {});
let silentUrl = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
});
afterAll(() => {
  silent.closeAllConnections();
  silent.close();
});

describe('getSli', () => {
  it.each([
    [
      { start: 'yesterday' },
      'unable to parse start timestamp: "yesterday" is neither RFC 3339 nor Unix seconds',
    ],
    [
      { end: '2023-13-01T00:00:00Z' },
      'unable to parse end timestamp: "2023-13-01T00:00:00Z" is neither RFC 3339 nor Unix seconds',
    ],
    [{ end: '2023-11-14T22:00:00Z' }, 'end 2023-11-14T22:00:00Z is before start 2023-11-14T23:00:00Z'],
  ] as [Partial<GetSliTriggered>, string][])(
    'answers errored / fail for a bad time frame %j',
    async (frame, message) => {
      const data = await getSli({ ...triggered, ...frame }, sources());
      expect(data).toEqual({
        project: 'sockshop',
        stage: 'dev',
        service: 'carts',
        labels: { buildId: '1' },
        status: 'errored',
        result: 'fail',
        message,
        'get-sli': {
          start: frame.start ?? triggered.start,
          end: frame.end ?? triggered.end,
        },
      });
    },
  );

  it('answers errored / fail with the file and position of an sli.yaml problem', async () => {
    const issue = {
      file: 'sockshop: prometheus/sli.yaml',
      line: 3,
      column: 5,
      path: 'indicators.a',
      message: 'expected a query (string)',
    };
    const data = await getSli(
      triggered,
      sources({ sliQueries: async () => Promise.reject(new ConfigError([issue])) }),
    );
    expect(data).toMatchObject({
      status: 'errored',
      result: 'fail',
      message:
        'unable to retrieve custom queries for project sockshop: sockshop: prometheus/sli.yaml:3:5: indicators.a: expected a query (string)',
    });
  });

  it('passes with no values when no indicator is asked', async () => {
    const data = await getSli({ ...triggered, indicators: [] }, sources());
    expect(data).toMatchObject({ status: 'succeeded', result: 'pass', 'get-sli': { indicatorValues: [] } });
    expect(data.message).toBeUndefined();
  });

  it('says what is missing: no Prometheus, no such metric provider', async () => {
    const data = await getSli(
      { ...triggered, indicators: ['a', 'b'] },
      sources({ metricProviders: new MetricProviders({ newrelic: { provider: 'x.yaml', values: {} } }, 5) }),
    );
    expect(data['get-sli'].indicatorValues).toEqual([
      {
        metric: 'a',
        value: 0,
        success: false,
        message: 'no Prometheus configured for PromQL indicators (keptn.prometheus or keptn.backend)',
      },
      {
        metric: 'b',
        value: 0,
        success: false,
        message: 'no metric provider "nope" in keptn.metric_providers (defined: newrelic)',
      },
    ]);
    expect(data).toMatchObject({
      status: 'succeeded',
      result: 'fail',
      message: 'unable to retrieve metrics',
    });
  });

  it('gives an indicator that does not answer in time its deadline message', async () => {
    const data = await getSli(
      triggered,
      sources({
        queryTimeout: 0.2,
        prometheus: () => new PrometheusBackend({ url: silentUrl, timeout: 60 }),
      }),
    );
    expect(data['get-sli'].indicatorValues).toEqual([
      { metric: 'a', value: 0, success: false, message: 'indicator a timed out after 0.2 s' },
    ]);
  });
});
