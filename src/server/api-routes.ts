/**
 * The `/api/*` routes of `slokit serve` (contract: /work/wt/prompts/serve-contract.md), over a `ServeApi`
 * that knows the SLOs, the history and the running config. Answers are JSON; errors `{"error": "<reason>"}`
 * with a 4xx/5xx status (400 also lists `issues` for a bad config or SLO body).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { SloReport } from '../domain/types.js';
import type { SloSummary } from './slo-summary.js';

/** Default span of `GET /api/slos/:name/reports` without `from`: 7 days, seconds. */
export const DEFAULT_REPORTS_SPAN = 7 * 86_400;

/** A refusal with the issues behind it (each `file:line:column: field: problem`). */
export interface Refusal {
  error: string;
  issues: string[];
}

/** One rule of the event pipeline with its SLO event counts (`GET /api/events/rules`). */
export interface EventRuleSummary {
  index: number;
  file: string;
  line: number;
  slo_matcher: Record<string, string>;
  additional_metadata: Record<string, string>;
  success: number;
  fail: number;
}

/** Counts of the event pipeline since start (`GET /api/events/rules`). */
export interface EventStatsSummary {
  processed: number;
  unclassified: number;
  unmatched: number;
  evaluation_errors: number;
  slo_events: number;
  malformed: number;
}

/** What the API routes read and do. */
export interface ServeApi {
  /** Every SLO of the running config, sorted by name. */
  slos(): SloSummary[];
  /** Stored reports of an SLO, oldest first; undefined for an unknown SLO. Times in Unix seconds. */
  reports(name: string, query: { step?: string; from: number; to: number }): SloReport[] | undefined;
  /** Computes one SLO given as YAML or JSON text with the running shared config. */
  compute(body: string): Promise<{ reports: SloReport[] } | Refusal>;
  /** Re-reads slokit.yaml and the SLO files; a bad config is refused and the running one kept. */
  reload(): Promise<{ reloaded: true; slos: number } | Refusal>;
  /** The event pipeline's rules and counts; undefined without an `events:` section. */
  eventRules(): { rules: EventRuleSummary[]; stats: EventStatsSummary } | undefined;
  /** Clock, Unix seconds. */
  now(): number;
}

/** A query parameter as Unix seconds; undefined when absent; throws a 400 for anything else. */
function seconds(query: Record<string, string | undefined>, name: string): number | undefined {
  const text = query[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value))
    throw Object.assign(new Error(`query parameter "${name}" must be Unix seconds, got "${text}"`), {
      statusCode: 400,
    });
  return value;
}

const isRefusal = (value: object): value is Refusal => 'issues' in value;

/** The `/api/*` routes over `api`. */
export function apiRoutes(api: ServeApi): FastifyPluginAsync {
  return async (app) => {
    app.get('/api/slos', async () => ({ slos: api.slos(), generated_at: Math.trunc(api.now()) }));
    app.get<{ Params: { name: string } }>('/api/slos/:name', async (request, reply) => {
      const slo = api.slos().find((s) => s.name === request.params.name);
      if (!slo) return reply.status(404).send({ error: `no SLO named "${request.params.name}"` });
      return slo;
    });
    app.get<{ Params: { name: string }; Querystring: Record<string, string | undefined> }>(
      '/api/slos/:name/reports',
      async (request, reply) => {
        const to = seconds(request.query, 'to') ?? api.now();
        const from = seconds(request.query, 'from') ?? to - DEFAULT_REPORTS_SPAN;
        const step = request.query.step || undefined;
        const reports = api.reports(request.params.name, { step, from, to });
        if (!reports) return reply.status(404).send({ error: `no SLO named "${request.params.name}"` });
        return { reports };
      },
    );
    app.post('/api/compute', async (request, reply) => {
      const body = typeof request.body === 'string' ? request.body : '';
      if (!body.trim())
        return reply.status(400).send({ error: 'the body must be one SLO config (YAML or JSON)' });
      const answer = await api.compute(body);
      return isRefusal(answer) ? reply.status(400).send(answer) : answer;
    });
    app.post('/api/reload', async (_request, reply) => {
      const answer = await api.reload();
      return isRefusal(answer) ? reply.status(400).send(answer) : answer;
    });
    app.get('/api/events/rules', async (_request, reply) => {
      const rules = api.eventRules();
      if (!rules)
        return reply.status(404).send({ error: 'no event pipeline: slokit.yaml has no "events:" section' });
      return rules;
    });
  };
}
