/**
 * Exact floating-point summation (Shewchuk's algorithm, as Python's `math.fsum`): keeps the running sum as
 * non-overlapping partials, so `value` is the exact sum correctly rounded to a float64, whatever the order
 * of the additions. The summary of `slokit events classify` uses it so that counts merged from several
 * threads equal the single-threaded ones, and sums of fractional quantities do not drift.
 */
export class ExactSum {
  /** Non-overlapping partials, increasing in magnitude. */
  private partials: number[] = [];
  /**
   * Once a partial overflows, the exact sum cannot be kept: from then on the sum is the plain float one
   * (±Infinity for quantities of one sign, as the metrics output's counters give it), never NaN.
   */
  private overflowed: number | undefined;

  /** Adds `x` (finite). */
  add(x: number): void {
    if (this.overflowed !== undefined) {
      this.overflowed += x;
      return;
    }
    if (this.partials.length === 1) {
      // Common case (integer counts): when x + partial is exact, it is the only partial.
      const y = this.partials[0]!;
      const high = x + y;
      const back = high - x;
      if (x - (high - back) + (y - back) === 0) {
        this.partials[0] = high;
        return;
      }
    }
    let value = x;
    let kept = 0;
    const partials = this.partials;
    for (let i = 0; i < partials.length; i++) {
      let y = partials[i]!;
      if (Math.abs(value) < Math.abs(y)) [value, y] = [y, value];
      const high = value + y;
      const low = y - (high - value);
      if (low !== 0) partials[kept++] = low;
      value = high;
    }
    partials.length = kept;
    partials.push(value);
    if (!Number.isFinite(value)) this.overflowed = value;
  }

  /** Adds every partial of another sum (same result as adding its terms one by one). */
  addSum(partials: readonly number[]): void {
    for (const p of partials) this.add(p);
  }

  /** The partials, for merging into another ExactSum. */
  get terms(): readonly number[] {
    return this.overflowed === undefined ? this.partials : [this.overflowed];
  }

  /** The exact sum rounded to nearest (ties to even), as `math.fsum` rounds it. */
  get value(): number {
    if (this.overflowed !== undefined) return this.overflowed;
    const p = this.partials;
    let n = p.length;
    if (n === 0) return 0;
    let high = p[--n]!;
    let low = 0;
    while (n > 0) {
      const x = high;
      const y = p[--n]!;
      high = x + y;
      const yr = high - x;
      low = y - yr;
      if (low !== 0) break;
    }
    // Half-way cases: make the rounding of the remaining partials explicit, as fsum does.
    if (n > 0 && ((low < 0 && p[n - 1]! < 0) || (low > 0 && p[n - 1]! > 0))) {
      const y = low * 2;
      const x = high + y;
      if (y === x - high) high = x;
    }
    return high;
  }
}
