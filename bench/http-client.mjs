/**
 * HTTP client choice for the Prometheus backend and the HTTP exporters (figures quoted in src/http/client.ts).
 *
 * Whole processes, interleaved rounds: each variant is a child `node` process that sends the same 1000 distinct
 * instant queries (50 services × 4 windows × 5 expressions of `benchHistory`) to a real local Prometheus, 8 in
 * flight, parses every answer and prints a checksum of the values; the driver checks all checksums are equal
 * and prints min/median wall time per variant. Variants: `undici` (`undici.request` on a keep-alive Pool) and
 * `http` (`node:http` with a keep-alive Agent), each with `accept-encoding: identity` and `gzip`, on loopback
 * and through a proxy that holds every request 10 ms (a simulated network hop).
 *
 * Usage: node bench/http-client.mjs [rounds] (default BENCH_ROUNDS, else 3; the figures quoted in
 * src/http/client.ts are from 5)
 */
import { execFile } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { benchHistory, startCountingProxy, startPrometheus } from './lib/prometheus.mjs';
import { median } from './lib/timing.mjs';

const END = 1_700_006_400;
const run = promisify(execFile);
const IN_FLIGHT = 8;

/** The 1000 distinct queries. */
function queries() {
  const out = [];
  for (let s = 1; s <= 50; s++) {
    const svc = `svc-${String(s).padStart(2, '0')}`;
    for (const w of [3600, 43200, 604800, 2419200]) {
      out.push(
        `sum(increase(http_requests_total{service="${svc}", code="200"}[${w}s]))`,
        `sum(increase(http_requests_total{service="${svc}"}[${w}s]))`,
        `sum(increase(http_requests_total{service="${svc}", code="503"}[${w}s]))`,
        `sum(increase(http_request_duration_seconds_bucket{service="${svc}", le="0.25"}[${w}s]))`,
        `sum(increase(http_request_duration_seconds_count{service="${svc}"}[${w}s]))`,
      );
    }
  }
  return out;
}

/** One client process: sends every query, returns a checksum of the values. */
async function client(variant, encoding, base) {
  const url = new URL('/api/v1/query', base);
  let send;
  if (variant === 'undici') {
    const { Pool } = await import('undici');
    const pool = new Pool(url.origin, { connections: IN_FLIGHT });
    send = async (body) => {
      const res = await pool.request({
        method: 'POST',
        path: url.pathname,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-encoding': encoding },
        body,
      });
      const buf = Buffer.from(await res.body.arrayBuffer());
      return res.headers['content-encoding'] === 'gzip' ? gunzipSync(buf) : buf;
    };
  } else {
    const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
    send = (body) =>
      new Promise((resolve, reject) => {
        const req = httpRequest(
          url,
          {
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              'content-length': Buffer.byteLength(body),
              'accept-encoding': encoding,
            },
          },
          (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => {
              const buf = Buffer.concat(chunks);
              resolve(res.headers['content-encoding'] === 'gzip' ? gunzipSync(buf) : buf);
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
  }
  const all = queries();
  let next = 0;
  let sum = 0;
  const worker = async () => {
    while (next < all.length) {
      const query = all[next++];
      const body = new URLSearchParams({ query, time: String(END) }).toString();
      const payload = JSON.parse((await send(body)).toString('utf8'));
      if (payload.status !== 'success') throw new Error(`${query}: ${payload.error}`);
      sum += Number(payload.data.result[0]?.value[1] ?? 0);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return sum.toFixed(3);
}

async function driver(rounds) {
  const prometheus = await startPrometheus({ ...benchHistory({ end: END }), evalTime: END });
  const proxy = await startCountingProxy(prometheus.url, { delayMs: 10 });
  const self = fileURLToPath(import.meta.url);
  const variants = [];
  for (const [network, base] of [
    ['loopback', prometheus.url],
    ['+10ms', proxy.url],
  ]) {
    for (const variant of ['undici', 'http'])
      for (const encoding of ['identity', 'gzip']) variants.push({ network, base, variant, encoding });
  }
  const times = new Map(variants.map((v) => [v, []]));
  const sums = new Set();
  try {
    for (let round = 0; round < rounds; round++) {
      for (const v of variants) {
        const started = performance.now();
        // Asynchronous: the delaying proxy runs in this process.
        const { stdout: out } = await run(process.execPath, [self, 'client', v.variant, v.encoding, v.base]);
        times.get(v).push(performance.now() - started);
        sums.add(String(out).trim());
      }
    }
  } finally {
    await proxy.stop();
    await prometheus.stop();
  }
  if (sums.size !== 1) throw new Error(`clients disagree: ${[...sums].join(', ')}`);
  console.log(`1000 instant queries, ${IN_FLIGHT} in flight, whole process, ${rounds} interleaved rounds`);
  console.log('network   client  encoding   min ms  median ms');
  for (const v of variants) {
    const t = times.get(v);
    console.log(
      `${v.network.padEnd(9)} ${v.variant.padEnd(7)} ${v.encoding.padEnd(9)} ${Math.min(...t)
        .toFixed(0)
        .padStart(7)} ${median(t).toFixed(0).padStart(10)}`,
    );
  }
}

if (process.argv[2] === 'client') {
  process.stdout.write(`${await client(process.argv[3], process.argv[4], process.argv[5])}\n`);
} else {
  await driver(Number(process.argv[2] ?? process.env.BENCH_ROUNDS ?? 3));
}
