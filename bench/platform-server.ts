/** The child half of startPlatformProcess: serves the platform and answers memory probes over IPC. */
import { type PlatformOptions, startPlatform } from './local-platform';

const options = JSON.parse(process.env.OMNILAB_PLATFORM_OPTIONS ?? '{}') as PlatformOptions;

startPlatform(options).then(
  (platform) => {
    process.on('message', (m) => {
      if (m !== 'memory') return;
      const { rss, heapUsed } = process.memoryUsage();
      process.send?.({ memory: { rss, heapUsed } });
    });
    process.once('disconnect', () => process.exit(0));
    process.once('SIGTERM', () => {
      platform.close().finally(() => process.exit(0));
    });
    process.send?.({ ready: { url: platform.url, tokens: platform.tokens } });
  },
  (e: Error) => {
    process.send?.({ error: e.stack ?? e.message });
    process.exit(1);
  },
);
