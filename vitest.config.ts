import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['contracts-mirror/**/*.test.ts', 'sim/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
