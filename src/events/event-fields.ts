/**
 * The names of an event's special fields and the line length limit of the JSON-lines input: plain constants
 * kept apart from the readers, because the CLI's option definitions need them without loading the engine.
 */

/** Names of the fields that classify, key, weigh and judge an event. */
export interface EventFieldNames {
  domain: string;
  class: string;
  app: string;
  key: string;
  quantity: string;
  result: string;
}

/** The default field names. */
export const DEFAULT_EVENT_FIELDS: Readonly<EventFieldNames> = {
  domain: 'slo_domain',
  class: 'slo_class',
  app: 'slo_app',
  key: 'event_key',
  quantity: 'quantity',
  result: 'slo_result',
};

/** Default longest line, in UTF-16 code units (about 4 MiB of ASCII). */
export const DEFAULT_MAX_LINE_LENGTH = 4 * 1024 * 1024;
