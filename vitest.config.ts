import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Type tests of the public API (*.test-d.ts) run through tsc, with the same settings as `npm run lint`.
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: 'tsconfig.test.json' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration suites start real servers on loopback; keep parallelism modest on 2-core machines.
    maxWorkers: 2,
  },
});
