/**
 * Named presets for the access log formats web servers write by default, as Go (RE2) regexps with named
 * groups, for file sources of the `events:` section.
 *
 * - `common`: the Common Log Format, nginx/Apache `%h %l %u %t "%r" %>s %b`
 *   (https://httpd.apache.org/docs/2.4/logs.html#common).
 * - `combined`: `common` plus `"%{Referer}i" "%{User-agent}i"`; nginx's predefined `combined` log_format
 *   (https://nginx.org/en/docs/http/ngx_http_log_module.html#log_format) is the same line.
 *
 * Groups: remote_addr, remote_user, time_local, method, path, protocol, status, body_bytes_sent, and for
 * `combined` http_referer and http_user_agent. A request line that is not `METHOD PATH [PROTOCOL]` (a
 * scanner's junk, `-`) still matches, without method, path and protocol. Quoted fields may hold escaped
 * quotes (Apache writes `\"`, nginx `\x22`). A request time appended after the format, as many setups do,
 * becomes `request_time` (seconds): either the next field (`... "agent" 0.123`) or a later `rt=0.123` or
 * `request_time=0.123` field; anything else after the format is ignored.
 */

/** A double-quoted field whose content may hold backslash escapes. */
const quoted = (group: string) => `"(?P<${group}>(?:[^"\\\\]|\\\\.)*)"`;

const COMMON =
  '^(?P<remote_addr>\\S+) \\S+ (?P<remote_user>\\S+) \\[(?P<time_local>[^\\]]*)\\] ' +
  '"(?:(?P<method>[A-Za-z]+) (?P<path>[^\\s"]+)(?: (?P<protocol>[^\\s"]+))?|(?:[^"\\\\]|\\\\.)*)" ' +
  '(?P<status>\\d{3}) (?P<body_bytes_sent>\\d+|-)';

const COMBINED = `${COMMON} ${quoted('http_referer')} ${quoted('http_user_agent')}`;

/** The next field, or a later `rt=` / `request_time=` field, as a number of seconds, optionally quoted. */
const REQUEST_TIME =
  '(?: (?:(?:.*? )?(?:rt|request_time)=)?"?(?P<request_time>\\d+(?:\\.\\d+)?)"?(?:\\s|$))?';

/** Go regexps of the presets, by format name. */
export const LOG_FORMAT_REGEXPS = {
  common: COMMON + REQUEST_TIME,
  combined: COMBINED + REQUEST_TIME,
} as const;

/** The presets' `empty_value` default: a lone `-` is how these formats write "no value". */
export const PRESET_EMPTY_VALUE = '^-?$';
