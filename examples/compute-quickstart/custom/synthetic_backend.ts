// A TypeScript plugin backend that simulates a service with a recent incident, so the quickstart shows
// short windows burning budget fast while long windows stay healthy. It needs no external service.
// `defineBackend` returns the class unchanged and has the compiler check its methods against the backend
// contract (arguments, and a `[good, bad]` or SLI result).
import { defineBackend, type GoodBadCounts, type SloConfig } from 'slokit';

interface SyntheticConfig {
  /** Requests per second the simulated service receives. */
  rps?: number;
  /** Error ratio outside the incident. */
  base_error_ratio?: number;
  /** Error ratio during the incident (the last `incident_seconds` before the evaluation time). */
  incident_error_ratio?: number;
  incident_seconds?: number;
}

export const SyntheticBackend = defineBackend(
  class SyntheticBackend {
    readonly #config: Required<SyntheticConfig>;

    constructor(config: SyntheticConfig = {}) {
      this.#config = {
        rps: 50,
        base_error_ratio: 0.0002,
        incident_error_ratio: 0.02,
        incident_seconds: 1800,
        ...config,
      };
    }

    /** Good and bad request counts over the window: steady errors plus an incident at the end of the window. */
    goodBadRatio(_timestamp: number, window: number, _slo: SloConfig): GoodBadCounts {
      const { rps, base_error_ratio, incident_error_ratio, incident_seconds } = this.#config;
      const incident = Math.min(window, incident_seconds);
      const total = rps * window;
      const bad = Math.round(
        rps * (window - incident) * base_error_ratio + rps * incident * incident_error_ratio,
      );
      return [total - bad, bad];
    }
  },
);
