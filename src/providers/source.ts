/**
 * Reading a provider file: a local path, or an http(s) URL fetched with GET as Iter8 fetched its templates.
 * Unlike Iter8, a non-2xx answer is an error (Iter8 parsed an error page as the template).
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../config/errors.js';
import { redact } from '../config/secrets.js';
import { HttpClient, HttpTransportError, MiB } from '../http/client.js';
import { bodyExcerpt, statusLine } from '../http/delivery.js';

/** Largest provider file read, bytes. */
export const MAX_PROVIDER_FILE_BYTES = 4 * MiB;

/**
 * The text of a provider file. `location` is how errors name it (the path as given, or the URL without
 * credentials); `dir` is the directory of a local file (where its `secret: file:` references are read),
 * undefined for a file fetched from a URL.
 */
export interface ProviderSource {
  location: string;
  text: string;
  dir: string | undefined;
}

/** True when `ref` is an http:// or https:// URL rather than a path. */
export const isUrlRef = (ref: string) => /^https?:\/\//i.test(ref);

const sourceError = (location: string, message: string) =>
  new ConfigError([{ file: location, line: 0, column: 0, path: '', message }]);

/**
 * Reads the provider file `ref` (a path, relative to `cwd`, or an http(s) URL). `timeoutSeconds` bounds a
 * URL's fetch. Throws ConfigError naming the file (or URL, credentials removed) and the problem.
 */
export async function readProviderSource(
  ref: string,
  options: { cwd?: string; timeoutSeconds: number },
): Promise<ProviderSource> {
  if (!isUrlRef(ref)) {
    const path = resolve(options.cwd ?? process.cwd(), ref);
    try {
      const text = await readFile(path, 'utf8');
      if (Buffer.byteLength(text) > MAX_PROVIDER_FILE_BYTES)
        throw new Error(`larger than ${MAX_PROVIDER_FILE_BYTES / MiB} MiB`);
      return { location: ref, text, dir: dirname(path) };
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      const reason = e.code === 'ENOENT' ? 'no such file' : e.message;
      throw sourceError(ref, `cannot read provider file: ${reason}`);
    }
  }
  let client: HttpClient;
  try {
    client = new HttpClient({
      baseUrl: ref,
      timeoutSeconds: options.timeoutSeconds,
      maxBodyBytes: MAX_PROVIDER_FILE_BYTES,
    });
  } catch {
    throw sourceError(redact(ref, []), 'not a valid URL');
  }
  const url = client.url('');
  const location = client.display(url);
  let response: Awaited<ReturnType<HttpClient['request']>>;
  try {
    response = await client.request({ method: 'GET', url });
  } catch (error) {
    const reason = error instanceof HttpTransportError ? error.reason : String(error);
    throw sourceError(location, client.redact(`cannot fetch provider file: GET ${reason}`));
  }
  if (response.status < 200 || response.status >= 300) {
    throw sourceError(
      location,
      client.redact(
        `cannot fetch provider file: ${statusLine(response.status)}: ${bodyExcerpt(response.body)}`,
      ),
    );
  }
  return { location, text: response.body.toString('utf8'), dir: undefined };
}
