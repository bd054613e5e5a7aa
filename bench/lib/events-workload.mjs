/**
 * Workload of the event classification benchmarks: a 50-rule file mixing equality, regexp, number and
 * duration conditions (10 services x 5 SLO types, like a typical slo-exporter deployment), and raw events
 * for it, generated deterministically.
 */
import { seededRandom as random } from './random.mjs';

const SERVICES = Array.from({ length: 10 }, (_, i) => `svc${i}`);

/** The rule file text: per service, availability, two latency rules, a path-scoped rule and a catch-all. */
export function rulesYaml() {
  let out = 'rules:\n';
  for (const [i, service] of SERVICES.entries()) {
    const match = `      - {operator: equalTo, key: service, value: ${service}}\n`;
    out += `  - slo_matcher: {domain: '^shop', class: 'critical|high'}\n    metadata_matcher:\n${match}`;
    out += '    failure_conditions:\n      - {operator: numberHigherThan, key: status, value: 499}\n';
    out += '      - {operator: matchesRegexp, key: error, value: "(?i)timeout|reset"}\n';
    out += '    additional_metadata: {slo_type: availability, slo_version: 1}\n';
    for (const [le, threshold] of [
      ['0.3', '300ms'],
      ['1.5', '1.5s'],
    ]) {
      out += `  - slo_matcher: {domain: shop}\n    metadata_matcher:\n${match}`;
      out += '      - {operator: numberEqualOrLessThan, key: status, value: 499}\n';
      out += `    failure_conditions:\n      - {operator: durationHigherThan, key: duration, value: ${threshold}}\n`;
      out += `    additional_metadata: {slo_type: latency, le: ${le}, slo_version: 1}\n`;
    }
    out += `  - metadata_matcher:\n${match}      - {operator: matchesRegexp, key: path, value: '^/api/v[0-9]+/'}\n`;
    out += '    failure_conditions:\n      - {operator: numberEqualOrHigherThan, key: status, value: 500}\n';
    out += `    additional_metadata: {slo_type: api_availability, slo_version: ${i}}\n`;
    out += `  - metadata_matcher:\n${match}      - {operator: notEqualTo, key: method, value: OPTIONS}\n`;
    out += '    failure_conditions:\n      - {operator: numberNotEqualTo, key: ok, value: 1}\n';
    out += '    additional_metadata: {slo_type: quality}\n';
  }
  return out;
}

const STATUSES = ['200', '200', '200', '201', '204', '301', '404', '500', '503', 'n/a'];
const DURATIONS = ['12ms', '120ms', '250ms', '301ms', '900ms', '1.2s', '2s', '45ms', '0.5s', '31415926ns'];
const PATHS = ['/api/v1/users/42', '/api/v2/orders', '/static/app.js', '/', '/api/vx/broken'];
const METHODS = ['GET', 'GET', 'POST', 'PUT', 'OPTIONS'];
const ERRORS = ['', '', '', 'Connection reset by peer', 'upstream TIMEOUT'];

/** `count` raw events as the JSON objects of input lines. */
export function eventObjects(count, seed = 1) {
  const next = random(seed);
  const pick = (list) => list[Math.floor(next() * list.length)];
  const out = new Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = {
      slo_domain: next() < 0.9 ? 'shop' : 'search',
      slo_class: pick(['critical', 'high', 'low']),
      slo_app: `app${Math.floor(next() * 5)}`,
      event_key: `${pick(METHODS)} ${pick(PATHS)}`,
      service: next() < 0.97 ? pick(SERVICES) : 'unknown',
      status: pick(STATUSES),
      duration: pick(DURATIONS),
      path: pick(PATHS),
      method: pick(METHODS),
      error: pick(ERRORS),
      ok: next() < 0.99 ? 1 : 0,
      trace_id: Math.floor(next() * 2 ** 48).toString(16),
    };
  }
  return out;
}
