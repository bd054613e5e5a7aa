/**
 * The `yaml` package, loaded on first use. Importing it costs about 25 ms of start-up, and most runs never need
 * it: SLO files in the plain subset are read by yaml-fast.ts, and the positioned parser is only needed for
 * other texts or to point at a problem. `yaml` is a CommonJS package for Node (its `node` export), so
 * `require` loads the very instance an `import` elsewhere gets, synchronously.
 */
import { createRequire } from 'node:module';

const requireCommonJs = createRequire(import.meta.url);
let library: typeof import('yaml') | undefined;

/** The `yaml` module (the same instance as `import 'yaml'`). */
export function yamlLibrary(): typeof import('yaml') {
  library ??= requireCommonJs('yaml') as typeof import('yaml');
  return library;
}
