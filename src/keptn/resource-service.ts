/**
 * Reading `<provider>/sli.yaml` from Keptn's resource service (reference/keptn.md §2.6):
 * `GET {base}/v1/project/{project}[/stage/{stage}[/service/{service}]]/resource/{resourceURI}[?gitCommitID=…]`
 * with each name and the resource URI query-escaped as Go's `url.QueryEscape` does (`prometheus%2Fsli.yaml`),
 * `x-token` when a token is configured. A 200 answer is `{"resourceURI", "resourceContent": <base64>, ...}`;
 * a 404 (project, stage, service or resource not found) means that level has no file and is skipped; any
 * other answer is an error. Levels with an empty name are not asked (a stage-less event reads the project
 * level only).
 */
import { HttpClient, HttpTransportError, MiB } from '../http/client.js';
import { bodyExcerpt, statusLine } from '../http/delivery.js';
import type { SliFileText } from './sli-file.js';

/** Largest resource service answer read, bytes (a base64 sli.yaml is far smaller). */
const MAX_RESOURCE_BYTES = 4 * MiB;

/** The resource service could not be asked or gave an answer that is neither a resource nor a 404. */
export class ResourceServiceError extends Error {
  override name = 'ResourceServiceError';
}

/** Go's `url.QueryEscape`: like encodeURIComponent, but `!'()*` escaped too and spaces as `+`. */
export function goQueryEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** Where one event's SLI files live. */
export interface ResourceScope {
  project: string;
  stage: string;
  service: string;
  /** The config repository commit of the event; empty: the latest. */
  gitCommitId?: string;
}

/** A client of one resource service. */
export class ResourceServiceClient {
  readonly #client: HttpClient;

  /** `baseUrl`: the service (a path prefix such as `/api/resource-service` is kept); `token`: x-token. */
  constructor(baseUrl: string, options: { token?: string; timeoutSeconds: number }) {
    this.#client = new HttpClient({
      baseUrl,
      headers: options.token === undefined ? undefined : { 'x-token': options.token },
      timeoutSeconds: options.timeoutSeconds,
      maxBodyBytes: MAX_RESOURCE_BYTES,
    });
  }

  /**
   * The URL path of `resourceUri` at one level (`service` given: service level, and so on). Throws
   * ResourceServiceError for a name that would be a `.` or `..` segment (escaping keeps dots, and a URL
   * parser collapses such segments: `project: ".."` would read another path of the service).
   */
  static path(resourceUri: string, level: { project: string; stage?: string; service?: string }): string {
    const segment = (what: string, name: string) => {
      const escaped = goQueryEscape(name);
      if (escaped === '.' || escaped === '..' || escaped === '')
        throw new ResourceServiceError(
          `${what} ${JSON.stringify(name)} cannot be a resource service path segment`,
        );
      return escaped;
    };
    let path = `/v1/project/${segment('project', level.project)}`;
    if (level.stage !== undefined) path += `/stage/${segment('stage', level.stage)}`;
    if (level.service !== undefined) path += `/service/${segment('service', level.service)}`;
    return `${path}/resource/${segment('resource', resourceUri)}`;
  }

  /**
   * The files of `resourceUri` found at project, stage and service level, in that order (missing levels
   * left out). Throws ResourceServiceError naming the URL (no token) on anything but 200 and 404.
   */
  async levels(resourceUri: string, scope: ResourceScope): Promise<SliFileText[]> {
    const levels: { project: string; stage?: string; service?: string }[] = [];
    if (scope.project) {
      levels.push({ project: scope.project });
      if (scope.stage) {
        levels.push({ project: scope.project, stage: scope.stage });
        if (scope.service)
          levels.push({ project: scope.project, stage: scope.stage, service: scope.service });
      }
    }
    // The levels are independent reads: asked at once, merged in order by the caller.
    const found = await Promise.all(levels.map((level) => this.#get(resourceUri, level, scope.gitCommitId)));
    return found.filter((f): f is SliFileText => f !== undefined);
  }

  async #get(
    resourceUri: string,
    level: { project: string; stage?: string; service?: string },
    gitCommitId: string | undefined,
  ): Promise<SliFileText | undefined> {
    const url = this.#client.url(ResourceServiceClient.path(resourceUri, level));
    if (gitCommitId) url.searchParams.set('gitCommitID', gitCommitId);
    const where = [level.project, level.stage, level.service].filter((p) => p !== undefined).join('/');
    const file = `${where}: ${resourceUri}`;
    const fail = (reason: string): never => {
      throw new ResourceServiceError(
        this.#client.redact(
          `cannot read ${file} from the resource service: GET ${this.#client.display(url)} ${reason}`,
        ),
      );
    };
    let response: Awaited<ReturnType<HttpClient['request']>>;
    try {
      response = await this.#client.request({ method: 'GET', url, headers: { accept: 'application/json' } });
    } catch (error) {
      return fail(error instanceof HttpTransportError ? error.reason : String(error));
    }
    if (response.status === 404) return undefined;
    if (response.status !== 200)
      return fail(`failed: ${statusLine(response.status)}: ${bodyExcerpt(response.body)}`);
    let content: unknown;
    try {
      content = (JSON.parse(response.body.toString('utf8')) as { resourceContent?: unknown })
        ?.resourceContent;
    } catch {
      return fail(`answered what is not JSON: ${bodyExcerpt(response.body)}`);
    }
    if (typeof content !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(content.replace(/\s+/g, ''))) {
      return fail('answered without a base64 "resourceContent"');
    }
    return { file, text: Buffer.from(content, 'base64').toString('utf8') };
  }
}
