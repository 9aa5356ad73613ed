/**
 * A new user, from the README alone: `npm start`, the README's curl lines exactly as written (only
 * the port differs, so a running instance is not disturbed), and an unmodified Unleash SDK
 * configured as the README shows, which sees the change within its refresh interval.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateToken } from '../../functions/services/tokens';
import { javaAlive, npmStart, type RunningPlatform } from '../support/npm-start';

const readme = readFileSync('README.md', 'utf8');
const section = readme.slice(
  readme.indexOf('### Toggle a flag for the mobile channel'),
  readme.indexOf('### Point an Unleash SDK'),
);
const curlLines = section.split('\n').filter((l) => l.startsWith('curl '));
const adminToken = generateToken('admin', 'platform-admin');
const clientToken = generateToken('client', 'development');

let platform: RunningPlatform;
beforeAll(async () => {
  // The README's `npm ci && npm start`, in memory so the test leaves nothing behind.
  expect(readme).toContain('npm ci && npm start');
  platform = await npmStart(['--in-memory'], {
    OMNILAB_ADMIN_TOKEN: adminToken,
    OMNILAB_CLIENT_TOKEN: clientToken,
  });
}, 90_000);
afterAll(async () => {
  await platform?.stop();
  expect(javaAlive(platform.dynamodbPort)).toBe(false);
});

describe('the README', () => {
  it('shows a create and a mobile-channel toggle with curl', () => {
    expect(curlLines).toHaveLength(2);
    expect(curlLines[1]).toContain('/environments/development/channels/mobile');
  });

  it('toggles a flag for mobile with its curl lines, and an unmodified Unleash SDK sees it within its refresh interval', async () => {
    expect(platform.tokens.admin).toBe(adminToken);
    const refreshInterval = 1000;
    const unleash = new Unleash({
      url: `http://localhost:${platform.port}/api/`,
      appName: 'mobile-banking',
      customHeaders: { Authorization: clientToken },
      refreshInterval,
      disableMetrics: true,
      storageProvider: new InMemStorageProvider(),
    });
    try {
      await new Promise<void>((resolve) => unleash.once('synchronized', () => resolve()));
      const ctx = { userId: 'customer-42', channel: 'mobile' };
      expect(unleash.isEnabled('new-onboarding', ctx)).toBe(false);
      for (const line of curlLines) {
        const out = execFileSync(
          'sh',
          ['-c', line.replaceAll('localhost:4242', `localhost:${platform.port}`)],
          {
            env: { ...process.env, OMNILAB_ADMIN_TOKEN: adminToken },
            encoding: 'utf8',
          },
        );
        expect(JSON.parse(out).name).toBe('new-onboarding');
      }
      const toggledAt = Date.now();
      await vi.waitFor(() => expect(unleash.isEnabled('new-onboarding', ctx)).toBe(true), {
        timeout: refreshInterval * 3,
        interval: 20,
      });
      expect(Date.now() - toggledAt).toBeLessThan(refreshInterval + 1000);
      expect(unleash.isEnabled('new-onboarding', { userId: 'customer-42', channel: 'web' })).toBe(false);
    } finally {
      unleash.destroy();
    }
  });
});
