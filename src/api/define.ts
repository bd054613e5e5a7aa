/**
 * `defineBackend` and `defineExporter`: helpers for plugin authors writing TypeScript. They return the class
 * they are given, unchanged (a plugin stays a plain class, loaded and constructed exactly as slo-generator
 * loads its plugins), and make the compiler check it against slokit's contracts where the class is written
 * instead of at run time: method signatures and return types, the constructor, and that an exporter's
 * `export` accepts the report version it asks for.
 *
 * Class methods get no parameter types from their context in TypeScript, so annotate them (`timestamp:
 * number`...); the helper then rejects a method whose parameters or result do not fit.
 *
 * A project that emits declaration files (`declaration: true`) cannot export a class *expression* with
 * private or protected members (TS4094; `MetricsExporter` subclasses have some): declare the class first
 * and pass it, `class Audit { ... }  export const AuditExporter = defineExporter(Audit);`.
 */
import type { Backend } from '../backends/backend.js';
import type { SloReport } from '../domain/types.js';
import type { SloReportV1 } from '../exporters/report-v1.js';
import type { Exporter } from '../exporters/types.js';

/**
 * A class slokit can load as a plugin backend: constructed with one argument, the backend's config block
 * from the shared config as parsed from YAML (slokit does not check it against the type the constructor
 * declares: validate it there if you rely on it).
 */
export type BackendClass<B extends Backend = Backend> = new (config: never) => B;

/**
 * A plugin exporter class receiving v1 reports (slo-generator's default for custom exporters): no
 * `reportVersion`, or `static readonly reportVersion = 1`. Constructed with the exporter's config block.
 */
export type ExporterClassV1 = (new (config: never) => Exporter<SloReportV1>) & { readonly reportVersion?: 1 };

/** A plugin exporter class receiving v2 reports: declares `static readonly reportVersion = 2`. */
export type ExporterClassV2 = (new (config: never) => Exporter<SloReport>) & { readonly reportVersion: 2 };

/** A class slokit can load as a plugin exporter. */
export type ExporterClass = ExporterClassV1 | ExporterClassV2;

/**
 * Declares a plugin backend class; returns it unchanged. Compile-time checks: the methods slo-generator
 * documents (`good_bad_ratio`, `query_sli`, `distribution_cut`, or camelCase) take
 * `(timestamp, window, slo)` and return `[good, bad]` or an SLI (or a promise of one); the constructor takes
 * at most the config block. Never throws.
 *
 * @example
 * ```ts
 * import { defineBackend, type SloConfig } from 'slokit';
 *
 * // Shared config: `backends: { custom.my_backend.MyBackend: { base_url: ... } }`
 * export const MyBackend = defineBackend(
 *   class MyBackend {
 *     constructor(private readonly config: { base_url?: string } = {}) {}
 *
 *     async good_bad_ratio(timestamp: number, window: number, slo: SloConfig): Promise<[number, number]> {
 *       const { good, bad } = await fetchCounts(this.config.base_url, slo.metadata.name, timestamp, window);
 *       return [good, bad];
 *     }
 *   },
 * );
 * ```
 */
export function defineBackend<const C extends BackendClass>(backendClass: C): C {
  return backendClass;
}

/**
 * Declares a plugin exporter class; returns it unchanged. Compile-time checks: `export(report, config)`
 * (and `delete`, if present) accept the report shape the class asks for: the v1 report (`SloReportV1`,
 * the default) or, with `static readonly reportVersion = 2`, the v2 report (`SloReport`). Subclasses of
 * `MetricsExporter` fit as they are. Never throws.
 *
 * @example
 * ```ts
 * import { defineExporter, type ExporterConfig, type SloReport } from 'slokit';
 *
 * // Shared config: `exporters: { custom.my_exporter.AuditExporter: { channel: '#slo' } }`
 * export const AuditExporter = defineExporter(
 *   class AuditExporter {
 *     static readonly reportVersion = 2;
 *
 *     export(report: SloReport, config: ExporterConfig) {
 *       if (report.valid) console.log(config.channel, report.name, report.sli_measurement);
 *     }
 *   },
 * );
 * ```
 */
export function defineExporter<const C extends ExporterClass>(exporterClass: C): C {
  return exporterClass;
}
