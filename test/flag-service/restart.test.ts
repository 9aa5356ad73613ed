/** `npm start`, stop, start again: every flag, token, audit entry and count is still there. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../shared/model/audit';
import type { Flag } from '../../shared/model/flag';
import { javaAlive, npmStart } from '../support/npm-start';

const stateDir = mkdtempSync(join(tmpdir(), 'omnilab-restart-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

describe('restarting the local platform', () => {
  it('loses nothing, and Ctrl-C stops Java too', async () => {
    const first = await npmStart([], { OMNILAB_STATE_DIR: stateDir });
    const call = (method: string, path: string, token: string, body?: unknown) =>
      fetch(`${first.url}${path}`, {
        method,
        headers: { authorization: token, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    let created: { secret: string };
    try {
      expect(
        (await call('POST', '/api/admin/flags', first.tokens.admin, { name: 'kept', squad: 'payments' }))
          .status,
      ).toBe(201);
      expect(
        (
          await call(
            'PUT',
            '/api/admin/flags/kept/environments/development/channels/mobile',
            first.tokens.admin,
            { version: 1, enabled: true },
          )
        ).status,
      ).toBe(200);
      const tokenRes = await call('POST', '/api/admin/tokens', first.tokens.admin, {
        name: 'web',
        kind: 'client',
        environment: 'development',
      });
      created = await tokenRes.json();
      const metrics = await call('POST', '/api/client/metrics', first.tokens.client, {
        appName: 'app',
        channel: 'web',
        bucket: { toggles: { kept: { yes: 4, no: 1, variants: {} } } },
      });
      expect(metrics.status).toBe(202);
    } finally {
      await first.stop();
    }
    expect(javaAlive(first.dynamodbPort)).toBe(false);

    // The same local tokens are printed again: they are kept under the state directory.
    const second = await npmStart([], { OMNILAB_STATE_DIR: stateDir });
    try {
      expect(second.tokens).toEqual(first.tokens);
      const get = (path: string, token: string) =>
        fetch(`${second.url}${path}`, { headers: { authorization: token } });
      const flag: Flag = await (await get('/api/admin/flags/kept', second.tokens.admin)).json();
      expect(flag.version).toBe(2);
      expect(flag.environments.development.channels.mobile).toBe(true);
      const audit: { entries: AuditEntry[] } = await (
        await get('/api/admin/flags/kept/audit', second.tokens.admin)
      ).json();
      expect(audit.entries.map((e) => e.action)).toEqual(['flag.channel-on', 'flag.created']);
      expect((await get('/api/client/features', created!.secret)).status).toBe(200);
      const { metrics } = await (await get('/api/admin/flags/kept/metrics', second.tokens.admin)).json();
      expect(metrics).toContainEqual(
        expect.objectContaining({ appName: 'app', channel: 'web', yes: 4, no: 1 }),
      );
    } finally {
      await second.stop();
    }
    expect(javaAlive(second.dynamodbPort)).toBe(false);
  }, 120_000);
});
