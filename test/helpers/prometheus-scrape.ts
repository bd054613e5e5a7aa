/**
 * Starts a real Prometheus (Debian `prometheus`) that scrapes given targets, on a free loopback port with a
 * temporary storage directory, and queries it. (test/helpers/prometheus.ts is the other starter: a
 * Prometheus over pre-generated TSDB history, no scraping.)
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stopProcess, track, waitReady } from './pushgateway.js';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

/** One scrape job. */
export interface ScrapeJob {
  name: string;
  /** host:port targets. */
  targets: string[];
  honorLabels?: boolean;
  metricsPath?: string;
}

/** One series of an instant-query vector. */
export interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** A running, scraping Prometheus. */
export interface ScrapingPrometheus {
  url: string;
  /** Instant query; throws when Prometheus answers an error. */
  query(expr: string): Promise<VectorSample[]>;
  /** Polls `query(expr)` until `done(result)` holds or `timeoutMs` passes (then returns the last result). */
  waitFor(
    expr: string,
    done: (result: VectorSample[]) => boolean,
    timeoutMs?: number,
  ): Promise<VectorSample[]>;
  stop(): Promise<void>;
}

/** Starts Prometheus with the given scrape jobs and interval. */
export async function startScrapingPrometheus(
  jobs: readonly ScrapeJob[],
  scrapeInterval = '1s',
): Promise<ScrapingPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'slokit-prom-'));
  const config = [
    'global:',
    `  scrape_interval: ${scrapeInterval}`,
    `  evaluation_interval: ${scrapeInterval}`,
    'scrape_configs:',
    ...jobs.flatMap((job) => [
      `  - job_name: ${JSON.stringify(job.name)}`,
      `    honor_labels: ${job.honorLabels ?? false}`,
      `    metrics_path: ${JSON.stringify(job.metricsPath ?? '/metrics')}`,
      `    scrape_interval: ${scrapeInterval}`,
      '    static_configs:',
      `      - targets: ${JSON.stringify(job.targets)}`,
    ]),
    '',
  ].join('\n');
  await writeFile(join(dir, 'prometheus.yml'), config);

  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(
      PROMETHEUS_BIN,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    track(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitReady(`${url}/-/ready`, child, () => stderr, 30_000);
    } catch (error) {
      lastError = error;
      await stopProcess(child);
      continue;
    }
    const query = async (expr: string): Promise<VectorSample[]> => {
      const response = await fetch(`${url}/api/v1/query`, {
        method: 'POST',
        body: new URLSearchParams({ query: expr }),
      });
      const payload = (await response.json()) as {
        status: string;
        error?: string;
        data?: { resultType: string; result: VectorSample[] };
      };
      if (payload.status !== 'success') throw new Error(`query ${expr} failed: ${payload.error}`);
      return payload.data?.result ?? [];
    };
    return {
      url,
      query,
      waitFor: async (expr, done, timeoutMs = 20_000) => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const result = await query(expr);
          if (done(result) || Date.now() > deadline) return result;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      },
      stop: async () => {
        await stopProcess(child);
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}
