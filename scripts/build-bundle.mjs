/**
 * Second step of `npm run build` (after `tsc`): bundles tsc's JavaScript into dist/bundle/ with esbuild, so a
 * command loads a few files instead of about 160 modules (issue 11: start-up is a serial cost of every run;
 * `node bench/startup.mjs` and `node bench/compute-e2e.mjs` measure it).
 *
 * - Entries: the CLI (dist/bundle/slokit.js), the package root (dist/bundle/index.js, what `import 'slokit'`
 *   gives, also to plugins through the resolve hook: the very instance the CLI's engine runs), and the two
 *   files Node loads by URL (the plugin resolve hook, the classify worker). Shared code is split into chunks
 *   next to them, so dist/bundle/ sits at the depth of tsc's folders and `new URL('../ui/', import.meta.url)`
 *   still finds dist/ui.
 * - Only the packages on every command's path are bundled (zod, commander, p-limit, the PromQL parser);
 *   the others stay external: native (better-sqlite3), loading files of their own by path (jq-wasm, tsx,
 *   pino's workers), or only loaded by some commands.
 * - dist/cli/main.js, the `bin`, becomes a one-line module importing the bundled CLI.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const STUB = "#!/usr/bin/env node\n// The CLI, bundled by scripts/build-bundle.mjs.\nimport '../bundle/slokit.js';\n";
if (readFileSync(join(dist, 'cli', 'main.js'), 'utf8') === STUB) {
  console.error('build-bundle: dist/cli/main.js is already the bundle stub; run tsc first (npm run build)');
  process.exit(1);
}
const BUNDLED = /^(zod|commander|p-limit|yocto-queue|@lezer\/[^/]+|@prometheus-io\/lezer-promql)(\/|$)/;

rmSync(join(dist, 'bundle'), { recursive: true, force: true }); // chunks of earlier builds
await build({
  entryPoints: {
    slokit: join(dist, 'cli', 'main.js'),
    index: join(dist, 'index.js'),
    'resolve-hook': join(dist, 'plugins', 'resolve-hook.js'),
    'classify-worker': join(dist, 'events', 'classify-worker.js'),
  },
  outdir: join(dist, 'bundle'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // commander is CommonJS: its require() calls of Node built-ins need a real `require` in the ES output.
  banner: { js: "import { createRequire as __slokitCreateRequire } from 'node:module';\nconst require = __slokitCreateRequire(import.meta.url);" },
  plugins: [
    {
      name: 'external-packages',
      setup(b) {
        // Bare specifiers not in BUNDLED are left to Node's resolution at run time.
        b.onResolve({ filter: /^[^./]/ }, (args) =>
          BUNDLED.test(args.path) || args.path.startsWith('node:') ? undefined : { external: true },
        );
      },
    },
  ],
});

writeFileSync(join(dist, 'cli', 'main.js'), STUB);
