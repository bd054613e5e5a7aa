/**
 * Identity of a request as a string, for `KeyedOnce`: two values get the same key only when they are the
 * same JSON-like data. Object keys are sorted (key order carries no meaning in a config), and what
 * `JSON.stringify` would blur stays distinct: `NaN`, `±Infinity` and `-0` (YAML's `.nan`, `.inf`, `-0.0`),
 * `undefined` versus a missing field, `1` versus `"1"`. Values that are not plain data (a Date, a Map, a
 * class instance, a function) make the value unshareable: `undefined` is returned and the caller must not
 * share the request.
 */
export function stableKey(value: unknown): string | undefined {
  const parts: string[] = [];
  return encode(value, parts, new Set()) ? parts.join('') : undefined;
}

function encode(value: unknown, out: string[], seen: Set<object>): boolean {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return true;
    case 'number':
      out.push(Object.is(value, -0) ? 'n:-0' : `n:${String(value)}`);
      return true;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return true;
    case 'undefined':
      out.push('undefined');
      return true;
    case 'bigint':
      out.push(`b:${value}`);
      return true;
    case 'object': {
      if (value === null) {
        out.push('null');
        return true;
      }
      if (seen.has(value)) return false; // a cycle is not plain data
      const proto = Object.getPrototypeOf(value) as unknown;
      if (Array.isArray(value)) {
        seen.add(value);
        out.push('[');
        for (let i = 0; i < value.length; i++) {
          if (i) out.push(',');
          if (!encode(value[i], out, seen)) return false;
        }
        out.push(']');
        seen.delete(value);
        return true;
      }
      if (proto !== Object.prototype && proto !== null) return false;
      seen.add(value);
      out.push('{');
      const keys = Object.keys(value).sort();
      for (const [i, key] of keys.entries()) {
        if (i) out.push(',');
        out.push(JSON.stringify(key), ':');
        if (!encode((value as Record<string, unknown>)[key], out, seen)) return false;
      }
      out.push('}');
      seen.delete(value);
      return true;
    }
    default:
      return false; // functions and symbols
  }
}
