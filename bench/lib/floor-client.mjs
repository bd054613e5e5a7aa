/**
 * The floor of the end-to-end compute benchmark: the least a Node client must do to get the answers slokit
 * needs. Sends the recorded requests of a file to a base URL with `node:http` and a keep-alive agent, 8 in
 * flight, parses every answer (JSON.parse) and prints `{ answers, success }` as JSON.
 *
 *   node bench/lib/floor-client.mjs <requests.json> <base-url>
 *
 * requests.json: `[{ method, url, contentType, body }]` (`url` is path + query string), as recorded by
 * `startCountingProxy`. Exits 1 on a transport error or a non-2xx answer.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

const IN_FLIGHT = 8;
const [file, base] = process.argv.slice(2);
const requests = JSON.parse(readFileSync(file, 'utf8'));
const target = new URL(base);
const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });

function send({ method, url, contentType, body }) {
  return new Promise((resolve, reject) => {
    const headers = { 'content-length': Buffer.byteLength(body) };
    if (contentType) headers['content-type'] = contentType;
    const req = request(
      { agent, host: target.hostname, port: target.port, method, path: url, headers },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          if ((res.statusCode ?? 0) >= 300) reject(new Error(`HTTP ${res.statusCode} for ${url}`));
          else resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

let next = 0;
let answers = 0;
let success = 0;
async function worker() {
  while (next < requests.length) {
    const payload = await send(requests[next++]);
    answers++;
    if (payload.status === 'success') success++;
  }
}
await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
agent.destroy();
process.stdout.write(JSON.stringify({ answers, success }));
