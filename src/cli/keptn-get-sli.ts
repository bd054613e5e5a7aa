/**
 * What `slokit keptn get-sli` does (options in keptn.ts): reads a get-sli.triggered event (a CloudEvent, or
 * just its `data`) and a local sli.yaml, asks Prometheus and the metric providers as the SLI provider would,
 * and prints the get-sli.finished event's `data` (`--output json`, exactly what would be sent) or a table.
 */
import { readFile } from 'node:fs/promises';
import { PrometheusBackend } from '../backends/prometheus.js';
import { ConfigError } from '../config/errors.js';
import { httpUrl } from '../http/schema.js';
import { type GetSliSources, getSli } from '../keptn/get-sli.js';
import { MetricProviders } from '../keptn/indicator-sources.js';
import {
  type GetSliFinishedData,
  MalformedEventError,
  readCloudEvent,
  readGetSliData,
  readGetSliTriggered,
} from '../keptn/keptn-events.js';
import { mergeSliFiles } from '../keptn/sli-file.js';
import { EXIT, UsageError } from './context.js';
import { providerArg } from './metrics-run.js';
import { alignColumns } from './output.js';

/** The flags of `keptn get-sli`, as commander parsed them. */
export interface GetSliFlags {
  sli: string;
  event: string;
  prometheus?: string;
  metricProvider: string[];
  output: 'table' | 'json';
}

/** Deadline of one indicator, seconds (the `keptn.query_timeout` default). */
const QUERY_TIMEOUT = 30;

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new ConfigError([
      { file, line: 0, column: 0, path: '', message: e.code === 'ENOENT' ? 'no such file' : e.message },
    ]);
  }
}

/** The triggered data of `--event`: a structured CloudEvent (has `specversion`) or bare data. */
function readEvent(text: string, file: string) {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([
      { file, line: 0, column: 0, path: '', message: `not JSON: ${(error as Error).message}` },
    ]);
  }
  try {
    const envelope = typeof json === 'object' && json !== null && 'specversion' in json;
    if (!envelope) return readGetSliData(json);
    const event = readCloudEvent({ headers: { 'content-type': 'application/cloudevents+json' }, body: text });
    return readGetSliTriggered(event);
  } catch (error) {
    if (error instanceof MalformedEventError) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
}

/** Runs `keptn get-sli`; returns the exit code. */
export async function getSliCommand(
  flags: GetSliFlags,
  stdout: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const providers = flags.metricProvider.map(providerArg);
  const triggered = readEvent(await readText(flags.event), flags.event);
  const sliText = await readText(flags.sli);
  const queries = mergeSliFiles([{ file: flags.sli, text: sliText }]);
  const prometheusUrl = flags.prometheus ?? process.env.PROMETHEUS_ENDPOINT;
  if (prometheusUrl !== undefined && !httpUrl.safeParse(prometheusUrl).success) {
    const from = flags.prometheus !== undefined ? '--prometheus' : 'PROMETHEUS_ENDPOINT';
    throw new UsageError(`${from}: expected an absolute http:// or https:// URL`);
  }
  const sources: GetSliSources = {
    sliQueries: async () => queries,
    prometheus: prometheusUrl
      ? () => new PrometheusBackend({ url: prometheusUrl, timeout: QUERY_TIMEOUT })
      : undefined,
    metricProviders: new MetricProviders(
      Object.fromEntries(providers.map(({ key, ref }) => [key, { provider: ref, values: {} }])),
      QUERY_TIMEOUT,
    ),
    queryTimeout: QUERY_TIMEOUT,
    concurrency: 8,
  };
  const data = await getSli(triggered, sources);
  stdout.write(flags.output === 'json' ? `${JSON.stringify(data, null, 2)}\n` : renderFinished(data));
  return data.status === 'succeeded' && data.result === 'pass' ? EXIT.ok : EXIT.failed;
}

/** The finished data as a table of indicators and a status line. */
export function renderFinished(data: GetSliFinishedData): string {
  const rows = (data['get-sli'].indicatorValues ?? []).map((v) => [
    v.metric,
    v.success ? String(v.value) : '-',
    v.success ? 'ok' : 'failed',
    v.message ?? '',
  ]);
  const table = rows.length ? alignColumns([['SLI', 'VALUE', 'SUCCESS', 'MESSAGE'], ...rows]) : '';
  return `${table}status: ${data.status}, result: ${data.result}${data.message ? ` (${data.message})` : ''}\n`;
}
