/**
 * The plainest fast HTTP client Node has: `node:http` with a keep-alive agent. The benchmarks' floors and
 * baselines use it, so a ratio measures what a client sends, not which HTTP library it uses.
 */
import { Agent, request } from 'node:http';

/**
 * A client keeping up to `maxSockets` connections open.
 * @param {number} maxSockets
 * @returns {{ send: (r: { method: string, url: string, headers?: Record<string, string>, body?: string }) =>
 *   Promise<{ status: number, body: string }>, close: () => void }} `url` is absolute (http only); `send`
 *   rejects on a transport error, never on an HTTP status.
 */
export function keepAliveClient(maxSockets) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const send = ({ method, url, headers = {}, body = '' }) =>
    new Promise((resolve, reject) => {
      const req = request(
        url,
        { agent, method, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return { send, close: () => agent.destroy() };
}
