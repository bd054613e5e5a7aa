/**
 * The series of one SLO event counter family, laid out for the `/metrics` hot path: each series (a label set
 * without `result`) has a slot; its label text is rendered and escaped once, when the series is created, as
 * the text before and after the `result` value; its two values (result `fail` and `success`) sit side by
 * side in one growable `Float64Array`. A scrape is string concatenation of stored text and formatted values.
 * Pure: no I/O.
 */
import { type ExpositionError, formatValue } from '../lang/prometheus-text.js';

/** Which value of a series: `FAIL` for result `fail`, `SUCCESS` for result `success`. */
export const FAIL = 0;
export const SUCCESS = 1;

/** The values of a table at one moment, for rendering later (slots below `size` never change text). */
export interface TableSnapshot {
  size: number;
  /** `fail`, `success` of slot 0, then of slot 1, and so on. */
  values: Float64Array;
  /** The first label set that cannot be written, when its slot is below `size`. */
  error: ExpositionError | undefined;
}

/** Series of one family, in creation order; see the module comment. */
export class CounterTable {
  /** Label text up to the `result` value, e.g. `{event_key="k",result="`. */
  readonly #heads: string[] = [];
  /** Label text after the `result` value and the space before the sample value, e.g. `",slo_app="a"} `. */
  readonly #tails: string[] = [];
  /** Per slot `fail` at 2 x slot, `success` at 2 x slot + 1; grows by doubling. */
  values = new Float64Array(64);
  #error: { slot: number; error: ExpositionError } | undefined;

  /** Number of series. */
  get size(): number {
    return this.#heads.length;
  }

  /**
   * Adds a series (both values 0) whose label text is `head + result + tail` (`tail` ends with `} `, as
   * `formatLabelsAround` renders it plus a space), or, when its labels cannot be written, `error`, thrown by
   * every render that includes the series. Returns its slot.
   */
  create(head: string, tail: string, error?: ExpositionError): number {
    const slot = this.#heads.length;
    this.#heads.push(head);
    this.#tails.push(tail);
    if (error && !this.#error) this.#error = { slot, error };
    if (2 * slot + 2 > this.values.length) {
      const grown = new Float64Array(2 * this.values.length);
      grown.set(this.values);
      this.values = grown;
    }
    return slot;
  }

  /** The current values, copied (a few hundred microseconds for 100,000 series). */
  snapshot(): TableSnapshot {
    const size = this.size;
    const error = this.#error && this.#error.slot < size ? this.#error.error : undefined;
    return { size, values: this.values.slice(0, 2 * size), error };
  }

  /**
   * The sample lines of `snapshot`: per series, its `fail` line then its `success` line, each
   * `<sampleName>{labels} value\n`. Throws the snapshot's `ExpositionError`, if it has one.
   */
  render(snapshot: TableSnapshot, sampleName: string): string {
    if (snapshot.error) throw snapshot.error;
    const { size, values } = snapshot;
    const heads = this.#heads;
    const tails = this.#tails;
    let out = '';
    for (let slot = 0; slot < size; slot++) {
      const head = sampleName + heads[slot]!;
      const tail = tails[slot]!;
      out += `${head}fail${tail}${formatValue(values[2 * slot]!)}\n${head}success${tail}${formatValue(values[2 * slot + 1]!)}\n`;
    }
    return out;
  }
}
