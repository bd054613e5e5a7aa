/** Types of `pushgateway.mjs`, for the TypeScript tests. */
import type { ServerProcess } from './server-process.d.mts';

export interface PushgatewayServer extends ServerProcess {
  /** The gateway's own exposition (`GET /metrics`). */
  scrape(): Promise<string>;
  /** Number of groups the gateway holds (`GET /api/v1/metrics`). */
  groups(): Promise<number>;
}

export const PUSHGATEWAY_BIN: string;
export function startPushgateway(extraArgs?: readonly string[]): Promise<PushgatewayServer>;
