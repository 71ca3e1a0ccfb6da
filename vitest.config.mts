import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/contract/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/package/**/*.test.ts', 'test/model/**/*.test.ts', 'test/docs/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
