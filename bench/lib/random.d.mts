/** A seeded mulberry32 generator of numbers in [0, 1). */
export function seededRandom(seed: number): () => number;
