/**
 * Secret redaction for anything that leaves the process (errors in reports, logs): values of config fields,
 * HTTP headers and URL query parameters whose names say they are secrets, and credentials embedded in URLs,
 * are replaced by `***`.
 *
 * One list decides what "secret-looking" means, for config fields, header names and query parameters alike.
 * A name is split into lower-case words (`_`, `-`, `.`, spaces and camelCase boundaries separate them:
 * `basic_auth` → basic, auth; `apiKey` → api, key; `X-Amz-Signature` → x, amz, signature). It is secret when
 * - any word is one of SECRET_WORDS (password, passwd, pwd, pass, secret, token, credential(s), authorization,
 *   cookie, signature, sig, passphrase, or a run-together form such as apikey or accesstoken); or
 * - its LAST word is `key` or `auth` (key, api_key, private_key, access_key, x-api-key; auth, basic_auth).
 * Plurals count as their singular (`api_keys`, `passwords`, `tokens`). So `auth_mode`, `key_file`, `key_id`,
 * `keyspace`, `monkey`, `tokenizer`, `passthrough` stay readable: a word must match whole, and `key`/`auth`
 * only name a secret when they end the name.
 */

const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'pass',
  'passphrase',
  'secret',
  'token',
  'credential',
  'credentials',
  'authorization',
  'cookie',
  'signature',
  'sig',
  // run-together spellings seen in configs and query strings
  'apikey',
  'accesstoken',
  'authtoken',
  'privatekey',
  'accesskey',
  'secretkey',
  'clientsecret',
]);
const SECRET_LAST_WORDS = new Set(['key', 'auth']);

/** The lower-case words of a field, header or parameter name. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** `tokens` → `token` (plurals name lists of secrets: `api_keys`, `passwords`). */
function singular(word: string): string {
  return word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}

/** True when a config field's, header's or query parameter's name says its value is a secret. */
export function isSecretKey(name: string): boolean {
  const w = words(name);
  if (w.length === 0) return false;
  const last = w[w.length - 1]!;
  return w.some((word) => SECRET_WORDS.has(singular(word))) || SECRET_LAST_WORDS.has(singular(last));
}

/**
 * Collects the secret strings of a config block: values under secret-looking names, and everything nested
 * under one (`basic_auth: {username, password}`). Strings shorter than 3 characters are not collected
 * (redacting "1" everywhere would garble messages and reveal nothing).
 */
export function secretsOf(config: unknown, keyName = ''): string[] {
  // Plugin blocks have no schema: a password may well be a number.
  const scalar = typeof config === 'number' || typeof config === 'boolean' ? String(config) : config;
  if (typeof scalar === 'string') return isSecretKey(keyName) && scalar.length >= 3 ? [scalar] : [];
  if (!scalar || typeof scalar !== 'object') return [];
  return Object.entries(scalar as Record<string, unknown>).flatMap(([key, value]) =>
    secretsOf(value, isSecretKey(keyName) ? keyName : key),
  );
}

/**
 * Removes the given secrets, any `user:password@` URL credentials and the values of secret-looking query
 * parameters (`?access_token=...`) from a message. Longer secrets are replaced first, so a secret contained
 * in another (a password in its Basic token) leaves nothing behind.
 */
export function redact(message: string, secrets: readonly string[]): string {
  let out = message.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, '$1***:***@');
  out = out.replace(
    /([?&])([^=&#\s]+)=([^&#\s,;)'"]*)/g,
    (whole, sep: string, name: string, value: string) =>
      value !== '' && isSecretKey(safeDecode(name)) ? `${sep}${name}=***` : whole,
  );
  for (const form of [...new Set(secrets.flatMap(writtenForms))].sort((a, b) => b.length - a.length)) {
    if (form.length >= 3) out = out.split(form).join('***');
  }
  return out;
}

/**
 * The forms a secret takes in a message: as it is, with its line breaks folded to single spaces (error
 * messages are one line: a PEM key thrown by a plugin arrives folded) and JSON-escaped (a message quoting a
 * JSON body).
 */
function writtenForms(secret: string): string[] {
  const forms = [secret, secret.replace(/\s*\n\s*/g, ' '), JSON.stringify(secret).slice(1, -1)];
  return forms.flatMap((form) => [form, ...form.split(/\s*\n\s*|\\n/).filter((line) => line.length >= 8)]);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
