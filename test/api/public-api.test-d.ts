/**
 * Type tests of the package root (vitest typecheck mode runs this file through tsc; `npm run lint` checks it
 * too). Each `@ts-expect-error` is a misuse the public types must reject: if the types let it through, the
 * directive itself becomes the error.
 */
import { describe, expectTypeOf, it } from 'vitest';
import {
  type Backend,
  type BackendClass,
  type ComputeOptions,
  type ComputeResult,
  compute,
  createExporterContext,
  defineBackend,
  defineExporter,
  type Exporter,
  type ExporterConfig,
  type ExporterContext,
  type ExportOptions,
  type ExportSummary,
  exportResults,
  type GoodBadCounts,
  type HistoryStores,
  type InvalidReport,
  type InvalidReportV1,
  type LoadedSharedConfig,
  type LoadedSlo,
  type Logger,
  loadSharedConfig,
  loadSlos,
  type Metric,
  MetricsExporter,
  type ReportMetricsRegistry,
  reportV2toV1,
  type SharedConfig,
  type SloConfig,
  type SloReport,
  type SloReportV1,
  type SloResult,
  type ValidateOptions,
  type ValidReport,
  type ValidReportV1,
  validateConfig,
} from '../../src/index.js';

describe('engine entry points', () => {
  it('load, validate, compute and export with exported types', () => {
    expectTypeOf(loadSlos).parameter(0).toEqualTypeOf<string | string[]>();
    expectTypeOf(loadSlos).returns.resolves.toEqualTypeOf<LoadedSlo[]>();
    expectTypeOf(loadSharedConfig).returns.resolves.toEqualTypeOf<LoadedSharedConfig>();
    expectTypeOf<LoadedSlo['config']>().toEqualTypeOf<SloConfig>();
    expectTypeOf<LoadedSharedConfig['config']>().toEqualTypeOf<SharedConfig>();

    expectTypeOf(validateConfig).parameters.toEqualTypeOf<
      [readonly LoadedSlo[], LoadedSharedConfig, ValidateOptions]
    >();
    expectTypeOf(compute).parameter(0).toEqualTypeOf<readonly SloConfig[]>();
    expectTypeOf(compute).parameter(1).toEqualTypeOf<SharedConfig>();
    expectTypeOf(compute).parameter(2).toEqualTypeOf<ComputeOptions | undefined>();
    expectTypeOf(compute).returns.resolves.toEqualTypeOf<ComputeResult>();
    expectTypeOf<ComputeResult['results'][number]['reports']>().toEqualTypeOf<SloReport[]>();
    expectTypeOf<ComputeOptions['logger']>().toEqualTypeOf<Logger | undefined>();

    expectTypeOf(exportResults).parameter(0).toEqualTypeOf<readonly SloResult[]>();
    expectTypeOf(exportResults).parameter(2).toEqualTypeOf<ExporterContext>();
    expectTypeOf(exportResults).parameter(3).toEqualTypeOf<ExportOptions | undefined>();
    expectTypeOf(exportResults).returns.resolves.toEqualTypeOf<ExportSummary>();
  });

  it('an exporter context owns its resources', () => {
    const context = createExporterContext({ pluginDirs: [] });
    expectTypeOf(context.reportMetrics).toEqualTypeOf<ReportMetricsRegistry>();
    expectTypeOf(context.historyStores).toEqualTypeOf<HistoryStores>();
    expectTypeOf(context).toExtend<ExporterContext>();
    expectTypeOf<{ pluginDirs: string[] }>().toExtend<ExporterContext>();
  });
});

