/**
 * Hands reports to their exporters: the SLO's `exporters` plus the shared `default_exporters`. Each export is
 * retried with exponential backoff; a final failure is appended to the report's `errors` (slo-generator's
 * format, secrets redacted) and counted, and the other exporters still run. Every exporter load and call has
 * a deadline; a call that timed out is not retried (it may still be running, and a retry could duplicate it).
 */

import { DEFAULT_CALL_TIMEOUT, TimeoutError, withDeadline } from '../async/deadline.js';
import { KeyedOnce } from '../async/keyed-once.js';
import { mapLimit } from '../async/limiter.js';
import { notDefinedMessage } from '../config/did-you-mean.js';
import { lookup } from '../config/lookup.js';
import type { SharedConfig } from '../config/schema.js';
import { redact, secretsOf } from '../config/secrets.js';
import type { SloReport } from '../domain/types.js';
import { createExporter, type ResolvedExporter } from '../exporters/registry.js';
import { reportV2toV1 } from '../exporters/report-v1.js';
import type { ExporterContext } from '../exporters/types.js';
import { isPluginKey } from '../plugins/loader.js';
import { runInPluginScope } from '../plugins/scope.js';
import type { SloResult } from './compute.js';
import { formatError } from './invoke.js';
import { type Logger, silentLogger } from './logger.js';

/** How exports are run. */
export interface ExportOptions {
  /** Attempts per report and exporter, first try included; default 3. */
  attempts?: number;
  /** Delay before the first retry, doubled for each further retry; default 200 ms. */
  backoffMs?: number;
  /** Structured log events (failed exports); default silent. */
  logger?: Logger;
  /** Reports exported at once; default 8. */
  concurrency?: number;
  /** Call the exporters' `delete` (remove what was exported) instead of `export`. */
  delete?: boolean;
  /**
   * Seconds one exporter call (or loading an exporter) may take before that export fails with
   * "... timed out after N s"; default: shared config `call_timeout`, else 60.
   */
  callTimeout?: number;
}

/** Counts of one export pass. */
export interface ExportSummary {
  /** Successful (report, exporter) exports. */
  exported: number;
  /** (report, exporter) exports that failed after every attempt. */
  failed: number;
  /** Retries made (attempts beyond the first). */
  retries: number;
  /** (report, exporter) pairs skipped in delete mode because the exporter has no `delete`. */
  skipped: number;
  /** Per report, the exporters that exported (or deleted) it. */
  succeeded: Map<SloReport, string[]>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The exporter keys of an SLO: its own, then the default exporters, without duplicates. */
export function exporterKeys(exporters: readonly string[] | undefined, shared: SharedConfig): string[] {
  return [...new Set([...(exporters ?? []), ...shared.default_exporters])];
}

/** Exports every report of `results` (valid ones; all of them in delete mode) and records failures. */
export async function exportResults(
  results: readonly SloResult[],
  shared: SharedConfig,
  context: ExporterContext,
  options: ExportOptions = {},
): Promise<ExportSummary> {
  const attempts = Math.max(1, options.attempts ?? 3);
  const backoffMs = options.backoffMs ?? 200;
  const summary: ExportSummary = { exported: 0, failed: 0, retries: 0, skipped: 0, succeeded: new Map() };
  const callTimeout = options.callTimeout ?? shared.call_timeout ?? DEFAULT_CALL_TIMEOUT;
  // One instance per exporter key for the pass; one that failed to load stays failed for the pass.
  const instances = new KeyedOnce<ResolvedExporter>('remember');
  const exporterFor = (key: string) =>
    instances.get(key, () => {
      const config = lookup(shared.exporters, key);
      if (!config) throw new Error(notDefinedMessage('exporter', key, Object.keys(shared.exporters)));
      const create = () => createExporter(key, config, context);
      return withDeadline(
        isPluginKey(key) ? runInPluginScope(`exporter "${key}"`, create) : create(),
        callTimeout,
        `loading exporter ${key}`,
      );
    });

  const fail = (report: SloReport, key: string, className: string, error: unknown) => {
    summary.failed++;
    const message = redact(
      `${className} "${key}" failed. | ${formatError(error)}`,
      secretsOf(lookup(shared.exporters, key)),
    );
    report.errors.push(message);
    (options.logger ?? silentLogger).error(
      {
        slo: report.metadata.name,
        step: report.error_budget_policy_step_name,
        exporter: key,
        error: message,
      },
      'export failed',
    );
  };

  const exportOne = async (report: SloReport, key: string) => {
    let exporter: ResolvedExporter;
    try {
      exporter = await exporterFor(key);
    } catch (error) {
      return fail(report, key, 'Exporter', error); // a missing or unloadable exporter will not appear on retry
    }
    if (options.delete && typeof exporter.instance.delete !== 'function') {
      summary.skipped++;
      return;
    }
    const config = { ...lookup(shared.exporters, key), name: key };
    const payload = exporter.reportVersion === 1 ? reportV2toV1(report) : { ...report };
    const action = options.delete ? 'delete' : 'export';
    const plugin = isPluginKey(key);
    const scope = `exporter "${key}" (SLO "${report.metadata.name}")`;
    for (let attempt = 1; ; attempt++) {
      try {
        // Plugin code gets its own copies (what it changes cannot reach the report, the next exporter or the
        // next attempt) and runs tagged, as backend plugins do in compute.ts.
        const call = async () => {
          const [input, settings] = plugin ? structuredClone([payload, config]) : [payload, config];
          if (options.delete) await exporter.instance.delete!(input, settings);
          else await exporter.instance.export(input, settings);
        };
        const pending = plugin ? runInPluginScope(scope, call) : call();
        await withDeadline(pending, callTimeout, `exporter call ${action} of exporter ${key}`);
        summary.exported++;
        summary.succeeded.set(report, [...(summary.succeeded.get(report) ?? []), key]);
        return;
      } catch (error) {
        if (attempt >= attempts || error instanceof TimeoutError)
          return fail(report, key, exporter.className, error);
        summary.retries++;
        await sleep(backoffMs * 2 ** (attempt - 1));
      }
    }
  };

  const jobs = results.flatMap(({ slo, reports }) =>
    reports
      .filter((report) => options.delete || report.valid)
      .map((report) => ({ report, keys: exporterKeys(slo.spec.exporters, shared) })),
  );
  await mapLimit(jobs, options.concurrency ?? 8, async ({ report, keys }) => {
    for (const key of keys) await exportOne(report, key);
  });
  return summary;
}
