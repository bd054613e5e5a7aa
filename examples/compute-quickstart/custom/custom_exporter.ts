// The custom exporters of slo-generator's documentation, in TypeScript. slokit loads them from the dotted
// paths `custom.custom_exporter.CustomSLOExporter` and `custom.custom_exporter.CustomMetricExporter`.
// `defineExporter` returns each class unchanged and has the compiler check it against the exporter contract.
import {
  defineExporter,
  type ExporterConfig,
  type Metric,
  MetricsExporter,
  type ValidReportV1,
} from 'slokit';

/** A standard exporter: receives each valid report (slo-generator's v1 shape) and the exporter's config block. */
export const CustomSLOExporter = defineExporter(
  class CustomSLOExporter {
    export(data: ValidReportV1, config: ExporterConfig) {
      // Send `data` (the SLO report) wherever you need; `config` holds this exporter's fields from config.yaml.
      process.stderr.write(
        `custom-slo-exporter ${JSON.stringify({ name: data.name, step: data.error_budget_policy_step_name, arg_1: config.arg_1 })}\n`,
      );
      return { status: 'ok', code: 200, arg_1: config.arg_1 };
    }
  },
);

/** A metrics exporter: the base class turns the report into metrics and calls exportMetric for each. */
export const CustomMetricExporter = defineExporter(
  class CustomMetricExporter extends MetricsExporter {
    override exportMetric(metric: Metric) {
      process.stderr.write(
        `custom-metric-exporter ${JSON.stringify({ name: metric.name, value: metric.value, labels: metric.labels })}\n`,
      );
      return { status: 'ok', code: 200 };
    }
  },
);
