/** The `events` backend: compute() over a history database filled with event buckets, and its validation. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsBackend } from '../../src/backends/events.js';
import type { SharedConfig } from '../../src/config/schema.js';
import type { InvalidReport, SloConfig, ValidReport } from '../../src/domain/types.js';
import { compute } from '../../src/engine/compute.js';
import { type CountedEvent, EventStore } from '../../src/events/event-store.js';
import { flushEventStore } from '../../src/events/event-store-sqlite.js';
import { HistoryStore } from '../../src/history/store.js';
import { policyStep } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';
import { validateSlo } from '../helpers/validate-slo.js';

const dir = tempDir('slokit-events-backend-');
const database = join(dir.root, 'history.db');
afterAll(() => dir.cleanup());

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;
const NOW = 1_800_000_000; // a minute boundary
const event = (over: Partial<CountedEvent>): CountedEvent => ({
  result: 'success',
  domain: 'shop',
  class: 'critical',
  app: 'web',
  key: 'GET:/cart',
  quantity: 1,
  metadata: { slo_type: 'availability' },
  ...over,
});

/**
 * Minute i before NOW (i = 1 .. 28 days) holds, for app web: 1 good event, plus 1 bad every 10th minute;
 * for app api (slo_type latency90): 1 bad every 60th minute. The minute starting at NOW holds 5 good web
 * events: only runs whose timestamp lies inside that minute count them.
 */
beforeAll(() => {
  const events = new EventStore();
  for (let i = 1; i <= 28 * (DAY / MINUTE); i++) {
    const at = NOW - i * MINUTE + 7;
    events.add(event({}), at);
    if (i % 10 === 0) events.add(event({ result: 'fail' }), at);
    if (i % 60 === 0) {
      events.add(
        event({ result: 'fail', app: 'api', key: 'POST:/order', metadata: { slo_type: 'latency90' } }),
        at,
      );
    }
  }
  events.add(event({ quantity: 5 }), NOW + 10);
  const history = new HistoryStore(database);
  flushEventStore(events, history);
  history.close();
});

const step = policyStep;
const WINDOWS: [string, number][] = [
  ['1h', HOUR],
  ['12h', 12 * HOUR],
  ['7d', 7 * DAY],
  ['28d', 28 * DAY],
];
const shared = (path = database): SharedConfig => ({
  backends: { events: { path } },
  exporters: {},
  default_exporters: [],
  error_budget_policies: { default: { steps: WINDOWS.map(([name, w]) => step(name, w)) } },
});
const slo = (name: string, sli: Record<string, unknown>, method = 'good_bad_ratio'): SloConfig => ({
  apiVersion: 'sre.google.com/v2',
  kind: 'ServiceLevelObjective',
  metadata: { name },
  spec: { description: name, backend: 'events', method, service_level_indicator: sli, goal: 0.9 },
});
const counts = (reports: readonly unknown[]) =>
  (reports as ValidReport[]).map((r) => [
    r.error_budget_policy_step_name,
    r.good_events_count,
    r.bad_events_count,
  ]);

