/**
 * The Keptn SLI provider of `slokit serve`: slokit.yaml's `keptn:` section resolved when the config loads
 * (a token variable unset or an unknown backend is a positioned config issue, so a reload with it is
 * refused), and one provider per config in force behind the `/keptn/event` route. A reload swaps the
 * provider at once; the old one finishes the answers it started. Its counts are kept, so the
 * `slokit_keptn_*_total` counters on /metrics never go back.
 */
import { dirname } from 'node:path';
import type { ConfigIssue } from '../config/errors.js';
import { formatPath } from '../config/errors.js';
import type { SlokitConfig } from '../config/slokit-config.js';
import type { Logger } from '../engine/logger.js';
import { MiB } from '../http/client.js';
import { KeptnConfigError, type KeptnSettings, resolveKeptnSection } from '../keptn/keptn-config.js';
import type { HttpMessage } from '../keptn/keptn-events.js';
import {
  createKeptnSliProvider,
  type KeptnSliProvider,
  type SliProviderStats,
} from '../keptn/sli-provider.js';
import type { MetricFamily } from '../lang/prometheus-text.js';
import type { EndpointOutcome, KeptnEndpoint } from './keptn-routes.js';

/**
 * The resolved `keptn:` section of a loaded slokit.yaml: `settings` undefined without the section; `issues`
 * (at the field's position in slokit.yaml) when a reference cannot be resolved. Relative paths resolve
 * against slokit.yaml's directory; `keptn.backend` against its `backends`.
 */
export function keptnSettingsOf(
  config: SlokitConfig,
  env: Readonly<Record<string, string | undefined>> = process.env,
): { settings: KeptnSettings | undefined; issues: ConfigIssue[] } {
  const { config: shared, source } = config.shared;
  if (shared.keptn === undefined) return { settings: undefined, issues: [] };
  try {
    const settings = resolveKeptnSection(shared.keptn, {
      backends: shared.backends as Record<string, Record<string, unknown>> | undefined,
      env,
      baseDir: dirname(config.file),
    });
    return { settings, issues: [] };
  } catch (error) {
    if (!(error instanceof KeptnConfigError)) throw error;
    const path = ['keptn', ...error.path];
    const issue = {
      file: config.file,
      ...source.locate(path),
      path: formatPath(path),
      message: error.reason,
    };
    return { settings: undefined, issues: [issue] };
  }
}

/** Counts of every provider serve has run, summed; `sender` as SenderStats. */
type Totals = SliProviderStats;

const zero = (): Totals => ({
  received: 0,
  accepted: 0,
  ignored: 0,
  duplicates: 0,
  malformed: 0,
  answered: 0,
  sender: { sent: 0, retries: 0, failed: 0 },
});

function add(into: Totals, stats: Totals): void {
  for (const key of ['received', 'accepted', 'ignored', 'duplicates', 'malformed', 'answered'] as const)
    into[key] += stats[key];
  for (const key of ['sent', 'retries', 'failed'] as const) into.sender[key] += stats.sender[key];
}

/** The /metrics counters: name, HELP, and the count they show. */
const COUNTERS: readonly [string, string, (t: Totals) => number][] = [
  ['slokit_keptn_events_received_total', 'CloudEvents POSTed to the Keptn endpoint.', (t) => t.received],
  [
    'slokit_keptn_events_handled_total',
    'get-sli.triggered events of a configured sliProvider accepted and answered.',
    (t) => t.accepted,
  ],
  [
    'slokit_keptn_events_ignored_total',
    'CloudEvents acknowledged without action (another type or sliProvider).',
    (t) => t.ignored,
  ],
  [
    'slokit_keptn_events_duplicate_total',
    'Repeated deliveries of an event id already received (answered once).',
    (t) => t.duplicates,
  ],
  [
    'slokit_keptn_events_malformed_total',
    'Requests refused with 400 (not a CloudEvent, unusable get-sli data).',
    (t) => t.malformed,
  ],
  ['slokit_keptn_sends_total', 'started/finished events delivered to Keptn.', (t) => t.sender.sent],
  [
    'slokit_keptn_sends_failed_total',
    'started/finished events given up on after every attempt.',
    (t) => t.sender.failed,
  ],
  [
    'slokit_keptn_sends_retried_total',
    'Delivery attempts of started/finished events beyond the first.',
    (t) => t.sender.retries,
  ],
];

/** Serve's swappable SLI provider (see the module comment); what the Keptn route and /metrics read. */
export class ServedKeptn implements KeptnEndpoint {
  #current: { provider: KeptnSliProvider; settings: KeptnSettings } | undefined;
  /** Providers replaced but still answering, and the counts of those done. */
  readonly #retiring = new Set<KeptnSliProvider>();
  readonly #retired = zero();
  #configured = false;

  constructor(private readonly logger: Logger) {}

  /** Puts the provider of `settings` in force (none: the endpoint answers 503). */
  replace(settings: KeptnSettings | undefined): void {
    const previous = this.#current?.provider;
    this.#current = settings && {
      provider: createKeptnSliProvider(settings, { logger: this.logger }),
      settings,
    };
    this.#configured ||= settings !== undefined;
    if (!previous) return;
    this.#retiring.add(previous);
    void previous.settled().then(() => {
      this.#retiring.delete(previous);
      add(this.#retired, previous.stats);
    });
  }

  /** Largest accepted body of the provider in force, bytes (its `max_body_bytes`; none: the default 1 MiB). */
  bodyLimit(): number {
    return this.#current?.settings.section.max_body_bytes ?? MiB;
  }

  receive(message: HttpMessage): EndpointOutcome {
    if (!this.#current)
      return { status: 503, outcome: 'unavailable', reason: 'slokit.yaml has no "keptn:" section' };
    return this.#current.provider.receive(message);
  }

  async settled(): Promise<void> {
    await Promise.all([this.#current?.provider.settled(), ...[...this.#retiring].map((p) => p.settled())]);
  }

  /** Counts of every provider so far. */
  get stats(): Totals {
    const totals = zero();
    add(totals, this.#retired);
    for (const provider of [...this.#retiring, ...(this.#current ? [this.#current.provider] : [])])
      add(totals, provider.stats);
    return totals;
  }

  /** The counters for /metrics; none while no `keptn:` section was ever in force. */
  families(): MetricFamily[] {
    if (!this.#configured) return [];
    const totals = this.stats;
    return COUNTERS.map(([name, help, value]) => ({
      name,
      help,
      type: 'counter',
      samples: [{ value: value(totals) }],
    }));
  }
}
