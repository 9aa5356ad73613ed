// Vitest config of the reliability suite (`npm run test:reliability`), run one file at a time.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:reliability`: faults, hostile input, rights and the load soak, one file at a time
 * so that the soak's latency windows measure the platform, not the other files.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/reliability/**/*.test.ts', 'test/reliability/**/*.soak.ts'],
    globalSetup: ['test/setup/dynamodb.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 180_000,
  },
});
