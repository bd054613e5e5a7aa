/**
 * Prometheus text exposition (format 0.0.4, https://prometheus.io/docs/instrumenting/exposition_formats/)
 * reduced to its samples, so two expositions can be compared by content: same series, same values, whatever
 * the order of lines or labels, the HELP texts or the comments.
 */
import { createHash } from 'node:crypto';

/** Label pairs of a `{...}` block starting at `text[start] === '{'`: [pairs, index after '}']. */
function readLabels(text, start) {
  const pairs = [];
  let i = start + 1;
  for (;;) {
    while (text[i] === ' ' || text[i] === ',') i++;
    if (text[i] === '}') return [pairs, i + 1];
    const eq = text.indexOf('=', i);
    if (eq < 0 || text[eq + 1] !== '"') throw new Error(`malformed labels: ${text}`);
    const name = text.slice(i, eq).trim();
    let value = '';
    i = eq + 2;
    while (text[i] !== '"') {
      if (i >= text.length) throw new Error(`unterminated label value: ${text}`);
      if (text[i] === '\\') {
        const c = text[i + 1];
        value += c === 'n' ? '\n' : c;
        i += 2;
      } else value += text[i++];
    }
    pairs.push([name, value]);
    i++;
  }
}

/**
 * Samples of an exposition: `name{label="value",...}` (labels sorted by name, values re-escaped) → value
 * text normalised through Number (so `1`, `1.0` and `1e0` agree; NaN stays "NaN"). `keep(name)` selects the
 * metric names to keep (default all). Throws on a series that appears twice.
 * @param {string} text
 * @param {(name: string) => boolean} [keep]
 * @returns {Map<string, string>}
 */
export function parseExposition(text, keep = () => true) {
  const samples = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.indexOf(' ');
    const nameEnd = brace >= 0 && brace < space ? brace : space;
    const name = line.slice(0, nameEnd);
    if (!keep(name)) continue;
    let [pairs, rest] = [[], nameEnd];
    if (nameEnd === brace) [pairs, rest] = readLabels(line, brace);
    const value = String(Number(line.slice(rest).trim().split(' ')[0]));
    const labels = pairs
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',');
    const key = `${name}{${labels}}`;
    if (samples.has(key)) throw new Error(`series ${key} appears twice`);
    samples.set(key, value);
  }
  return samples;
}

/** A digest of parsed samples (order-independent): equal digests mean equal series and values. */
export function samplesDigest(samples) {
  const hash = createHash('sha256');
  for (const key of [...samples.keys()].sort()) hash.update(`${key} ${samples.get(key)}\n`);
  return hash.digest('hex');
}

/** The first few differences between two parsed expositions, for a failure message. */
export function samplesDiff(a, b, limit = 3) {
  const out = [];
  for (const [key, value] of a) {
    if (b.get(key) !== value) out.push(`${key}: ${value} vs ${b.get(key) ?? 'missing'}`);
    if (out.length >= limit) return out;
  }
  for (const key of b.keys()) {
    if (!a.has(key)) out.push(`${key}: missing vs ${b.get(key)}`);
    if (out.length >= limit) break;
  }
  return out;
}
