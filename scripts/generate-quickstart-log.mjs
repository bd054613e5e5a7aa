#!/usr/bin/env node
/**
 * Writes the quickstart's sample access log: one week of nginx `combined` lines with the request time
 * appended (`... "agent" 0.123`), for three services behind one front end:
 *
 * - checkout (`/checkout/...`): a sharp incident, 35 % of requests answered 5xx for 40 minutes on day 5
 *   (a page on the 1-hour step);
 * - search (`/search?q=...`): a slow burn, the share of requests slower than 500 ms creeping from 0.2 % to
 *   5 % over the last two days (a ticket on the 1-day step, never a page);
 * - login (`/login`): clean.
 *
 * Traffic has a diurnal shape: each service peaks at 1.2 requests/s in the afternoon (UTC) and falls to
 * 0.1/s at night (0.65/s on average: ~1.2 million lines, 125 MB a week; 1.35 million, 143 MB with the day
 * ahead), arrivals Poisson per second. The rate is kept this low so the event pipeline reads the week in
 * seconds when the quickstart starts (~1.2 million lines took 23 s of CPU on a loaded 2-core machine).
 *
 * --ahead (hours, default 24): traffic also goes on past --end for that long, in the same shape (the slow
 * burn holding at 5 %). Windows ending at a time t count only the minutes before t, so these lines wait in their
 * buckets until their time comes: a quickstart left running keeps live data for a day instead of its
 * newest windows emptying within the hour.
 *
 * --scale multiplies every rate (tests use a fraction of the traffic; the shares of errors and slow requests
 * stay the same).
 *
 * Deterministic: the lines depend only on --seed, --scale, --ahead and --end (the week is [end − 7d, end));
 * --end defaults to the current hour, so the week always ends now and the charts show it at once. The same
 * arguments always give the same bytes. Usage:
 *
 *   node scripts/generate-quickstart-log.mjs [--out file] [--end <unix s>] [--seed n] [--scale f]
 *     [--ahead hours] [--if-stale] [--reset path]...
 *
 * --if-stale: do nothing when the file exists and was generated with the same arguments (read from the
 * `<file>.meta` written beside it), so `npm start` regenerates at most once an hour.
 * --reset: paths removed before a new log is written (the data directory and the log's position file): the
 * event buckets and reports of the previous log would otherwise overlap the new one's and count twice.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const DAY = 86_400;
const HOUR = 3600;
const WEEK = 7 * DAY;

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'examples/quickstart/data/access.log' },
    end: { type: 'string' },
    seed: { type: 'string', default: '42' },
    scale: { type: 'string', default: '1' },
    ahead: { type: 'string', default: '24' },
    'if-stale': { type: 'boolean', default: false },
    reset: { type: 'string', multiple: true, default: [] },
  },
});

const seed = Number(values.seed);
const scale = Number(values.scale);
const ahead = Number(values.ahead);
const end = values.end === undefined ? Math.floor(Date.now() / 1000 / HOUR) * HOUR : Number(values.end);
if (!Number.isInteger(seed) || !Number.isInteger(end) || end <= WEEK || !(scale > 0) || !(ahead >= 0)) {
  console.error(
    'usage: generate-quickstart-log.mjs [--out file] [--end <unix seconds>] [--seed <integer>] [--scale <factor>] [--ahead <hours>]',
  );
  process.exit(2);
}
const out = resolve(values.out);
const metaFile = `${out}.meta`; // not .json: linters of the examples folder would check it
const meta = { end, seed, scale, ahead, version: 1 };
if (values['if-stale'] && existsSync(out) && existsSync(metaFile)) {
  const previous = JSON.parse(readFileSync(metaFile, 'utf8'));
  if (JSON.stringify(previous) === JSON.stringify(meta)) process.exit(0);
}

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
function prng(state) {
  let s = state >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(seed);

/** Poisson arrivals for a small mean (Knuth). */
function poisson(mean) {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

/** A fast request's time in seconds: log-normal around `median`, kept under 0.45 s. */
function fastLatency(median) {
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.min(0.45, median * Math.exp(0.5 * normal));
}

const start = end - WEEK;
const incidentStart = start + 4 * DAY + 13 * HOUR + 10 * 60;
const incidentEnd = incidentStart + 40 * 60;
const burnStart = end - 2 * DAY;

/** Requests/s of one service at `t`: peak 1.2 at 15:00 UTC, 0.1 at 03:00. */
function rate(t) {
  const hour = (t % DAY) / HOUR;
  return scale * (0.1 + 1.1 * (0.5 - 0.5 * Math.cos((2 * Math.PI * (hour - 3)) / 24)));
}

const SERVICES = [
  {
    name: 'checkout',
    request: () => (random() < 0.7 ? ['GET', '/checkout/cart'] : ['POST', '/checkout/pay']),
    errorRatio: (t) => (t >= incidentStart && t < incidentEnd ? 0.35 : 0.0003),
    slowRatio: () => 0.001,
    median: 0.09,
  },
  {
    name: 'search',
    request: () => ['GET', `/search?q=${WORDS[Math.floor(random() * WORDS.length)]}`],
    errorRatio: () => 0.0002,
    // 0.2 % until two days before the end, then a linear creep to 5 % at the end, where it stays.
    slowRatio: (t) => (t < burnStart ? 0.002 : 0.002 + (0.048 * Math.min(t - burnStart, 2 * DAY)) / (2 * DAY)),
    median: 0.12,
  },
  {
    name: 'login',
    request: () => ['POST', '/login'],
    errorRatio: () => 0.00005,
    slowRatio: () => 0.0005,
    median: 0.05,
  },
];
const WORDS = ['shoes', 'socks', 'jacket', 'hat', 'scarf', 'gloves', 'boots', 'shirt'];
const AGENTS = ['Mozilla/5.0', 'okhttp/4.12.0', 'curl/8.5.0'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n) => String(n).padStart(2, '0');

/** `10/Oct/2000:13:55:36 +0000` (UTC). */
function clf(t) {
  const d = new Date(t * 1000);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

for (const path of values.reset) rmSync(resolve(path), { recursive: true, force: true });
mkdirSync(dirname(out), { recursive: true });
const stream = createWriteStream(out);
let buffer = '';
let lines = 0;
for (let t = start; t < end + ahead * HOUR; t++) {
  const stamp = clf(t);
  const perService = rate(t);
  for (const service of SERVICES) {
    for (let n = poisson(perService); n > 0; n--) {
      const [method, path] = service.request();
      const failed = random() < service.errorRatio(t);
      const slow = random() < service.slowRatio(t);
      const status = failed ? (random() < 0.8 ? 503 : 500) : method === 'POST' && random() < 0.02 ? 400 : 200;
      const seconds = slow ? 0.5 + random() * 2 : fastLatency(service.median);
      const bytes = failed ? 162 : 300 + Math.floor(random() * 4000);
      const ip = `10.${Math.floor(random() * 4)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`;
      const agent = AGENTS[Math.floor(random() * AGENTS.length)];
      buffer += `${ip} - - [${stamp}] "${method} ${path} HTTP/1.1" ${status} ${bytes} "-" "${agent}" ${seconds.toFixed(3)}\n`;
      lines++;
    }
  }
  if (buffer.length > 1 << 20) {
    if (!stream.write(buffer)) await new Promise((done) => stream.once('drain', done));
    buffer = '';
  }
}
stream.end(buffer);
await new Promise((done, fail) => stream.on('finish', done).on('error', fail));
writeFileSync(metaFile, `${JSON.stringify(meta)}\n`);
const iso = (t) => new Date(t * 1000).toISOString();
console.error(`wrote ${lines} lines to ${out} (${iso(start)} to ${iso(end)}, and ${ahead} h ahead)`);
