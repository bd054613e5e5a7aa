/**
 * Secret redaction for anything that leaves the process (errors in reports, logs): values of config fields
 * whose names say they are secrets, and credentials embedded in URLs, are replaced by `***`.
 */
// `auth` only as a whole name or suffix (auth, basic_auth), so fields such as `auth_mode` stay readable.
const SECRET_KEY = /pass(word)?|secret|token|api[_-]?key|^auth$|_auth$|authorization|credential|cookie/i;

/** True when a config field's name says its value is a secret. */
export function isSecretKey(name: string): boolean {
  return SECRET_KEY.test(name);
}

/** Collects the secret strings of a config block (nested objects and header maps included). */
export function secretsOf(config: unknown, keyName = ''): string[] {
  // Plugin blocks have no schema: a password may well be a number.
  const scalar = typeof config === 'number' || typeof config === 'boolean' ? String(config) : config;
  if (typeof scalar === 'string') return SECRET_KEY.test(keyName) && scalar.length >= 3 ? [scalar] : [];
  if (!scalar || typeof scalar !== 'object') return [];
  return Object.entries(scalar as Record<string, unknown>).flatMap(([key, value]) =>
    secretsOf(value, SECRET_KEY.test(keyName) ? keyName : key),
  );
}

/**
 * Removes the given secrets and any `user:password@` URL credentials from a message. Longer secrets are
 * replaced first, so a secret contained in another (a password in its Basic token) leaves nothing behind.
 */
export function redact(message: string, secrets: readonly string[]): string {
  let out = message.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, '$1***:***@');
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length >= 3) out = out.split(secret).join('***');
  }
  return out;
}
