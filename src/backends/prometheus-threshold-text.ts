/**
 * The Prometheus backend's `prepareSlo` hook. slo-generator's Prometheus backend writes `threshold_bucket`
 * into PromQL with Python's `str()`, so `1.0` in YAML selects `le="1.0"` (how Python clients label buckets)
 * while `1` selects `le="1"`. A parsed number cannot tell the two apart, so the value becomes the text
 * PyYAML and `str()` would give: decimal floats as Python prints them, exponent-only numbers (`1e3`, a string
 * to PyYAML) verbatim, integers unchanged. Plugin backends get the parsed number, as slo-generator gives them.
 */
import type { SourceDocument } from '../config/yaml-source.js';
import { pythonFloatRepr } from '../domain/python-float.js';
import type { SloConfig } from '../domain/types.js';

const DECIMAL = /^[-+]?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?$/;
const EXPONENT_ONLY = /^[-+]?\d+[eE][-+]?\d+$/;

/** Replaces a numeric `spec.service_level_indicator.threshold_bucket` by its Python text; idempotent. */
export function keepThresholdText(slo: SloConfig, source: SourceDocument): void {
  const sli = slo.spec.service_level_indicator;
  const value = sli.threshold_bucket;
  const text = source.sourceText(['spec', 'service_level_indicator', 'threshold_bucket'])?.trim();
  if (typeof value !== 'number' || text === undefined) return;
  if (DECIMAL.test(text)) sli.threshold_bucket = pythonFloatRepr(value);
  else if (EXPONENT_ONLY.test(text)) sli.threshold_bucket = text;
}
