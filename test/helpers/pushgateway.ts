/**
 * Test helpers around a real Pushgateway (Debian `prometheus-pushgateway`): start one on a free loopback
 * port, parse text-format expositions, a small recording HTTP proxy to look at or tamper with what an
 * exporter sends, and report fixtures built by the real report code.
 */
import { createServer as createHttpServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import * as lib from '../../bench/lib/pushgateway.mjs';
import { buildReport } from '../../src/domain/report.js';
import type { PolicyStep, SloConfig, SloReport } from '../../src/domain/types.js';
import { reportV2toV1, type SloReportV1 } from '../../src/exporters/report-v1.js';

export { freePort } from '../../bench/lib/server-process.mjs';

/** A running Pushgateway (started by `bench/lib/pushgateway.mjs`). */
export interface Pushgateway extends lib.PushgatewayServer {
  /** Parsed samples of `/metrics` whose metric name is one of `names` (all when omitted). */
  samples(names?: readonly string[]): Promise<ParsedSample[]>;
}

/** Starts a real Pushgateway on a free loopback port, in memory only (no persistence file). */
export async function startPushgateway(extraArgs: readonly string[] = []): Promise<Pushgateway> {
  const gateway = await lib.startPushgateway(extraArgs);
  return {
    ...gateway,
    samples: async (names) => {
      const all = parseExposition(await gateway.scrape());
      return names ? all.filter((s) => names.includes(s.name)) : all;
    },
  };
}

/** One sample line of a text-format exposition. */
export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  /** The value as written. */
  raw: string;
  value: number;
}

/** Parses the sample lines of a text format 0.0.4 exposition (comments skipped, escapes decoded). */
export function parseExposition(text: string): ParsedSample[] {
  const samples: ParsedSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    let i = 0;
    while (i < line.length && line[i] !== '{' && line[i] !== ' ') i++;
    const name = line.slice(0, i);
    const labels: Record<string, string> = {};
    if (line[i] === '{') {
      i++;
      while (line[i] !== '}') {
        const eq = line.indexOf('=', i);
        const label = line.slice(i, eq);
        i = eq + 2; // skip ="
        let value = '';
        while (line[i] !== '"') {
          if (line[i] === '\\') {
            const next = line[i + 1];
            value += next === 'n' ? '\n' : next;
            i += 2;
          } else {
            value += line[i];
            i++;
          }
        }
        labels[label] = value;
        i++; // closing quote
        if (line[i] === ',') i++;
      }
      i++; // }
    }
    const rest = line.slice(i).trim().split(/\s+/);
    const raw = rest[0]!;
    samples.push({ name, labels, raw, value: Number(raw.replace(/^\+?Inf$/i, 'Infinity')) });
  }
  return samples;
}

/** A request the recording proxy received. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the proxy should answer instead of forwarding; undefined forwards the request. */
export type ProxyResponder = (
  request: RecordedRequest,
  index: number,
) => { status: number; body?: string; headers?: Record<string, string> } | undefined;

/** A small HTTP server that records requests and forwards them to `target` (or answers itself). */
export interface RecordingProxy {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts a recording proxy on a free loopback port. Without a target, unanswered requests get 200. */
export async function startProxy(target?: string, respond?: ProxyResponder): Promise<RecordingProxy> {
  const requests: RecordedRequest[] = [];
  const server: Server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const answer = respond?.(recorded, requests.length - 1);
      if (answer || !target) {
        res.writeHead(answer?.status ?? 200, answer?.headers ?? {});
        res.end(answer?.body ?? '');
        return;
      }
      const upstream = new URL(recorded.url, target);
      const headers = { ...req.headers, host: upstream.host };
      const forward = request(upstream, { method: recorded.method, headers }, (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      });
      forward.on('error', (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An slo-generator v2 SLO document for exporter tests. */
export function sloConfig(
  name: string,
  labels: Record<string, string> = {},
  exporters: string[] = [],
): SloConfig {
  return {
    apiVersion: 'sre.google.com/v2',
    kind: 'ServiceLevelObjective',
    metadata: { name, labels },
    spec: {
      description: `SLO ${name}`,
      backend: 'prometheus',
      method: 'good_bad_ratio',
      exporters,
      service_level_indicator: {},
      goal: 0.9,
    },
  };
}

/** A policy step for exporter tests (threshold 3, one hour). */
export function policyStep(name = 'test', window = 3600, threshold = 3): PolicyStep {
  return { name, window, burn_rate_threshold: threshold, message_alert: 'alert', message_ok: 'ok' };
}

/** A report built by the real report code (v2 shape). */
export function v2Report(
  slo: SloConfig,
  step: PolicyStep,
  result: unknown,
  timestamp = 1702660513,
): SloReport {
  return buildReport({ slo, step, timestamp, result });
}

/** The same report in the v1 shape metrics exporters receive. */
export function v1Report(
  slo: SloConfig,
  step: PolicyStep,
  result: unknown,
  timestamp = 1702660513,
): SloReportV1 {
  return reportV2toV1(v2Report(slo, step, result, timestamp));
}
