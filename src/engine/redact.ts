/**
 * Secret redaction for anything that leaves the process (errors in reports, logs): values of config fields
 * whose names say they are secrets, and credentials embedded in URLs, are replaced by `***`.
 */
const SECRET_KEY = /pass(word)?|secret|token|api_?key|authorization|credential/i;

/** Collects the secret strings of a config block (nested objects and header maps included). */
export function secretsOf(config: unknown, keyName = ''): string[] {
  if (typeof config === 'string') return SECRET_KEY.test(keyName) && config.length >= 3 ? [config] : [];
  if (!config || typeof config !== 'object') return [];
  return Object.entries(config as Record<string, unknown>).flatMap(([key, value]) =>
    secretsOf(value, SECRET_KEY.test(keyName) ? keyName : key),
  );
}

/** Removes the given secrets and any `user:password@` URL credentials from a message. */
export function redact(message: string, secrets: readonly string[]): string {
  let out = message.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, '$1***:***@');
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
}
