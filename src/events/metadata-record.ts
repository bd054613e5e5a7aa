/**
 * Event metadata records (name → value) that inherit nothing, so that a name such as `constructor` or
 * `toString` reads as data or as absent, never as an Object member.
 *
 * Why not `Object.create(null)`: V8 keeps such objects as hash tables, and reading or enumerating their
 * fields costs several times more per event than for an object in fast mode. An object whose prototype is an
 * empty, frozen, prototype-free object inherits nothing just the same and stays in fast mode (records of
 * lines with the same groups share one hidden class).
 */
const METADATA_PROTOTYPE: object = Object.freeze(Object.create(null));

/** A new empty metadata record. */
export function metadataRecord(): Record<string, string> {
  return Object.create(METADATA_PROTOTYPE);
}

/** True when `record` inherits nothing: a `metadataRecord()` or an `Object.create(null)` object. */
export function inheritsNothing(record: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(record);
  return prototype === null || prototype === METADATA_PROTOTYPE;
}
