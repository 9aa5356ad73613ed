// Vitest config of the Unleash interop suite (`npm run test:interop`): a real Unleash server and
// proxy beside omnilab.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:interop` (not part of `npm test`): a real Unleash 8.2 (npm unleash-server on Node 22
 * from tools/node22, PostgreSQL from Debian) beside the local omnilab; see unleash-server.ts. The
 * real Unleash Proxy (npm @unleash/proxy, Node 22) with omnilab upstream: unleash-proxy.ts.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../../..', import.meta.url)),
  test: {
    include: ['test/unleash/interop/**/*.interop.ts'],
    globalSetup: ['test/setup/dynamodb.ts', 'test/unleash/interop/unleash-server.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 600_000,
  },
});
