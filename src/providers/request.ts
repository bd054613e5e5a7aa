/**
 * The HTTP request of one metric, built as Iter8's `custommetrics` task built it with Go's `net/http`
 * (reference/iter8.md §4): the params are added to the query already in the URL (Go's `URL.Query()` then
 * `Add` per param, so duplicate names keep every value in order), the query is written by Go's
 * `url.Values.Encode` (keys sorted, names and values `QueryEscape`d: space `+`, newline `%0A`), the body is
 * sent raw with any method, and `Content-Type: application/json;charset=utf-8` is added. One deliberate
 * difference: Go added that content type even when the provider set its own (two values on the wire);
 * here the provider's own wins. Pure: no I/O.
 */
import { isSecretKey, redact } from '../config/secrets.js';
import { compareGoStrings } from '../lang/go-template-fmt.js';
import { queryEscape } from '../lang/go-template-funcs.js';

/** The content type Iter8 sent with every metric request. */
export const ITER8_CONTENT_TYPE = 'application/json;charset=utf-8';

/** A query parameter of a metric (`params[]` of a provider file). */
export interface QueryParam {
  name: string;
  value: string;
}

/**
 * One metric request, ready to send. `url` is absolute with its query encoded exactly as sent; `headers`
 * are `[canonical name, value]` pairs, one per name; `secrets` are the strings that must never be shown
 * (secret header values, credentials of the URL, auth secrets), `secretHeaders` the names (lower case) whose
 * values are replaced by `***` when the request is shown.
 */
export interface MetricRequest {
  method: string;
  url: string;
  headers: [string, string][];
  body: string | undefined;
  secrets: string[];
  secretHeaders: Set<string>;
}

/** Go's `url.QueryUnescape`; undefined for malformed escapes (Go drops such pairs). */
function queryUnescape(text: string): string | undefined {
  if (/%(?![0-9A-Fa-f]{2})/.test(text)) return undefined;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * Go's `url.ParseQuery` as `URL.Query()` uses it: `&`-separated pairs in order; a pair with a `;` or a bad
 * escape is dropped; a name without `=` has the value "".
 */
export function parseGoQuery(rawQuery: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '' || part.includes(';')) continue;
    const eq = part.indexOf('=');
    const name = queryUnescape(eq < 0 ? part : part.slice(0, eq));
    const value = queryUnescape(eq < 0 ? '' : part.slice(eq + 1));
    if (name !== undefined && value !== undefined) pairs.push([name, value]);
  }
  return pairs;
}

/** Go's `url.Values.Encode`: names sorted (byte order), each name's values in the order added. */
export function encodeGoQuery(pairs: readonly [string, string][]): string {
  const byName = new Map<string, string[]>();
  for (const [name, value] of pairs) {
    const values = byName.get(name);
    if (values) values.push(value);
    else byName.set(name, [value]);
  }
  const names = [...byName.keys()].sort(compareGoStrings);
  return names
    .flatMap((name) => byName.get(name)!.map((v) => `${queryEscape(name)}=${queryEscape(v)}`))
    .join('&');
}

/**
 * The URL with `params` merged into its query (see the module comment). Throws an Error when `url` is not
 * an absolute http:// or https:// URL (Iter8's test files use URLs without a scheme, which Go accepted and
 * could not send); the message does not quote the URL, which may hold credentials.
 */
export function withParams(url: string, params: readonly QueryParam[]): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('url is not an absolute http:// or https:// URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new Error(`url must be http:// or https://, not ${parsed.protocol.slice(0, 20)}`);
  const pairs = parseGoQuery(parsed.search.slice(1));
  for (const p of params) pairs.push([p.name, p.value]);
  const query = encodeGoQuery(pairs);
  // URL's search setter would re-encode; the encoded text only holds characters it leaves alone.
  parsed.search = query === '' ? '' : `?${query}`;
  parsed.hash = '';
  return parsed;
}

