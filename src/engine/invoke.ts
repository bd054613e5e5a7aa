/**
 * Calls a backend method by the name an SLO gives (`good_bad_ratio`), also accepting the camelCase form
 * (`goodBadRatio`) that JavaScript plugin authors write. Errors become slo-generator-style strings
 * (`"<ErrorClass>: <message on one line>"`).
 */

import type { Backend } from '../backends/types.js';
import type { SloConfig } from '../domain/types.js';

/** `good_bad_ratio` → `goodBadRatio`. */
export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Formats a thrown value as slo-generator formats exceptions in report errors. */
export function formatError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message.replace(/\s*\n\s*/g, ' ')}`;
  return `Error: ${String(error)}`;
}

/** Names of the methods an object has, own and inherited (Object.prototype's excluded). */
export function methodNames(instance: object): string[] {
  const names = new Set<string>();
  for (let proto = instance; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== 'constructor' && typeof (instance as Record<string, unknown>)[name] === 'function')
        names.add(name);
    }
  }
  return [...names];
}

/** Finds the method an SLO names on a backend; throws listing the available methods when it is missing. */
export function resolveMethod(
  backend: Backend,
  method: string,
  backendKey: string,
): (timestamp: number, window: number, slo: SloConfig) => unknown {
  const available = methodNames(backend);
  // Only the object's own methods: `toString` or `constructor` are not backend methods.
  const name = [method, camelCase(method)].find((n) => available.includes(n));
  const fn = name === undefined ? undefined : (backend as Record<string, unknown>)[name];
  if (typeof fn !== 'function') {
    throw new TypeError(
      `backend "${backendKey}" has no method "${method}" (available: ${available.join(', ') || 'none'})`,
    );
  }
  return (fn as (...args: unknown[]) => unknown).bind(backend);
}

/**
 * A plain copy of a backend result, read while the caller can still attribute a failure to the backend: a
 * pair is copied element by element (any other array keeps only its length), any other object becomes `{}` (only its kind matters to the
 * report), primitives pass. A result whose reads throw (a getter, a Proxy, a revoked Proxy) throws here.
 */
export function snapshotResult(result: unknown): unknown {
  if (typeof result !== 'object' || result === null) return result;
  if (!Array.isArray(result)) return {};
  const length = result.length;
  // Only a pair is read further; any other length is reported by its count, so its items are never touched
  // (a plugin answering with a huge array costs nothing).
  if (length !== 2) return new Array<unknown>(length);
  const copy: unknown[] = [];
  for (let i = 0; i < length; i++) {
    const item: unknown = result[i];
    copy.push(typeof item === 'object' && item !== null ? {} : item);
  }
  return copy;
}
