// The custom backend of slo-generator's documentation, in JavaScript. slokit loads it from the dotted
// path `custom.custom_backend.CustomBackend` exactly as slo-generator loads custom/custom_backend.py.
export class CustomBackend {
  /** @param {Record<string, unknown>} config the fields of this backend's block in the shared config */
  constructor(config = {}) {
    this.config = config;
  }

  /** Returns [good, bad] event counts for the window ending at `timestamp`. */
  good_bad_ratio(_timestamp, _window, _sloConfig) {
    return [100000, 100];
  }

  /** Returns the SLI directly. */
  query_sli(_timestamp, _window, _sloConfig) {
    return 0.999;
  }
}
