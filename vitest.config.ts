// Vitest config of `npm test`: every test/**/*.test.ts file, with DynamoDB Local started once for
// the run.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/dynamodb.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
