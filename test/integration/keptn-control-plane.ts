/**
 * A fake Keptn control plane for integration tests, one small HTTP server speaking the documented wire
 * formats (reference/keptn.md §2):
 * - resource service: `GET /v1/project/{p}[/stage/{s}[/service/{v}]]/resource/{uri}` → `{resourceURI,
 *   resourceContent: <base64>, metadata}`, 404 `{"code":404,"message":"Resource not found"}` when absent;
 * - distributor: `POST /event`, a structured CloudEvent, read and validated with the cloudevents SDK;
 * - Keptn API: `POST /v1/event` with `x-token`, Keptn's event JSON, checked as the API's event validation
 *   does (§1.6) and then validated as a CloudEvent.
 * Every request and every accepted event is recorded; the next N event posts can be made to fail.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudEvent, HTTP } from 'cloudevents';

/** An event the control plane accepted. */
export interface ReceivedEvent {
  endpoint: '/event' | '/v1/event';
  event: CloudEvent<Record<string, unknown>>;
  /** The body as sent. */
  body: Record<string, unknown>;
}

export interface ControlPlane {
  url: string;
  /** Sets the file at a level: `project`, `project/stage` or `project/stage/service`. */
  setResource(level: string, uri: string, text: string): void;
  /** Makes a level answer the given status (an error, not the resource). */
  setResourceStatus(level: string, status: number): void;
  resourceRequests: { path: string; gitCommitID: string | null; token: string | undefined }[];
  events: ReceivedEvent[];
  /** Event posts refused (status and body) before an event was accepted, in order. */
  refused: { status: number; reason: string }[];
  /** The next `count` event posts answer `status`. */
  failNext(count: number, status: number): void;
  close(): Promise<void>;
}

const RESOURCE = /^\/v1\/project\/([^/]+)(?:\/stage\/([^/]+)(?:\/service\/([^/]+))?)?\/resource\/([^/]+)$/;

const read = (request: IncomingMessage) =>
  new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

/** Starts the control plane on 127.0.0.1; `token` is the x-token the API wants. */
export async function startControlPlane(token: string): Promise<ControlPlane> {
  const resources = new Map<string, string>();
  const statuses = new Map<string, number>();
  let failures: { count: number; status: number } = { count: 0, status: 0 };
  const plane = {
    resourceRequests: [],
    events: [],
    refused: [],
  } as unknown as ControlPlane;

  const refuse = (response: ServerResponse, status: number, reason: string) => {
    plane.refused.push({ status, reason });
    json(response, status, { code: status, message: reason });
  };

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const body = await read(request);
    if (request.method === 'GET') {
      const m = RESOURCE.exec(url.pathname);
      plane.resourceRequests.push({
        path: url.pathname,
        gitCommitID: url.searchParams.get('gitCommitID'),
        token: request.headers['x-token'] as string | undefined,
      });
      if (!m) return json(response, 404, { code: 404, message: 'Not found' });
      const [, project, stage, service, uri] = m as unknown as string[];
      const level = [project, stage, service].filter(Boolean).join('/');
      const status = statuses.get(level);
      if (status) return json(response, status, { code: status, message: 'internal error' });
      // resource-service QueryUnescapes the resource URI of the raw path.
      const text = resources.get(`${level} ${decodeURIComponent(uri!.replace(/\+/g, ' '))}`);
      if (text === undefined) return json(response, 404, { code: 404, message: 'Resource not found' });
      return json(response, 200, {
        resourceURI: uri,
        resourceContent: Buffer.from(text).toString('base64'),
        metadata: { upstreamURL: 'https://git.example/config', version: 'abc123' },
      });
    }
    if (request.method !== 'POST' || (url.pathname !== '/event' && url.pathname !== '/v1/event')) {
      return json(response, 404, { code: 404, message: 'Not found' });
    }
    if (failures.count > 0) {
      failures = { ...failures, count: failures.count - 1 };
      return refuse(response, failures.status, 'failing on purpose');
    }
    try {
      if (url.pathname === '/event') {
        if (!String(request.headers['content-type']).startsWith('application/cloudevents+json'))
          return refuse(response, 400, 'expected a structured CloudEvent');
        const event = HTTP.toEvent({ headers: request.headers, body }) as CloudEvent<Record<string, unknown>>;
        event.validate();
        plane.events.push({ endpoint: '/event', event, body: JSON.parse(body) });
        return json(response, 200, {});
      }
      if (request.headers['x-token'] !== token) return refuse(response, 401, 'invalid token');
      const sent = JSON.parse(body) as Record<string, unknown>;
      const data = (sent.data ?? {}) as Record<string, unknown>;
      const kind = String(sent.type).split('.').pop();
      if (!sent.data || !sent.source || !sent.type)
        return refuse(response, 400, 'data, source and type are required');
      if (kind !== 'started' && kind !== 'finished')
        return refuse(response, 400, `unknown event type action: ${kind}`);
      if (!data.project || !data.stage || !data.service)
        return refuse(response, 400, "mandatory field(s) 'project', 'stage' or 'service' missing");
      if (!sent.triggeredid) return refuse(response, 400, "mandatory field 'triggeredid' missing");
      if (kind === 'finished' && !data.result) return refuse(response, 400, 'result field is not set');
      if (kind === 'finished' && !data.status) return refuse(response, 400, 'status field is not set');
      const { contenttype, ...rest } = sent;
      const event = new CloudEvent<Record<string, unknown>>({
        ...rest,
        datacontenttype: contenttype as string,
      });
      plane.events.push({ endpoint: '/v1/event', event, body: sent });
      return json(response, 200, { keptnContext: sent.shkeptncontext });
    } catch (error) {
      return refuse(response, 400, `invalid event: ${(error as Error).message}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(plane, {
    url: `http://127.0.0.1:${port}`,
    setResource: (level: string, uri: string, text: string) => resources.set(`${level} ${uri}`, text),
    setResourceStatus: (level: string, status: number) => statuses.set(level, status),
    failNext: (count: number, status: number) => {
      failures = { count, status };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
