import { describe, expect, it } from 'vitest';
import { placeholderArgs, safeSubstitute } from '../../src/providers/placeholders.js';

describe("Python's safe_substitute", () => {
  it('fills $name and ${name}, leaves unknown placeholders and stray $ as written, $$ is $', () => {
    const used = new Set<string>();
    const out = safeSubstitute(
      "rev='${revision}' x=$elapsedTime ${unknown} $unknown $1 $$name ${bad",
      { revision: 'v2', elapsedTime: '60', name: 'n' },
      used,
    );
    expect(out).toBe("rev='v2' x=60 ${unknown} $unknown $1 $name ${bad");
    expect([...used].sort()).toEqual(['elapsedTime', 'revision']);
  });

  it('takes identifiers greedily ($revision_x is one name)', () => {
    expect(safeSubstitute('$revision_x/${revision}_x', { revision: 'v' })).toBe('$revision_x/v_x');
  });

  it('takes top-level scalars as arguments, not maps, lists or null', () => {
    expect(placeholderArgs({ s: 'a', n: 1.5, b: false, m: { x: 1 }, l: [1], z: null })).toEqual({
      s: 'a',
      n: '1.5',
      b: 'false',
    });
  });
});
