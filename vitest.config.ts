import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['contracts-mirror/**/*.test.ts', 'sim/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    // beforeAll hooks train real tfjs models; on 2 busy cores that can take well over the 10 s default.
    hookTimeout: 120_000,
  },
});