/** Go's `http.CanonicalHeaderKey`: `x-query-key` → `X-Query-Key`; names with other characters unchanged. */
export function canonicalHeaderName(name: string): string {
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return name;
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

/** An HTTP method token (Go sends any token verbatim; Node refuses what is not one). */
export const isMethodToken = (method: string) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(method);

/** A header value Node can send (no line breaks or NUL). */
export const isHeaderValue = (value: string) => !/[\r\n\0]/.test(value);

/**
 * Headers as sent: canonical names, a later name replacing an earlier one (case-insensitively), then
 * Iter8's content type unless one is set.
 */
export function requestHeaderList(headers: readonly [string, string][]): [string, string][] {
  const byName = new Map<string, [string, string]>();
  for (const [name, value] of headers) byName.set(name.toLowerCase(), [canonicalHeaderName(name), value]);
  if (!byName.has('content-type')) byName.set('content-type', ['Content-Type', ITER8_CONTENT_TYPE]);
  return [...byName.values()];
}

/**
 * Secrets of a request's headers and URL: values of secret-looking headers (`Authorization`, `X-Api-Key`)
 * with the credential after their scheme, and the URL's user name and password.
 */
export function requestSecrets(url: URL, headers: readonly [string, string][]): string[] {
  const secrets: string[] = [];
  for (const [name, value] of headers) {
    if (!isSecretKey(name)) continue;
    secrets.push(value);
    const credential = /^\s*[A-Za-z][\w.-]*\s+(\S+)\s*$/.exec(value)?.[1];
    if (credential) secrets.push(credential);
  }
  if (url.password) secrets.push(decodeURIComponent(url.password));
  if (url.username && !url.password) secrets.push(decodeURIComponent(url.username));
  return secrets.filter((s) => s.length > 0);
}

/** What a provider file says about one metric's request, before it is checked and encoded. */
export interface RequestParts {
  url: string;
  method: string;
  params: readonly QueryParam[];
  headers: readonly [string, string][];
  body: string | undefined;
  /** Secrets beyond those the headers and URL show by their names (auth secrets, secret values). */
  secrets: readonly string[];
  /** Names (lower case) of headers whose values are secret whatever their names. */
  secretHeaders?: Iterable<string>;
}

/**
 * The request of `parts`, or why it cannot be sent (not an http(s) URL, a method that is not an HTTP token,
 * a header value with a line break): a problem of that metric only. The problem never quotes a secret.
 */
export function buildRequest(parts: RequestParts): { request: MetricRequest } | { problem: string } {
  const method = parts.method === '' ? 'GET' : parts.method;
  if (!isMethodToken(method)) return { problem: `method ${JSON.stringify(method)} is not an HTTP method` };
  let url: URL;
  try {
    url = withParams(parts.url, parts.params);
  } catch (error) {
    return { problem: (error as Error).message };
  }
  const headers = requestHeaderList(parts.headers);
  const bad = headers.find(([, value]) => !isHeaderValue(value));
  if (bad) return { problem: `header ${bad[0]} has a line break or NUL in its value` };
  const secrets = [...parts.secrets, ...requestSecrets(url, headers)].filter((s) => s.length > 0);
  return {
    request: {
      method,
      url: url.href,
      headers,
      body: parts.body,
      secrets,
      secretHeaders: new Set([...(parts.secretHeaders ?? [])].map((n) => n.toLowerCase())),
    },
  };
}

/** A request as `--dry-run` shows it: secret header values `***`, URL credentials and secret params `***`. */
export interface ShownRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

/** The request as shown to people (see ShownRequest). */
export function showRequest(request: MetricRequest): ShownRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of request.headers) {
    const secret = request.secretHeaders.has(name.toLowerCase()) || isSecretKey(name);
    headers[name] = secret ? '***' : redact(value, request.secrets);
  }
  return {
    method: request.method,
    url: redact(request.url, request.secrets),
    headers,
    body: request.body === undefined ? null : redact(request.body, request.secrets),
  };
}
