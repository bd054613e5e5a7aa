/**
 * Lookup of user-chosen keys (backend, exporter and policy names) in config records. `record[key]` would
 * find `Object.prototype` members for keys such as `constructor` or `toString`.
 */
export function lookup<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
