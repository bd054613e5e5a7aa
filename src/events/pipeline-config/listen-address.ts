/** The `host:port` an events server listens on, as both pipeline config styles write it. */

/**
 * Checks `text` as `host:port` (port 0-65535; 0 picks a free port; an IPv6 host in brackets, `[::1]:8080`).
 * An empty host (`:8080`, Go's "every interface") becomes `0.0.0.0`. Returns the normalised address and its
 * host (IPv6 without brackets) and port, or a message saying what was expected.
 */
export function parseListenAddress(
  text: string,
): { address: string; host: string; port: number } | { error: string } {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]]*):(\d{1,5})$/.exec(text);
  if (!match || Number(match[2]) > 65535)
    return {
      error: `expected host:port (e.g. "0.0.0.0:8080", "127.0.0.1:0", "[::1]:8080"), got "${text}"`,
    };
  const host = match[1] || '0.0.0.0';
  const port = Number(match[2]);
  return { address: `${host}:${port}`, host: host.replace(/^\[(.*)\]$/, '$1'), port };
}
