import { describe, expect, it } from 'vitest';
import {
  buildRequest,
  canonicalHeaderName,
  encodeGoQuery,
  ITER8_CONTENT_TYPE,
  parseGoQuery,
  showRequest,
  withParams,
} from '../../src/providers/request.js';

const parts = {
  url: 'http://prom:9090/api/v1/query',
  method: 'GET',
  params: [],
  headers: [] as [string, string][],
  body: undefined,
  secrets: [],
};

describe('query encoding as Go url.Values.Encode', () => {
  it('sorts names, keeps duplicate names in the order added, and QueryEscapes', () => {
    expect(
      encodeGoQuery([
        ['query', 'sum(x{a="b"}[5s])\n'],
        ['b', '2'],
        ['a', 'first value'],
        ['a', 'second~value'],
      ]),
    ).toBe('a=first+value&a=second~value&b=2&query=sum%28x%7Ba%3D%22b%22%7D%5B5s%5D%29%0A');
  });

  it('reads an existing query as Go does: + is a space, bad escapes and ; pairs are dropped', () => {
    expect(parseGoQuery('x=1+2&bad=%zz&semi=a;b&flag&y=%41')).toEqual([
      ['x', '1 2'],
      ['flag', ''],
      ['y', 'A'],
    ]);
  });

  it('merges params into the query already in the URL, sorted', () => {
    const url = withParams('http://h/api?z=1&a=0', [
      { name: 'query', value: 'up' },
      { name: 'a', value: '1' },
    ]);
    expect(url.href).toBe('http://h/api?a=0&a=1&query=up&z=1');
  });

  it('leaves no ? when there is nothing to encode', () => {
    expect(withParams('http://h/api', []).href).toBe('http://h/api');
  });

  it('refuses URLs without an http(s) scheme, without quoting them', () => {
    expect(() => withParams('test-database.com/prometheus/api/v1/query', [])).toThrow(
      'url is not an absolute http:// or https:// URL',
    );
    expect(() => withParams('ftp://h/x', [])).toThrow('url must be http:// or https://, not ftp:');
  });
});

describe('buildRequest', () => {
  it("adds Iter8's content type and canonical header names, a later header replacing an earlier one", () => {
    const built = buildRequest({
      ...parts,
      headers: [
        ['x-query-key', 'k1'],
        ['X-QUERY-KEY', 'k2'],
        ['IBMInstanceID', 'guid'],
      ],
    });
    expect('request' in built && built.request.headers).toEqual([
      ['X-Query-Key', 'k2'],
      ['Ibminstanceid', 'guid'],
      ['Content-Type', ITER8_CONTENT_TYPE],
    ]);
  });

  it("keeps the provider's own content type (Iter8 sent both)", () => {
    const built = buildRequest({ ...parts, headers: [['content-type', 'text/plain']] });
    expect('request' in built && built.request.headers).toEqual([['Content-Type', 'text/plain']]);
  });

  it('defaults an empty method to GET and sends any token as written', () => {
    const get = buildRequest({ ...parts, method: '' });
    const odd = buildRequest({ ...parts, method: 'report' });
    expect('request' in get && get.request.method).toBe('GET');
    expect('request' in odd && odd.request.method).toBe('report');
  });

  it('makes a bad method or header value a problem of the metric', () => {
    expect(buildRequest({ ...parts, method: 'GE T' })).toEqual({
      problem: 'method "GE T" is not an HTTP method',
    });
    expect(buildRequest({ ...parts, headers: [['X-A', 'a\nb']] })).toEqual({
      problem: 'header X-A has a line break or NUL in its value',
    });
  });
});

describe('showRequest', () => {
  it('masks secret header values and URL credentials, and keeps the rest as sent', () => {
    const built = buildRequest({
      ...parts,
      url: 'http://user:hunter22@h/q?api_key=abcdef&x=1',
      method: 'POST',
      headers: [
        ['Authorization', 'Bearer tok-123456'],
        ['IBMInstanceID', 'guid'],
        ['X-Custom', 'from-secret-zzz'],
      ],
      body: '{"token":"tok-123456"}',
      secrets: ['from-secret-zzz'],
      secretHeaders: ['x-custom'],
    });
    if (!('request' in built)) throw new Error(built.problem);
    const shown = showRequest(built.request);
    expect(shown).toEqual({
      method: 'POST',
      url: 'http://***:***@h/q?api_key=***&x=1',
      headers: {
        Authorization: '***',
        Ibminstanceid: 'guid',
        'X-Custom': '***',
        'Content-Type': ITER8_CONTENT_TYPE,
      },
      body: '{"token":"***"}',
    });
    expect(JSON.stringify(shown)).not.toMatch(/hunter22|tok-123456|abcdef|from-secret-zzz/);
  });
});

describe('canonicalHeaderName', () => {
  it.each([
    ['x-query-key', 'X-Query-Key'],
    ['content-TYPE', 'Content-Type'],
    ['a b', 'a b'],
  ])('%s → %s', (name, canonical) => {
    expect(canonicalHeaderName(name)).toBe(canonical);
  });
});
