/**
 * The dashboard's reads of slokit's JSON API (shapes: the serve contract; reports are slo-generator v2
 * reports as `slokit compute --output json` prints them).
 */

/**
 * An slo-generator v2 report as `slokit compute --output json` prints it: a valid one has every measurement
 * field (ratios, `*_minutes`, `timestamp` in Unix seconds, ...); an invalid one only `metadata`, `errors`,
 * `error_budget_policy_step_name` and `valid: false`.
 * @typedef {{ valid: boolean, error_budget_policy_step_name: string, errors: string[], [field: string]: any }} Report
 */

/**
 * One policy step of an SLO with its newest report.
 * @typedef {object} StepSummary
 * @property {string} step policy step name
 * @property {number} window seconds
 * @property {number} burn_rate_threshold
 * @property {Report | null} latest
 */

/**
 * One SLO as `GET /api/slos` lists it (serve contract).
 * @typedef {object} SloSummary
 * @property {string} name
 * @property {string} [service_name]
 * @property {string} [feature_name]
 * @property {string} [slo_name]
 * @property {string} description
 * @property {number} goal ratio
 * @property {string} backend
 * @property {'ok' | 'burning' | 'alerting' | 'invalid' | 'no_data'} status
 * @property {StepSummary[]} steps
 */

/** A failed API read; `message` says which path and why (the API's `{"error"}` reason when it gave one). */
export class ApiError extends Error {
  /**
   * @param {string} message
   * @param {number} status HTTP status, 0 when the server could not be reached
   */
  constructor(message, status) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

/**
 * GETs a JSON document. Throws `ApiError`.
 * @param {string} path
 * @returns {Promise<any>}
 */
async function getJson(path) {
  let response;
  try {
    response = await fetch(path, { headers: { accept: 'application/json' } });
  } catch (error) {
    throw new ApiError(
      `${path}: slokit is unreachable (${error instanceof Error ? error.message : error})`,
      0,
    );
  }
  if (!response.ok) {
    let reason = response.statusText;
    try {
      reason = (await response.json()).error ?? reason;
    } catch {
      // Not JSON: the status text says enough.
    }
    throw new ApiError(`${path}: ${response.status} ${reason}`, response.status);
  }
  return response.json();
}

/** `GET /api/slos` → `{slos: SloSummary[], generated_at}`. */
export function listSlos() {
  return getJson('/api/slos');
}

/**
 * `GET /api/slos/:name` → one SloSummary.
 * @param {string} name
 */
export function getSlo(name) {
  return getJson(`/api/slos/${encodeURIComponent(name)}`);
}

/**
 * `GET /api/slos/:name/reports` of every step between two Unix times (seconds) → `{reports}`, oldest first.
 * @param {string} name
 * @param {number} from
 * @param {number} to
 */
export function getReports(name, from, to) {
  const query = new URLSearchParams({ from: String(Math.floor(from)), to: String(Math.ceil(to)) });
  return getJson(`/api/slos/${encodeURIComponent(name)}/reports?${query}`);
}

/** `GET /api/events/rules` → `{rules, stats}`. */
export function getEventRules() {
  return getJson('/api/events/rules');
}
