/**
 * A real Pushgateway (Debian `prometheus-pushgateway`) for tests and benchmarks: on a free loopback port, in
 * memory only (no persistence file), stopped and cleaned up by `server-process.mjs`.
 */
import { startServer } from './server-process.mjs';

export const PUSHGATEWAY_BIN = process.env.PUSHGATEWAY_BIN ?? '/usr/bin/prometheus-pushgateway';

/**
 * Starts a Pushgateway with `extraArgs` added to its command line.
 * @param {readonly string[]} [extraArgs]
 * @returns {Promise<import('./pushgateway.d.mts').PushgatewayServer>}
 */
export async function startPushgateway(extraArgs = []) {
  const server = await startServer({
    name: 'pushgateway',
    command: PUSHGATEWAY_BIN,
    args: (port) => [
      `--web.listen-address=127.0.0.1:${port}`,
      '--persistence.file=',
      '--log.level=warn',
      ...extraArgs,
    ],
    readyTimeoutMs: 15_000,
  });
  return {
    ...server,
    scrape: async () => (await fetch(`${server.url}/metrics`)).text(),
    groups: async () => ((await (await fetch(`${server.url}/api/v1/metrics`)).json()).data ?? []).length,
  };
}
