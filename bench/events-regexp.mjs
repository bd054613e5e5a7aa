/**
 * Benchmark: the regexp engine of rule files (src/lang/re2.ts), for the choice written there.
 *
 *   npm run build && node bench/events-regexp.mjs
 *
 * re2js (RE2, linear time, Go syntax) against JavaScript's RegExp (backtracking) on patterns that are safe for
 * both, unanchored tests per second over short event values; then `compileGoRegexp` (re2js behind the exact
 * shortcuts and memo slokit uses); then one pathological pattern, `(a+)+$`, where RegExp takes exponential
 * time (run on 24 characters only) and RE2 stays linear (run on 100,000). Checked: every engine gives the same
 * answers on the safe patterns.
 */
import { RE2JS } from 're2js';
import { compileGoRegexp } from '../dist/lang/re2.js';

const PATTERNS = ['^2..$', '5\\d\\d', 'critical|high', '(?i)timeout', '^/api/v[0-9]+/users/[^/]+$'];
const INPUTS = [
  '200',
  '503',
  '404',
  'low critical thing',
  'GET /api/v1/users/123',
  '/api/v1/users/abc',
  'Connection TIMEOUT after 30s',
  'x'.repeat(200),
];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 100_000);
let failed = false;

function rate(test) {
  let hits = 0;
  const started = performance.now();
  for (let r = 0; r < ROUNDS; r++) for (const input of INPUTS) if (test(input)) hits++;
  return { perSecond: (ROUNDS * INPUTS.length) / ((performance.now() - started) / 1000), hits };
}

console.log(
  `unanchored tests/s over ${INPUTS.length} short values (${ROUNDS} rounds; in-process: every engine in this process):`,
);
for (const pattern of PATTERNS) {
  const re2 = RE2JS.compile(pattern);
  const js = new RegExp(pattern.replace('(?i)', ''), pattern.startsWith('(?i)') ? 'i' : '');
  const slokit = compileGoRegexp(pattern);
  const results = {
    re2js: rate((s) => re2.test(s)),
    RegExp: rate((s) => js.test(s)),
    'slokit (re2js+memo)': rate((s) => slokit.test(s)),
  };
  const hits = new Set(Object.values(results).map((r) => r.hits));
  if (hits.size !== 1) {
    failed = true;
    console.error(`CHECK FAILED: engines disagree on ${pattern}`);
  }
  const cells = Object.entries(results).map(([name, r]) => `${name} ${(r.perSecond / 1e6).toFixed(1)} M/s`);
  console.log(`  ${pattern.padEnd(28)} ${cells.join(', ')}`);
}

const evil = RE2JS.compile('(a+)+$');
let started = performance.now();
evil.test(`${'a'.repeat(100_000)}!`);
console.log(`\n(a+)+$ on 100,001 characters, re2js: ${(performance.now() - started).toFixed(1)} ms`);
started = performance.now();
/(a+)+$/.test(`${'a'.repeat(24)}!`);
console.log(
  `(a+)+$ on 25 characters, RegExp: ${(performance.now() - started).toFixed(1)} ms (doubles per character)`,
);
if (failed) process.exitCode = 1;