describe('events backend in compute()', () => {
  it('exact good and bad counts over 1h, 12h, 7d and 28d windows at a minute boundary', async () => {
    const { results } = await compute(
      [slo('all', { sum_metadata: true }), slo('web', { app: 'web' })],
      shared(),
      {
        timestamp: NOW,
      },
    );
    expect(counts(results[0]!.reports)).toEqual(
      WINDOWS.map(([name, w]) => [name, w / MINUTE, w / (10 * MINUTE) + w / HOUR]),
    );
    expect(counts(results[1]!.reports)).toEqual(
      WINDOWS.map(([name, w]) => [name, w / MINUTE, w / (10 * MINUTE)]),
    );
    expect(results[1]!.reports[0]).toMatchObject({ valid: true, sli_measurement: 0.909091, timestamp: NOW });
  });

  it('inside a minute, the minute in progress counts and the oldest minute of the window does not', async () => {
    const { results } = await compute([slo('web', { app: 'web' })], shared(), { timestamp: NOW + 30.5 });
    // Minutes 0 .. W/60 − 1 before: minute W/60 (which held a bad event when W/60 % 10 = 0) drops out.
    expect(counts(results[0]!.reports)).toEqual(
      WINDOWS.map(([name, w]) => [name, w / MINUTE - 1 + 5, w / (10 * MINUTE) - 1]),
    );
  });

  it.each([
    [{ domain: 'shop', class: 'critical', app: 'api', event_key: 'POST:/order' }, [0, 1]],
    [{ slo_type: { regexp: 'lat.*' } }, [0, 1]],
    [{ event_key: { regexp: 'GET:.*' }, slo_type: 'availability' }, [60, 6]],
    [{ event_key: { regexp: 'POST' } }, 'NO_DATA'],
    [{ app: { regexp: 'web|api' }, domain: { regexp: 's.*p' }, sum_metadata: true }, [60, 7]],
    [{ metadata: { slo_type: 'latency90' } }, [0, 1]],
    [{ metadata: { slo_type: { regexp: 'avail.*' } }, app: 'web' }, [60, 6]],
    [{ metadata: { slo_version: '' }, slo_type: 'availability' }, [60, 6]],
    [{ metadata: { slo_version: '6' } }, 'NO_DATA'],
  ])('filter %j over 1h gives %j', async (sli, expected) => {
    const { results } = await compute([slo('f', sli)], shared(), { timestamp: NOW });
    const report = results[0]!.reports[0]!;
    if (expected === 'NO_DATA') {
      expect((report as InvalidReport).errors).toEqual([
        'Backend method returned a valid tuple (-1, -1) but the good and bad count is NO_DATA (-1).',
      ]);
    } else {
      expect([(report as ValidReport).good_events_count, (report as ValidReport).bad_events_count]).toEqual(
        expected,
      );
    }
  });

  it('a selection spanning several metadata label sets in the window is an invalid report naming them', async () => {
    const { results } = await compute([slo('mixed', { domain: 'shop' })], shared(), { timestamp: NOW });
    // 1h holds app api's latency90 event (minute 60): two label sets; the 12h window too.
    expect((results[0]!.reports[0] as InvalidReport).errors[0]).toContain(
      'events backend: the selection spans 2 metadata label sets ({slo_type="availability"}, {slo_type="latency90"}): events of several rules would be summed',
    );
    // Two days later the 1h window holds no event of either set: NO_DATA, not ambiguity.
    const later = await compute([slo('mixed', { domain: 'shop' })], shared(), { timestamp: NOW + 2 * DAY });
    expect((later.results[0]!.reports[0] as InvalidReport).errors[0]).toMatch(/NO_DATA/);
  });

  it('an empty window is NO_DATA, an invalid report', async () => {
    // Two days after the last event: the 1h and 12h windows are empty, 7d and 28d are not.
    const { results } = await compute([slo('later', { sum_metadata: true })], shared(), {
      timestamp: NOW + 2 * DAY,
    });
    expect(results[0]!.reports.map((r) => r.valid)).toEqual([false, false, true, true]);
    expect((results[0]!.reports[0] as InvalidReport).errors[0]).toMatch(/NO_DATA/);
  });

  it('query_sli is refused with a clear error, a missing database names its path', async () => {
    const refused = await compute([slo('q', {}, 'query_sli')], shared(), { timestamp: NOW });
    expect((refused.results[0]!.reports[0] as InvalidReport).errors[0]).toContain(
      'the events backend does not support method query_sli; use method good_bad_ratio',
    );
    const missing = join(dir.root, 'nope', 'history.db');
    const absent = await compute([slo('m', {})], shared(missing), { timestamp: NOW });
    expect((absent.results[0]!.reports[0] as InvalidReport).errors[0]).toContain(
      `events backend: cannot read the event database ${missing}`,
    );
  });

  it('the database path defaults to .slokit/history.db', () => {
    expect(eventsBackend.configSchema.parse({})).toEqual({ path: '.slokit/history.db' });
  });

  it("a relative path resolves against the shared config file's directory, as events run -c writes it", async () => {
    // pluginDirs is [working directory, config directory], as every command builds it.
    const { results } = await compute([slo('web', { app: 'web' })], shared('history.db'), {
      timestamp: NOW,
      pluginDirs: [process.cwd(), dir.root],
    });
    expect(counts(results[0]!.reports)[0]).toEqual(['1h', 60, 6]);
    const missing = await compute([slo('web', { app: 'web' })], shared('.slokit/history.db'), {
      timestamp: NOW,
      pluginDirs: [process.cwd(), dir.root],
    });
    expect((missing.results[0]!.reports[0] as InvalidReport).errors[0]).toContain(
      `cannot read the event database ${join(dir.root, '.slokit/history.db')}`,
    );
  });
});

