import { describe, expect, it } from 'vitest';
import { isSecretKey, redact, secretsOf } from '../../src/config/secrets.js';
import { requestHeaders } from '../../src/http/auth.js';

describe('isSecretKey: the one list of secret-looking names', () => {
  it.each([
    'password',
    'passwd',
    'pwd',
    'db_pass',
    'passphrase',
    'secret',
    'client_secret',
    'clientSecret',
    'token',
    'bearer_token',
    'access_token',
    'api_token',
    'X-Auth-Token',
    'private-token',
    'key',
    'api_key',
    'apiKey',
    'apikey',
    'app_key',
    'private_key',
    'privateKey',
    'access_key',
    'secret_access_key',
    'x-api-key',
    'credentials',
    'credential',
    'google_credentials',
    'X-Amz-Credential',
    'authorization',
    'Authorization',
    'Proxy-Authorization',
    'cookie',
    'Set-Cookie',
    'auth',
    'basic_auth',
    'signature',
    'X-Amz-Signature',
    'sig',
    'accesstoken',
    'authtoken',
    'api_keys',
    'keys',
    'passwords',
    'tokens',
    'secrets',
    'cookies',
  ])('%s is secret', (name) => {
    expect(isSecretKey(name)).toBe(true);
  });

  it.each([
    'auth_mode',
    'auth_type',
    'author',
    'authority',
    'keyspace',
    'monkey',
    'key_file',
    'key_id',
    'access_key_id',
    'tokenizer',
    'passthrough',
    'compass',
    'url',
    'username',
    'user',
    'project_id',
    'topic_name',
    'secretary',
    'signal',
    'design',
    '',
  ])('%s is not secret', (name) => {
    expect(isSecretKey(name)).toBe(false);
  });
});

describe('secretsOf', () => {
  it('collects values under secret-looking names, nested blocks included, numbers too', () => {
    expect(
      secretsOf({
        url: 'http://x',
        private_key: '-----BEGIN KEY-----abc',
        auth_mode: 'oauth',
        basic_auth: { username: 'bob', password: 'hunter22' },
        headers: { 'X-Api-Key': 'k-123', Accept: 'json' },
        pin: 1234,
        password: 98765,
      }).sort(),
    ).toEqual(['-----BEGIN KEY-----abc', '98765', 'bob', 'hunter22', 'k-123'].sort());
  });
});

describe('redact', () => {
  it('removes URL credentials, secret query values and given secrets; keeps other query values', () => {
    expect(
      redact('GET https://u:p4ss@h.example/prom?access_token=abc123&tenant=a&sig=zz9, then token k-123', [
        'k-123',
      ]),
    ).toBe('GET https://***:***@h.example/prom?access_token=***&tenant=a&sig=***, then token ***');
  });

  it('longer secrets first: a password inside its Basic token leaves nothing behind', () => {
    expect(redact('Basic dTpodW50ZXIyMg== hunter22', ['hunter22', 'dTpodW50ZXIyMg=='])).toBe('Basic *** ***');
  });

  it('a multi-line secret is removed as written, folded onto one line, JSON-escaped and line by line', () => {
    const pem =
      '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----';
    const folded = pem.replace(/\n/g, ' ');
    expect(redact(`Error: bad key ${folded}`, [pem])).toBe('Error: bad key ***');
    expect(redact(`body {"k":${JSON.stringify(pem)}}`, [pem])).toBe('body {"k":"***"}');
    expect(redact('excerpt: MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', [pem])).toBe('excerpt: ***');
  });

  it('percent-encoded secret parameter names are recognised', () => {
    expect(redact('http://h/?api%5Fkey=v-1&x=1', [])).toBe('http://h/?api%5Fkey=***&x=1');
  });
});

describe('requestHeaders secrets', () => {
  it('a secret-looking header gives its whole value and the credential after its scheme', () => {
    const { secrets } = requestHeaders({ Authorization: 'Bearer s3cr3tT0kABC', 'X-Tenant': 'team-a' }, {});
    expect(secrets).toEqual(['Bearer s3cr3tT0kABC', 's3cr3tT0kABC']);
    expect(redact('invalid token s3cr3tT0kABC', secrets)).toBe('invalid token ***');
  });

  it('a Basic header gives its token and the password it encodes', () => {
    const token = Buffer.from('bob:hunter22').toString('base64');
    const { secrets } = requestHeaders({ authorization: `Basic ${token}` }, {});
    expect(secrets).toEqual([`Basic ${token}`, token, 'hunter22']);
  });
});
