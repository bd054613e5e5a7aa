/**
 * The backend contract, slo-generator's: a class constructed with the backend's config fields, whose methods
 * are called as `method(timestamp, window, sloConfig)` and return `[good, bad]` or an SLI number
 * (sync or async). Built-in backends implement exactly what plugin authors implement.
 */
import type * as z from 'zod';
import type { SourceDocument } from '../config/yaml-source.js';
import type { SliResult, SloConfig } from '../domain/types.js';

/** A backend method: evaluation timestamp (Unix seconds), window (seconds), the whole SLO config. */
export type BackendMethod = (
  timestamp: number,
  window: number,
  slo: SloConfig,
) => SliResult | Promise<SliResult>;

/** A backend instance: any object whose methods the SLOs' `method` fields name (shape in backend.ts). */
export type Backend = import('./backend.js').Backend;

/** What a built-in backend registers: how to build it and the schemas `slokit validate` checks. */
export interface BuiltinBackend {
  /**
   * Builds an instance from the backend's config block; `key` is the block's key, for error messages;
   * `baseDirs` the run's plugin directories: the working directory, then the shared config file's directory
   * (relative file paths in a config block resolve against the last one).
   */
  create(config: Record<string, unknown>, key: string, baseDirs: readonly string[]): Backend;
  /** Schema of the backend's config block. */
  configSchema: z.ZodType;
  /** Schema of `service_level_indicator` per supported method. */
  methods: Record<string, z.ZodType>;
  /**
   * Adjusts an SLO of this backend from its source text before its fields are checked and used (for
   * Prometheus: `threshold_bucket` written `1.0` stays the text `"1.0"`). Called by `validateConfig` for
   * every SLO whose backend key names this type; must be idempotent, since a run may validate twice.
   */
  prepareSlo?(slo: SloConfig, source: SourceDocument): void;
}