describe('validate: events backend', () => {
  const validate = (sli: string, block: string, method?: string) =>
    validateSlo(dir, { backend: 'events', block, method, sli });

  it('names file, line and field of a bad regexp, an unknown field and a wrong type', async () => {
    expect(
      await validate('    domain: {regexp: "(shop"}\n    app: 42\n    event: GET', '{path: x.db}'),
    ).toEqual([
      'slo.yaml:9:22: spec.service_level_indicator.domain.regexp: invalid RE2 regexp: error parsing regexp: missing closing ): `(shop`',
      'slo.yaml:10:10: spec.service_level_indicator.app: expected text (an exact match) or {regexp: <RE2 pattern>}',
      'slo.yaml:11:5: spec.service_level_indicator.event: unknown field "event" (expected one of: domain, class, app, event_key, slo_type, metadata, sum_metadata)',
    ]);
  });

  it('accepts every field, exact or regexp; refuses query_sli and a misspelt config field', async () => {
    expect(
      await validate(
        '    domain: shop\n    class: {regexp: "critical|high"}\n    app: web\n    event_key: {regexp: "GET:.*"}\n    slo_type: availability',
        '{}',
      ),
    ).toEqual([]);
    expect(await validate('    domain: shop', '{path: x.db}', 'query_sli')).toEqual([
      'slo.yaml:7:11: spec.method: backend "events" has no method "query_sli" (expected one of: good_bad_ratio)',
    ]);
    const [issue] = await validate('    domain: shop', '{pth: x.db}');
    expect(issue).toMatch(
      /^config\.yaml:2:\d+: backends\.events\.pth: unknown field "pth".*did you mean "path"/,
    );
  });
});

describe('events backend past the store series cap', () => {
  const capped = join(dir.root, 'capped.db');
  beforeAll(() => {
    // Cap 3: z (app api), a and b get series; c and d (app web) are stored under the overflow key.
    const events = new EventStore({ maxSeries: 3 });
    events.add(event({ key: 'z', app: 'api', result: 'fail' }), NOW - 30 * MINUTE);
    for (const key of ['a', 'b', 'c', 'd']) events.add(event({ key }), NOW - 30 * MINUTE);
    const history = new HistoryStore(capped);
    flushEventStore(events, history);
    history.close();
  });

  it('totals without event_key stay exact; an event_key selection whose app overflowed is an invalid report', async () => {
    const { results } = await compute(
      [
        slo('web', { app: 'web' }),
        slo('key', { app: 'web', event_key: 'a' }),
        slo('other-app', { app: 'api', event_key: 'z' }),
      ],
      shared(capped),
      { timestamp: NOW },
    );
    expect(counts(results[0]!.reports)[0]).toEqual(['1h', 4, 0]);
    expect((results[1]!.reports[0] as InvalidReport).errors[0]).toContain(
      'events backend: 2 events of this selection\'s domain/class/app were stored under event key "cardinalityLimitExceeded"',
    );
    // The api app has no overflow events, so its event_key selection is exact.
    expect(counts(results[2]!.reports)[0]).toEqual(['1h', 0, 1]);
  });
});
