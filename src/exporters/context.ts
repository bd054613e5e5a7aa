/**
 * The exporter context's resources: the report metrics registry `prometheus_self` fills and the history
 * databases `history` opens. They belong to whoever runs the engine (the CLI for one run, the server for
 * its lifetime), never to a module, so two embedders in one process never share series or file handles and
 * everything opened is closed by its owner.
 */
import { HistoryStores } from '../history/stores.js';
import { ReportMetricsRegistry } from './report-metrics-registry.js';
import type { ExporterContext } from './types.js';

/**
 * A context with its own resources. `pluginDirs`: directories plugin exporters are resolved against, in
 * order; `reportMetrics`: the registry to fill (give the one your `/metrics` endpoint renders), default a
 * new one. History databases open on first use. Release it with `closeExporterContext`. Never throws.
 */
export function createExporterContext(options: {
  pluginDirs: readonly string[];
  reportMetrics?: ReportMetricsRegistry;
}): Required<ExporterContext> {
  return {
    pluginDirs: options.pluginDirs,
    reportMetrics: options.reportMetrics ?? new ReportMetricsRegistry(),
    historyStores: new HistoryStores(),
  };
}

/** The context's metrics registry, created and kept in `context.reportMetrics` on first use. Never throws. */
export function reportMetricsOf(context: ExporterContext): ReportMetricsRegistry {
  context.reportMetrics ??= new ReportMetricsRegistry();
  return context.reportMetrics;
}

/** The context's history stores, created and stored in `context.historyStores` on first use. Never throws. */
export function historyStoresOf(context: ExporterContext): HistoryStores {
  context.historyStores ??= new HistoryStores();
  return context.historyStores;
}

/**
 * Releases what the context opened: closes its history databases (checkpointing their WAL). The report
 * metrics registry holds only memory and is left as is, for a server to keep rendering. Never throws for a
 * context that opened nothing; safe to call twice.
 */
export function closeExporterContext(context: ExporterContext): void {
  context.historyStores?.close();
}
