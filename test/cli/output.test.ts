import { describe, expect, it } from 'vitest';
import { colorEnabled } from '../../src/cli/output.js';

describe('colorEnabled', () => {
  it('colours a terminal and nothing else by default', () => {
    expect(colorEnabled({}, true)).toBe(true);
    expect(colorEnabled({}, false)).toBe(false);
  });

  it('honours NO_COLOR when set and not empty (https://no-color.org)', () => {
    expect(colorEnabled({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colorEnabled({ NO_COLOR: '' }, true)).toBe(true);
  });

  it('honours FORCE_COLOR before NO_COLOR and the terminal, with the values Node accepts', () => {
    for (const value of ['', '1', 'true', '2', '3']) {
      expect(colorEnabled({ FORCE_COLOR: value, NO_COLOR: '1' }, false)).toBe(true);
    }
    for (const value of ['0', 'false']) expect(colorEnabled({ FORCE_COLOR: value }, true)).toBe(false);
  });
});
