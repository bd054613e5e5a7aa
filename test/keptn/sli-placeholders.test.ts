/** Placeholders, built-in queries and the time frame, as prometheus-service builds them (reference/keptn.md §3.3-3.5). */
import { describe, expect, it } from 'vitest';
import { durationSeconds, parseKeptnTime, unixSeconds } from '../../src/keptn/keptn-time.js';
import {
  defaultFilterExpression,
  defaultQuery,
  deploymentOf,
  fillPlaceholders,
  type QueryContext,
} from '../../src/keptn/placeholders.js';

const context: QueryContext = {
  project: 'sockshop',
  stage: 'staging',
  service: 'carts',
  deployment: 'canary',
  labels: { buildId: '17', build: 'b' },
  customFilters: [],
  duration: '600s',
};

describe('fillPlaceholders', () => {
  it.each([
    ['$PROJECT-$STAGE-$SERVICE-$DEPLOYMENT', 'sockshop-staging-carts-canary'],
    ['rate(x[$DURATION_SECONDS])', 'rate(x[600s])'],
    ['{build="$LABEL.buildId"}', '{build="17"}'],
    // The longest name wins at each `$`: label order does not matter.
    ['{a="$LABEL.build", b="$LABEL.buildId"}', '{a="b", b="17"}'],
    // Names that are no placeholder stay; a shorter one still matches inside a longer text.
    ['$UNKNOWN $LABEL.missing', '$UNKNOWN $LABEL.missing'],
    ['$STAGE_X', 'staging_X'],
    ['no placeholders', 'no placeholders'],
  ])('%s → %s', (query, expected) => {
    expect(fillPlaceholders(query, context)).toBe(expected);
  });

  it('fills $key and $KEY from custom filters, quotes removed, before the defaults', () => {
    const c = {
      ...context,
      customFilters: [
        { key: 'handler', value: '"ItemsController"' },
        { key: 'stage', value: "'override'" },
      ],
    };
    expect(fillPlaceholders('$handler $HANDLER $STAGE $stage', c)).toBe(
      'ItemsController ItemsController override override',
    );
  });

  it('does not corrupt a longer placeholder whose name starts with a filter key', () => {
    const c = {
      ...context,
      customFilters: [
        { key: 'handler', value: 'a' },
        { key: 'handlerName', value: 'b' },
      ],
    };
    expect(fillPlaceholders('$handler/$handlerName', c)).toBe('a/b');
  });

  it('does not scan substituted values again', () => {
    expect(fillPlaceholders('$LABEL.x', { ...context, labels: { x: '$STAGE' } })).toBe('$STAGE');
  });
});

describe('deploymentOf', () => {
  it('takes the deployment label first, then data.deployment, else primary', () => {
    expect(deploymentOf('canary', { deployment: 'direct' })).toBe('direct');
    expect(deploymentOf('canary', {})).toBe('canary');
    expect(deploymentOf('', {})).toBe('primary');
    expect(deploymentOf(undefined, {})).toBe('primary');
  });
});

describe('built-in SLIs', () => {
  const filters = { ...context, customFilters: [{ key: 'handler', value: 'ItemsController' }] };

  it('builds the filter expression with the canary job first', () => {
    expect(defaultFilterExpression(filters)).toBe(
      "job='carts-sockshop-staging-canary',handler='ItemsController'",
    );
  });

  it('keeps operators given in values, with " turned into \'', () => {
    const c = {
      ...context,
      customFilters: [
        { key: 'job', value: '=~"carts.*"' },
        { key: 'handler', value: '!=HealthCheck' },
      ],
    };
    expect(defaultFilterExpression(c)).toBe("job=~'carts.*',handler!=HealthCheck");
  });

  it.each([
    [
      'throughput',
      "sum(rate(http_requests_total{job='carts-sockshop-staging-canary',handler='ItemsController'}[600s]))",
    ],
    [
      'error_rate',
      "sum(rate(http_requests_total{job='carts-sockshop-staging-canary',handler='ItemsController',status!~'2..'}[600s]))/sum(rate(http_requests_total{job='carts-sockshop-staging-canary',handler='ItemsController'}[600s]))",
    ],
    [
      'response_time_p50',
      "histogram_quantile(0.50,sum(rate(http_response_time_milliseconds_bucket{job='carts-sockshop-staging-canary',handler='ItemsController'}[600s]))by(le))",
    ],
    [
      'response_time_p95',
      "histogram_quantile(0.95,sum(rate(http_response_time_milliseconds_bucket{job='carts-sockshop-staging-canary',handler='ItemsController'}[600s]))by(le))",
    ],
  ])('%s', (sli, expected) => {
    expect(defaultQuery(sli, filters)).toBe(expected);
  });

  it('has no query for other names', () => {
    expect(defaultQuery('response_time_p99', context)).toBeUndefined();
    expect(defaultQuery('cpu', context)).toBeUndefined();
  });
});

describe('time frame', () => {
  it('reads RFC 3339 with nanoseconds and Unix seconds', () => {
    expect(parseKeptnTime('2019-10-28T15:44:27.152330783Z')).toEqual({
      seconds: 1572277467,
      nanos: 152330783,
    });
    expect(parseKeptnTime('2019-10-28T17:44:27+02:00')).toEqual({ seconds: 1572277467, nanos: 0 });
    expect(parseKeptnTime('1572277467')).toEqual({ seconds: 1572277467, nanos: 0 });
    expect(parseKeptnTime('yesterday')).toBeUndefined();
    expect(parseKeptnTime('1572277467.5')).toBeUndefined();
  });

  it('rounds the duration up to whole seconds, exactly', () => {
    const start = parseKeptnTime('2019-10-28T15:44:27.152330783Z')!;
    expect(durationSeconds(start, parseKeptnTime('2019-10-28T15:54:27.152330783Z')!)).toBe('600s');
    expect(durationSeconds(start, parseKeptnTime('2019-10-28T15:54:27.152330784Z')!)).toBe('601s');
    expect(durationSeconds(start, start)).toBe('0s');
  });

  it('gives the query time in Unix seconds with the fraction', () => {
    expect(unixSeconds({ seconds: 1572277467, nanos: 500_000_000 })).toBe(1572277467.5);
  });
});
