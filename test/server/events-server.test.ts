import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../src/cli/context.js';
import { AUTH_TOKEN_ENV, applyRunFlags, readAuthToken, runPipeline } from '../../src/cli/events-pipeline.js';
import type { Logger } from '../../src/engine/logger.js';
import type { PipelineSpec } from '../../src/events/pipeline-spec.js';
import { HistoryStore } from '../../src/history/store.js';
import {
  acceptsOpenMetrics,
  DEFAULT_EVENTS_BODY_LIMIT,
  parseListenAddress,
} from '../../src/server/events-server.js';
import { expectedCounts, fileSource, logLines, pipelineSpec } from '../events/pipeline-fixtures.js';
import { promtoolProblems } from '../helpers/promtool.js';
import { tempDir } from '../helpers/tmp.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('slokit-events-server-');
});
afterEach(() => dir.cleanup());

/** A logger keeping what it was given, resolving `url` at the "events server listening" line. */
function recordingLogger() {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  let resolveUrl!: (url: string) => void;
  const url = new Promise<string>((resolve) => {
    resolveUrl = resolve;
  });
  const log = (level: string) => (fields: object, message: string) => {
    lines.push({ level, fields: fields as Record<string, unknown>, message });
    if (message === 'events server listening') resolveUrl((fields as { url: string }).url);
  };
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  return { logger, lines, url };
}

/** Starts a pipeline in this process; `stop()` aborts it and resolves with its exit code. */
async function start(spec: PipelineSpec, extra: { printMetrics?: PassThrough; authToken?: string } = {}) {
  const { logger, lines, url } = recordingLogger();
  const stop = new AbortController();
  const done = runPipeline(spec, { logger, stop: stop.signal, ...extra });
  const base = await Promise.race([
    url,
    done.then(() => Promise.reject(new Error('ended before listening'))),
  ]);
  // Ready once the sources started.
  await vi.waitFor(async () => expect((await fetch(`${base}/readiness`)).status).toBe(200));
  return {
    base,
    lines,
    done,
    stop: () => {
      stop.abort();
      return done;
    },
  };
}

const post = (url: string, body: string | Buffer, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/x-ndjson', ...headers } });

const event = (statusCode: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    slo_domain: 'web',
    slo_class: 'critical',
    slo_app: 'api',
    event_key: 'login',
    statusCode,
    requestDuration: 0.1,
    ...extra,
  });

