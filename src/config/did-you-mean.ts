/** "Did you mean" suggestions for misspelled keys, by Damerau-Levenshtein distance. */

/** Optimal-string-alignment (Damerau-Levenshtein) distance, with three rolling rows. */
function distance(a: string, b: string): number {
  const n = b.length;
  let before = new Int32Array(n + 1); // row i-2
  let previous = new Int32Array(n + 1); // row i-1
  let current = new Int32Array(n + 1);
  for (let j = 0; j <= n; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const bj = b.charCodeAt(j - 1);
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj)
        best = Math.min(best, before[j - 2]! + 1);
      current[j] = best;
    }
    const recycled = before;
    before = previous;
    previous = current;
    current = recycled;
  }
  return previous[n]!;
}

/** The closest candidate to `word`, if it is close enough to be a plausible typo. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    // The distance is at least the length difference: such a candidate could never be suggested.
    if (Math.abs(candidate.length - word.length) > limit) continue;
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** Defined keys a "not defined" message lists; a generated config may define thousands. */
const LISTED_KEYS = 20;

/**
 * "backend "x" is not defined in the shared config (defined: a, b); did you mean "y"?" The first
 * `LISTED_KEYS` defined keys are listed, then "and N more"; the hint considers them all.
 */
export function notDefinedMessage(kind: string, key: string, defined: readonly string[]): string {
  const hint = didYouMean(key, defined);
  const more = defined.length > LISTED_KEYS ? ` and ${defined.length - LISTED_KEYS} more` : '';
  const list = defined.length
    ? `defined: ${defined.slice(0, LISTED_KEYS).join(', ')}${more}`
    : 'none defined';
  return `${kind} "${key}" is not defined in the shared config (${list})${hint ? `; did you mean "${hint}"?` : ''}`;
}
