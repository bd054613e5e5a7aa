/** Types of `server-process.mjs`, for the TypeScript tests. */

export interface ServerOptions {
  /** Name used in error messages ("prometheus exited (1) before ready: ..."). */
  name: string;
  /** The binary to run. */
  command: string;
  /** Its arguments, given the port it must listen on (127.0.0.1). */
  args: (port: number) => string[];
  /** A directory the server owns: removed on stop(), by the watchdog, or when the start fails. */
  dir?: string;
  /** Readiness endpoint (default `/-/ready`). */
  readyPath?: string;
  /** Default 30 s. */
  readyTimeoutMs?: number;
  /** Ports to try when the chosen one is taken before the server binds it (default 3). */
  attempts?: number;
}

export interface ServerProcess {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  pid: number;
  dir: string | undefined;
  /** Last lines the server printed (stdout and stderr). */
  logs(): string;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

export function freePort(): Promise<number>;
export function makeTempDir(prefix?: string): string;
export function startServer(options: ServerOptions): Promise<ServerProcess>;