describe('events server', () => {
  it('serves the probes, module routes and /metrics as text 0.0.4 or OpenMetrics', async () => {
    const run = await start(pipelineSpec());
    try {
      const live = await fetch(`${run.base}/liveness`);
      expect([live.status, await live.text()]).toEqual([200, 'OK']);
      expect(await (await fetch(`${run.base}/readiness`)).text()).toBe('OK');
      await post(`${run.base}/api/events`, `${event(200)}\n${event(503)}`);
      const route = await fetch(`${run.base}/eventKeyGenerator/last`);
      expect(await route.text()).toBe('login');
      expect((await fetch(`${run.base}/nowhere`)).status).toBe(404);

      const text = await fetch(`${run.base}/metrics`);
      expect(text.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const body = await text.text();
      expect(body).toContain('# TYPE slo_domain:slo_events_total counter\n');
      expect(body).toContain(
        'slo_domain:slo_events_total{result="fail",slo_domain="web",slo_type="availability"} 1\n',
      );
      expect(body).not.toContain('# EOF');

      const open = await fetch(`${run.base}/metrics`, {
        headers: { accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' },
      });
      expect(open.headers.get('content-type')).toBe(
        'application/openmetrics-text; version=1.0.0; charset=utf-8',
      );
      const openBody = await open.text();
      expect(openBody).toContain('# TYPE slo_domain:slo_events counter\n');
      expect(openBody).toContain(
        'slo_domain:slo_events_total{result="fail",slo_domain="web",slo_type="availability"} 1\n',
      );
      expect(openBody.endsWith('# EOF\n')).toBe(true);
    } finally {
      expect(await run.stop()).toBe(0);
    }
  });

  it('POST /api/events answers after the events ran: 200 counts, 400 for a broken array or no valid event, 413 above the limit', async () => {
    const run = await start(pipelineSpec());
    try {
      const ok = await post(
        `${run.base}/api/events`,
        `${event(200)}\nnot json\n${event(503, { quantity: 2 })}\n`,
      );
      expect([ok.status, await ok.json()]).toEqual([200, { accepted: 2, malformed: 1 }]);
      const array = await post(`${run.base}/api/events`, `[${event(200)}, 1]`, {
        'content-type': 'application/json',
      });
      expect([array.status, await array.json()]).toEqual([200, { accepted: 1, malformed: 1 }]);
      const broken = await post(`${run.base}/api/events`, `[${event(200)}`, {
        'content-type': 'application/json',
      });
      expect(broken.status).toBe(400);
      expect(((await broken.json()) as { error: string }).error).toMatch(/^not a JSON array of events: /);
      const noEvent = await post(`${run.base}/api/events`, 'not json\n{"quantity": -1}\n');
      expect([noEvent.status, await noEvent.json()]).toEqual([
        400,
        {
          error:
            'no valid event in the body (2 malformed): expected JSON lines or a JSON array, each event a JSON object whose quantity field, if any, is a non-negative number',
          accepted: 0,
          malformed: 2,
        },
      ]);
      const tooLarge = await post(
        `${run.base}/api/events`,
        Buffer.alloc(DEFAULT_EVENTS_BODY_LIMIT + 1, 0x20),
      );
      expect(tooLarge.status).toBe(413);
      expect(await tooLarge.json()).toEqual({
        error: `request body larger than the limit of ${DEFAULT_EVENTS_BODY_LIMIT} bytes`,
      });
      // Without a content type the body is read all the same.
      const bare = await fetch(`${run.base}/api/events`, { method: 'POST', body: new Blob([event(200)]) });
      expect(await bare.json()).toEqual({ accepted: 1, malformed: 0 });

      const metrics = await (await fetch(`${run.base}/metrics`)).text();
      expect(metrics).toContain(
        'slo_domain:slo_events_total{result="success",slo_domain="web",slo_type="availability"} 3\n',
      );
      expect(metrics).toContain(
        'slo_domain:slo_events_total{result="fail",slo_domain="web",slo_type="availability"} 2\n',
      );
      expect(metrics).toContain('slokit_events_ingested_total{source="http"} 4\n');
      expect(metrics).toContain('slokit_events_malformed_lines_total 4\n');
      // The server is still fine after all that.
      expect((await fetch(`${run.base}/liveness`)).status).toBe(200);
    } finally {
      await run.stop();
    }
  });

  it('/metrics passes promtool check metrics', async () => {
    const log = dir.write('access.log', logLines(500));
    const run = await start(pipelineSpec({ sources: [fileSource(log, { follow: true })] }));
    try {
      await post(`${run.base}/api/events`, event(200));
      const body = await (await fetch(`${run.base}/metrics`)).text();
      expect(promtoolProblems(body)).toEqual([]);
    } finally {
      await run.stop();
    }
  });
});

describe('events run ingest auth', () => {
  it('with a token, POST /api/events needs it (401 without, no event counted); reads stay open', async () => {
    const run = await start(pipelineSpec(), { authToken: 's3cret-token' });
    try {
      const refused = await post(`${run.base}/api/events`, event(200));
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
      // The answer names where events run's token comes from, never the token.
      expect(await refused.json()).toEqual({
        error:
          'this endpoint needs Authorization: Bearer <token> (--auth-token-file or SLOKIT_EVENTS_AUTH_TOKEN)',
      });
      const wrong = await post(`${run.base}/api/events`, event(200), { authorization: 'Bearer nope' });
      expect(wrong.status).toBe(401);
      const ok = await post(`${run.base}/api/events`, event(200), { authorization: 'Bearer s3cret-token' });
      expect([ok.status, await ok.json()]).toEqual([200, { accepted: 1, malformed: 0 }]);
      const metrics = await fetch(`${run.base}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('slokit_events_ingested_total{source="http"} 1\n');
    } finally {
      await run.stop();
    }
  });

  it('reads the token from --auth-token-file (first line), else the environment; errors never show it', async () => {
    const file = dir.write('token', '  tok-1  \nignored\n');
    expect(await readAuthToken({ authTokenFile: file }, { [AUTH_TOKEN_ENV]: 'env-tok' })).toBe('tok-1');
    expect(await readAuthToken({}, { [AUTH_TOKEN_ENV]: ' env-tok\n' })).toBe('env-tok');
    expect(await readAuthToken({}, {})).toBeUndefined();
    await expect(readAuthToken({}, { [AUTH_TOKEN_ENV]: ' ' })).rejects.toThrow(
      new UsageError(`${AUTH_TOKEN_ENV} is set but empty`),
    );
    const missing = join(dir.root, 'nope');
    await expect(readAuthToken({ authTokenFile: missing })).rejects.toThrow(
      new UsageError(`--auth-token-file: cannot read ${missing} (ENOENT)`),
    );
    const empty = dir.write('empty', '\nsecond-line-token\n');
    const error = await readAuthToken({ authTokenFile: empty }).catch((e: Error) => e);
    expect(error).toEqual(new UsageError(`--auth-token-file: ${empty} holds no token on its first line`));
  });
});

describe('runPipeline shutdown', () => {
  it('ends by itself after its follow: false file, drained, prints the final metrics and persists store and positions', async () => {
    const log = dir.write('access.log', logLines(400));
    const database = join(dir.root, 'history.db');
    const printed = new PassThrough();
    let output = '';
    printed.on('data', (chunk) => {
      output += chunk;
    });
    const spec = pipelineSpec({
      sources: [fileSource(log)],
      store: { database, retentionSeconds: 86_400, flushIntervalMs: 60_000, maxSeries: 1000 },
    });
    const { logger } = recordingLogger();
    expect(await runPipeline(spec, { logger, printMetrics: printed })).toBe(0);
    const expected = expectedCounts(400);
    expect(output).toContain(
      `slo_domain:slo_events_total{result="fail",slo_domain="web",slo_type="latency"} ${expected.latency.bad}\n`,
    );
    expect(output).toContain('slo_exporter_tailer_lines_read_total 400\n');
    const history = new HistoryStore(database, { readonly: true });
    const totals = history.events.totals(() => true, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    expect(totals.good).toBe(expected.availability.good + expected.latency.good);
    expect(totals.bad).toBe(expected.availability.bad + expected.latency.bad);
    expect(history.positions.all().get(log)?.offset).toBe(readFileSync(log).length);
    history.close();
    expect(JSON.parse(readFileSync(`${log}.pos`, 'utf8')).positions[log].offset).toBe(
      readFileSync(log).length,
    );
  });

  it('on stop: readiness 503 and ingest refused during afterPipelineShutdownDelay, then the server closes', async () => {
    const run = await start(pipelineSpec({ afterPipelineShutdownDelayMs: 400 }));
    const stopped = run.stop();
    await vi.waitFor(async () => {
      const readiness = await fetch(`${run.base}/readiness`);
      expect([readiness.status, await readiness.text()]).toEqual([503, 'shutting down']);
    });
    const refused = await post(`${run.base}/api/events`, event(200));
    expect([refused.status, await refused.json()]).toEqual([
      503,
      { error: 'not accepting events: shutting down' },
    ]);
    expect(await stopped).toBe(0);
    await expect(fetch(`${run.base}/liveness`)).rejects.toThrow();
  });

  it('a source that fails ends the run with its error, after shutting down', async () => {
    const { logger } = recordingLogger();
    const spec = pipelineSpec({ sources: [fileSource(join(dir.root, 'missing.log'), { follow: true })] });
    await expect(runPipeline(spec, { logger })).rejects.toThrow(/cannot open the tailed file/);
  });
});

describe('events run flags', () => {
  const flags = { stdin: false, printMetrics: false, store: true };
  const withStore = pipelineSpec({
    store: { database: 'a.db', retentionSeconds: 60, flushIntervalMs: 1000, maxSeries: 10 },
  });

  it('--listen overrides the config, --history-db the database, --no-store drops the store', () => {
    const spec = applyRunFlags(withStore, { ...flags, listen: '127.0.0.1:9999', historyDb: 'b.db' });
    expect(spec.listenAddress).toBe('127.0.0.1:9999');
    expect(spec.store?.database).toBe('b.db');
    expect(applyRunFlags(withStore, { ...flags, store: false }).store).toBeUndefined();
    expect(applyRunFlags(withStore, flags)).toEqual(withStore);
  });

  it('a listen address that is not host:port is a usage error naming where it came from', () => {
    expect(() => applyRunFlags(withStore, { ...flags, listen: '8080' })).toThrow(
      new UsageError(
        '--listen: invalid listen address: expected host:port (e.g. "0.0.0.0:8080", "127.0.0.1:0", "[::1]:8080"), got "8080"',
      ),
    );
    expect(() => applyRunFlags({ ...withStore, listenAddress: 'x' }, flags)).toThrow(
      /^test\.yaml: invalid listen/,
    );
  });
});

describe('listen address and Accept', () => {
  it('parses host:port as slo-exporter does', () => {
    expect(parseListenAddress('0.0.0.0:8080')).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(parseListenAddress(':9000')).toEqual({ host: '0.0.0.0', port: 9000 });
    expect(parseListenAddress('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(() => parseListenAddress('localhost')).toThrow(
      'invalid listen address: expected host:port (e.g. "0.0.0.0:8080", "127.0.0.1:0", "[::1]:8080"), got "localhost"',
    );
    expect(() => parseListenAddress('a:70000')).toThrow('invalid listen address');
  });

  it('negotiates OpenMetrics only when asked with a non-zero quality', () => {
    expect(acceptsOpenMetrics('application/openmetrics-text; version=1.0.0')).toBe(true);
    expect(acceptsOpenMetrics('text/plain;version=0.0.4, application/openmetrics-text;q=0')).toBe(false);
    expect(acceptsOpenMetrics('*/*')).toBe(false);
    expect(acceptsOpenMetrics(undefined)).toBe(false);
  });
});
