/**
 * The combined / common log format presets on real access logs: the fixtures are lines written by nginx
 * 1.22.1 (Debian bookworm; its predefined `combined` format, and `combined` followed by `$request_time` or
 * by `"$http_x_forwarded_for" rt=$request_time`) and Apache httpd 2.4 (its documented `combined` and
 * `common` LogFormat), for requests made with curl: a 200, a 503 with a referer and an agent holding quotes
 * (nginx writes `\x22`, Apache `\"`), a 404 POST, an HTTP/1.0 request and a junk request line (400).
 * The presets are also checked against real Go (`go run` of the fixture regexp-oracle.go, Debian package
 * golang-go), which is what slo-exporter's tailer runs on the same pattern.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { regexpLineParser } from '../../../src/events/line-parsers.js';
import { LOG_FORMAT_REGEXPS, PRESET_EMPTY_VALUE } from '../../../src/events/pipeline-config/log-formats.js';

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../fixtures/events/config/${name}`, import.meta.url)), 'utf8')
    .split('\n')
    .filter(Boolean);
const ORACLE = fileURLToPath(new URL('../../fixtures/events/config/regexp-oracle.go', import.meta.url));

const combined = regexpLineParser(LOG_FORMAT_REGEXPS.combined, PRESET_EMPTY_VALUE);
const common = regexpLineParser(LOG_FORMAT_REGEXPS.common, PRESET_EMPTY_VALUE);
const parse = (parser: typeof combined, line: string) => {
  const metadata = parser(line);
  return metadata && { ...metadata };
};

const TIME = '30/Nov/2026:07:49:39 +0000';

describe('combined preset on real nginx lines', () => {
  const lines = fixture('nginx-combined.log');

  it('reads every field, an empty user and referer ("-") left out', () => {
    expect(parse(combined, lines[0]!)).toEqual({
      remote_addr: '127.0.0.1',
      time_local: TIME,
      method: 'GET',
      path: '/',
      protocol: 'HTTP/1.1',
      status: '200',
      body_bytes_sent: '3',
      http_user_agent: 'curl/7.88.1',
    });
    expect(parse(combined, lines[1]!)).toEqual({
      remote_addr: '127.0.0.1',
      remote_user: 'alice',
      time_local: TIME,
      method: 'GET',
      path: '/api/v1/orders/42?x=1',
      protocol: 'HTTP/1.1',
      status: '503',
      body_bytes_sent: '197',
      http_referer: 'http://example.com/start',
      http_user_agent: 'Mozilla/5.0 (X11; Linux x86_64) \\x22quoted\\x22',
    });
  });

  it('keeps a junk request line, without method, path and protocol', () => {
    expect(lines[4]).toContain('"GARBAGE" 400');
    expect(parse(combined, lines[4]!)).toEqual({
      remote_addr: '127.0.0.1',
      time_local: TIME,
      status: '400',
      body_bytes_sent: '157',
    });
  });

  it('reads request_time after the format, or from a later rt= field', () => {
    const timed = fixture('nginx-request-time.log');
    expect(parse(combined, timed[4]!)).toMatchObject({ status: '400', request_time: '0.011' });
    expect(timed.map((line) => parse(combined, line)?.request_time)).toEqual([
      '0.000',
      '0.000',
      '0.000',
      '0.000',
      '0.011',
    ]);
    const rt = fixture('nginx-rt.log');
    expect(parse(combined, rt[3]!)).toMatchObject({
      path: '/index.html',
      protocol: 'HTTP/1.0',
      request_time: '0.000',
    });
    expect(rt.map((line) => parse(combined, line)?.request_time)).toEqual([
      '0.000',
      '0.000',
      '0.000',
      '0.000',
      '0.011',
    ]);
  });
});

describe('presets on real Apache lines', () => {
  it('combined: escaped quotes in the agent, "-" bytes left out', () => {
    const lines = fixture('apache-combined.log');
    expect(parse(combined, lines[1]!)).toMatchObject({
      status: '503',
      http_referer: 'http://example.com/start',
      http_user_agent: 'Mozilla/5.0 (X11; Linux x86_64) \\"quoted\\"',
    });
    expect(parse(combined, lines[3]!)).toEqual({
      remote_addr: '127.0.0.1',
      time_local: '30/Nov/2026:07:49:45 +0000',
      method: 'HEAD',
      path: '/index.html',
      protocol: 'HTTP/1.0',
      status: '200',
      http_user_agent: 'curl/7.88.1',
    });
  });

  it('common: every line, no referer or agent', () => {
    const lines = fixture('apache-common.log');
    expect(lines.map((line) => parse(common, line))).toEqual([
      {
        remote_addr: '127.0.0.1',
        time_local: '30/Nov/2026:07:49:44 +0000',
        method: 'GET',
        path: '/',
        protocol: 'HTTP/1.1',
        status: '404',
        body_bytes_sent: '236',
      },
      {
        remote_addr: '127.0.0.1',
        time_local: '30/Nov/2026:07:49:44 +0000',
        method: 'GET',
        path: '/api/v1/orders/42?x=1',
        protocol: 'HTTP/1.1',
        status: '503',
        body_bytes_sent: '339',
      },
      {
        remote_addr: '127.0.0.1',
        time_local: '30/Nov/2026:07:49:44 +0000',
        method: 'POST',
        path: '/missing',
        protocol: 'HTTP/1.1',
        status: '404',
        body_bytes_sent: '236',
      },
      {
        remote_addr: '127.0.0.1',
        time_local: '30/Nov/2026:07:49:45 +0000',
        method: 'HEAD',
        path: '/index.html',
        protocol: 'HTTP/1.0',
        status: '200',
      },
      {
        remote_addr: '127.0.0.1',
        time_local: '30/Nov/2026:07:49:45 +0000',
        status: '400',
        body_bytes_sent: '266',
      },
    ]);
  });
});

describe('presets agree with real Go', () => {
  const realLines = [
    'nginx-combined.log',
    'nginx-request-time.log',
    'nginx-rt.log',
    'apache-combined.log',
    'apache-common.log',
  ].flatMap(fixture);
  const crafted = [
    '2001:db8::1 - - [30/Nov/2026:07:45:35 +0000] "GET /robots.txt" 404 12 "-" "bot" request_time=1.5',
    '10.0.0.1 - bob [30/Nov/2026:07:45:35 +0000] "-" 408 0 "-" "-"',
    '10.0.0.1 - - [30/Nov/2026:07:45:35 +0000] "GET / HTTP/1.1" 200 1 "-" "a" 1.2.3.4',
    '10.0.0.1 - - [30/Nov/2026:07:45:35 +0000] "GET / HTTP/1.1" 2000 1 "-" "a"',
    '10.0.0.1 - - [30/Nov/2026:07:45:35 +0000] "GET / HTTP/1.1" 200 x "-" "a"',
    'not an access log line',
    '',
  ];
  const corpus = [...realLines, ...crafted];

  it.each(['combined', 'common'] as const)('%s: same groups as Go for every line', (format) => {
    const output = execFileSync('go', ['run', ORACLE], {
      input: JSON.stringify({
        pattern: LOG_FORMAT_REGEXPS[format],
        empty: PRESET_EMPTY_VALUE,
        lines: corpus,
      }),
      encoding: 'utf8',
      timeout: 300_000,
    });
    const expected = output
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    const parser = format === 'combined' ? combined : common;
    expect(corpus.map((line) => parse(parser, line) ?? null)).toEqual(expected);
    // Every real line is read by its own format (the common ones by both).
    const parsedReal = realLines.map((line) => parse(parser, line));
    if (format === 'combined') expect(parsedReal.filter((m) => m === undefined)).toHaveLength(5);
    else expect(parsedReal.every(Boolean)).toBe(true);
  });
});
