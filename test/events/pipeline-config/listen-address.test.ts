import { describe, expect, it } from 'vitest';
import { parseListenAddress } from '../../../src/events/pipeline-config/listen-address.js';

describe('parseListenAddress', () => {
  it.each([
    ['0.0.0.0:8080', '0.0.0.0:8080', '0.0.0.0', 8080],
    ['127.0.0.1:0', '127.0.0.1:0', '127.0.0.1', 0],
    [':9100', '0.0.0.0:9100', '0.0.0.0', 9100],
    ['[::1]:8080', '[::1]:8080', '::1', 8080],
    ['localhost:08080', 'localhost:8080', 'localhost', 8080],
  ])('reads %s as %s', (text, address, host, port) => {
    expect(parseListenAddress(text)).toEqual({ address, host, port });
  });

  it.each(['localhost', '127.0.0.1:65536', '::1:8080', 'host:port', 'a b:80', ''])('refuses "%s"', (text) => {
    expect(parseListenAddress(text)).toEqual({
      error: `expected host:port (e.g. "0.0.0.0:8080", "127.0.0.1:0", "[::1]:8080"), got "${text}"`,
    });
  });
});
