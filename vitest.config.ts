import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/notebooks/**/*.test.ts', 'tests/figures/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One worker: tfjs-wasm is single-threaded and the machine has two cores shared with the build.
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
    reporters: ['default', 'json'],
    outputFile: { json: 'reports/unit.json' }, // read by scripts/test.mjs for the summary line
  },
});