describe('reports', () => {
  it('tells valid from invalid reports by `valid`', () => {
    expectTypeOf<Extract<SloReport, { valid: true }>>().toEqualTypeOf<ValidReport>();
    expectTypeOf<Extract<SloReport, { valid: false }>>().toEqualTypeOf<InvalidReport>();
    expectTypeOf<InvalidReport>().not.toHaveProperty('sli_measurement');
    expectTypeOf<ValidReport['sli_measurement']>().toEqualTypeOf<number>();
    expectTypeOf<ValidReport['alert']>().toEqualTypeOf<boolean>();
  });

  it('renames v2 fields in the v1 report', () => {
    expectTypeOf<ValidReportV1>().toHaveProperty('slo_target').toEqualTypeOf<number>();
    expectTypeOf<ValidReportV1>().toHaveProperty('alerting_burn_rate_threshold').toEqualTypeOf<number>();
    expectTypeOf<ValidReportV1>().toHaveProperty('slo_description').toEqualTypeOf<string>();
    expectTypeOf<ValidReportV1>().not.toHaveProperty('goal');
    expectTypeOf<ValidReportV1>().not.toHaveProperty('error_budget_burn_rate_threshold');
    expectTypeOf<ValidReportV1['metadata']>().toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf<InvalidReportV1['name']>().toEqualTypeOf<string>();
  });

  it('reportV2toV1 keeps validity in its result type', () => {
    expectTypeOf(reportV2toV1).toBeCallableWith({} as ValidReport);
    expectTypeOf(reportV2toV1({} as ValidReport)).toEqualTypeOf<ValidReportV1>();
    expectTypeOf(reportV2toV1({} as InvalidReport)).toEqualTypeOf<InvalidReportV1>();
    expectTypeOf(reportV2toV1({} as SloReport)).toEqualTypeOf<SloReportV1>();
  });
});

describe('backends', () => {
  it('types the documented methods and accepts custom ones', () => {
    expectTypeOf<NonNullable<Backend['good_bad_ratio']>>().returns.toEqualTypeOf<
      GoodBadCounts | Promise<GoodBadCounts>
    >();
    expectTypeOf<NonNullable<Backend['query_sli']>>().parameters.toEqualTypeOf<
      [timestamp: number, window: number, slo: SloConfig]
    >();
    expectTypeOf<{ my_method(): number }>().toExtend<Backend>();
    // @ts-expect-error query_sli returns an SLI number, not a string
    expectTypeOf<{ query_sli(): string }>().toExtend<Backend>();
  });

  it('defineBackend returns the class and checks it', () => {
    const Checked = defineBackend(
      class Checked {
        constructor(readonly config: { bad?: number } = {}) {}
        good_bad_ratio(_timestamp: number, _window: number, _slo: SloConfig): [number, number] {
          return [100, this.config.bad ?? 0];
        }
        async custom_method(): Promise<number> {
          return 0.5;
        }
      },
    );
    expectTypeOf(new Checked({ bad: 1 }).good_bad_ratio).returns.toEqualTypeOf<[number, number]>();
    expectTypeOf(Checked).toExtend<BackendClass>();

    defineBackend(
      // @ts-expect-error good_bad_ratio must return [good, bad], not a single number
      class {
        good_bad_ratio(): string {
          return 'x';
        }
      },
    );
    defineBackend(
      // @ts-expect-error query_sli receives (timestamp: number, window: number, slo), not a string first
      class {
        query_sli(_timestamp: string): number {
          return 1;
        }
      },
    );
    defineBackend(
      // @ts-expect-error slokit constructs backends with one argument, the config block
      class {
        readonly label: string;
        constructor(_config: object, extra: string) {
          this.label = extra;
        }
      },
    );
  });
});

describe('exporters', () => {
  it('defineExporter checks the report version against export', () => {
    const V1 = defineExporter(
      class V1 {
        export(report: SloReportV1, config: ExporterConfig) {
          return [report.name, config.name];
        }
      },
    );
    const V2 = defineExporter(
      class V2 {
        static readonly reportVersion = 2;
        export(report: SloReport) {
          return report.valid ? report.sli_measurement : undefined;
        }
      },
    );
    expectTypeOf(new V1()).toExtend<Exporter<SloReportV1>>();
    // `export` only ever gets valid reports, so it may declare the narrower type.
    defineExporter(
      class ValidOnly {
        export(report: ValidReportV1) {
          return report.sli_measurement;
        }
      },
    );
    expectTypeOf<typeof V2.reportVersion>().toEqualTypeOf<2>();

    class Metrics extends MetricsExporter {
      override exportMetric(metric: Metric) {
        return metric.value;
      }
    }
    expectTypeOf(defineExporter(Metrics)).toEqualTypeOf<typeof Metrics>();

    defineExporter(
      // @ts-expect-error without reportVersion 2 the exporter receives v1 reports, not v2 ones
      class {
        export(report: SloReport) {
          return report;
        }
      },
    );
    defineExporter(
      // @ts-expect-error reportVersion 2 gives v2 reports, which have no slo_target
      class {
        static readonly reportVersion = 2;
        export(report: ValidReportV1) {
          return report.slo_target;
        }
      },
    );
    // @ts-expect-error an exporter needs an export method
    defineExporter(class {});
  });
});
