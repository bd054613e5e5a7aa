import { describe, expect, it } from 'vitest';
import { didYouMean, notDefinedMessage } from '../../src/config/did-you-mean.js';

describe('didYouMean', () => {
  it.each([
    ['promethues', ['prometheus', 'datadog'], 'prometheus'], // transposition counts as one edit
    ['prometheus_slef', ['prometheus', 'prometheus_self'], 'prometheus_self'],
    ['cloud_monitorin', ['cloud_monitoring', 'cloud_monitoring_mql'], 'cloud_monitoring'],
    ['a', ['abcdefgh'], undefined], // too far apart in length to be a typo
  ])('%s among %j → %s', (word, candidates, expected) => {
    expect(didYouMean(word, candidates)).toBe(expected);
  });

  it('finds the one close key among 40 000', () => {
    const keys = Array.from({ length: 40_000 }, (_, i) => `prometheus/b${i}`);
    expect(didYouMean('promethues/b39999', keys)).toBe('prometheus/b39999');
  });
});

describe('notDefinedMessage', () => {
  it('lists the first 20 defined keys and counts the rest, with a hint drawn from all', () => {
    const keys = Array.from({ length: 25 }, (_, i) => `k${i}`);
    expect(notDefinedMessage('backend', 'k24x', keys)).toBe(
      `backend "k24x" is not defined in the shared config (defined: ${keys.slice(0, 20).join(', ')} and 5 more); did you mean "k24"?`,
    );
    expect(notDefinedMessage('exporter', 'x', [])).toBe(
      'exporter "x" is not defined in the shared config (none defined)',
    );
  });
});
