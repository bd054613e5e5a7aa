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
import { keepAliveClient } from './keepalive-client.mjs';

const IN_FLIGHT = 8;
const [file, base] = process.argv.slice(2);
const requests = JSON.parse(readFileSync(file, 'utf8'));
const client = keepAliveClient(IN_FLIGHT);

let next = 0;
let answers = 0;
let success = 0;
async function worker() {
  while (next < requests.length) {
    const { method, url, contentType, body } = requests[next++];
    const response = await client.send({
      method,
      url: `${base}${url}`,
      headers: contentType ? { 'content-type': contentType } : {},
      body,
    });
    if (response.status >= 300) throw new Error(`HTTP ${response.status} for ${url}`);
    answers++;
    if (JSON.parse(response.body).status === 'success') success++;
  }
}
await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
client.close();
process.stdout.write(JSON.stringify({ answers, success }));
