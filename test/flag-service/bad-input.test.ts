/**
 * Bad input to the admin and client APIs gets a 400 (413 when oversized) naming the field and
 * writes nothing: malformed JSON, wrong types, unknown operators and fields, over-long path
 * parameters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flag } from '../../shared/model/flag';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
let flag: Flag;

beforeAll(async () => {
  p = await startTestPlatform();
  const created = await p.call('POST', '/api/admin/flags', {
    token: p.tokens.admin,
    body: { name: 'atm-qr', squad: 'payments' },
  });
  expect(created.status).toBe(201);
  // As the admin API reads it back (with its derived lifecycle), the state every refusal must keep.
  flag = await bodyOf<Flag>(await p.call('GET', '/api/admin/flags/atm-qr', { token: p.tokens.admin }));
});
afterAll(() => p.close());

async function expect400(res: Response, field: string | RegExp) {
  expect(res.status).toBe(400);
  const body = await bodyOf<{ code: string; message: string; field: string }>(res);
  expect(body.code).toBe('BAD_REQUEST');
  if (typeof field === 'string') expect(body.field).toBe(field);
  else expect(body.field).toMatch(field);
  expect(body.message).toContain(body.field);
  return body;
}

async function unchanged() {
  const now = await bodyOf<Flag>(await p.call('GET', '/api/admin/flags/atm-qr', { token: p.tokens.admin }));
  expect(now).toEqual(flag);
  const audit = await bodyOf<{ entries: unknown[] }>(
    await p.call('GET', '/api/admin/flags/atm-qr/audit', { token: p.tokens.admin }),
  );
  expect(audit.entries).toHaveLength(1);
}

describe('bad input gets a 400 naming the field, and writes nothing', () => {
  it('malformed JSON', async () => {
    const res = await p.call('PUT', '/api/admin/flags/atm-qr', {
      token: p.tokens.admin,
      body: '{"version": 1,',
    });
    const body = await expect400(res, 'body');
    expect(body.message).toMatch(/JSON/);
    await unchanged();
  });

  it('wrong types', async () => {
    await expect400(
      await p.call('PUT', '/api/admin/flags/atm-qr', { token: p.tokens.admin, body: { version: '1' } }),
      'version',
    );
    await expect400(
      await p.call('PUT', '/api/admin/flags/atm-qr/environments/development/channels/mobile', {
        token: p.tokens.admin,
        body: { version: 1, enabled: 'yes' },
      }),
      'enabled',
    );
    await unchanged();
  });

  it('unknown operators, deep in a strategy', async () => {
    const res = await p.call('PUT', '/api/admin/flags/atm-qr/environments/development', {
      token: p.tokens.admin,
      body: {
        version: 1,
        strategies: [
          {
            name: 'default',
            constraints: [
              { contextName: 'x', operator: 'IN', values: [] },
              { contextName: 'x', operator: 'LIKE', value: 'a' },
            ],
          },
        ],
      },
    });
    await expect400(res, 'strategies[0].constraints[1].operator');
    await unchanged();
  });

  it('unknown fields where the schema is closed', async () => {
    await expect400(
      await p.call('PUT', '/api/admin/flags/atm-qr', {
        token: p.tokens.admin,
        body: { version: 1, colour: 'red' },
      }),
      'colour',
    );
    await expect400(
      await p.call('PUT', '/api/admin/flags/atm-qr/environments/development', {
        token: p.tokens.admin,
        body: { version: 1, strategies: [{ name: 'default', parameters: {}, extra: 1 }] },
      }),
      'strategies[0].extra',
    );
    await unchanged();
  });

  it('channels that are not configured, and unknown strategies', async () => {
    await expect400(
      await p.call('PUT', '/api/admin/flags/atm-qr/environments/development/channels/fax', {
        token: p.tokens.admin,
        body: { version: 1, enabled: true },
      }),
      'channels.fax',
    );
    await expect400(
      await p.call('PUT', '/api/admin/flags/atm-qr/environments/development', {
        token: p.tokens.admin,
        body: { version: 1, strategies: [{ name: 'magic' }] },
      }),
      'strategies[0].name',
    );
    await unchanged();
  });

  it('a missing body, and bad names', async () => {
    await expect400(await p.call('POST', '/api/admin/flags', { token: p.tokens.admin }), 'name');
    await expect400(
      await p.call('POST', '/api/admin/flags', {
        token: p.tokens.admin,
        body: { name: 'has space', squad: 'payments' },
      }),
      'name',
    );
    await expect400(
      await p.call('POST', '/api/admin/environments', {
        token: p.tokens.admin,
        body: { name: 'UPPER', type: 'development' },
      }),
      'name',
    );
  });

  it('oversized bodies: 413, nothing written', async () => {
    const description = 'x'.repeat(300 * 1024);
    const res = await p.call('PUT', '/api/admin/flags/atm-qr', {
      token: p.tokens.admin,
      body: { version: 1, description },
    });
    expect(res.status).toBe(413);
    expect((await bodyOf(res)).code).toBe('PAYLOAD_TOO_LARGE');
    const huge = await p.call('POST', '/api/admin/environments/development/import', {
      token: p.tokens.admin,
      body: 'x'.repeat(7 * 1024 * 1024),
    });
    expect(huge.status).toBe(413);
    await unchanged();
  });

  it('bad input to the client APIs is a 400, never a 500', async () => {
    await expect400(
      await p.call('POST', '/api/client/metrics', {
        token: p.tokens.client,
        body: { appName: 'x', bucket: { toggles: { a: { yes: -1, no: 0 } } } },
      }),
      'bucket.toggles.a.yes',
    );
    await expect400(
      await p.call('POST', '/api/client/register', { token: p.tokens.client, body: '[' }),
      'body',
    );
    await expect400(
      await p.call('POST', '/ofrep/v1/evaluate/flags', { token: p.tokens.client, body: { context: 'me' } }),
      'context',
    );
    await expect400(
      await p.call('POST', '/api/frontend', {
        token: p.tokens.frontend,
        body: { context: { properties: { a: {} } } },
      }),
      /^context\.properties\.a/,
    );
    expect((await p.call('GET', '/api/admin/segments/abc', { token: p.tokens.admin })).status).toBe(400);
    expect(
      (await p.call('GET', '/api/admin/flags/atm-qr/audit?limit=0', { token: p.tokens.admin })).status,
    ).toBe(400);
    expect((await p.call('GET', '/api/admin/flags/%E0%A4%A', { token: p.tokens.admin })).status).toBe(400);
  });

  it('path parameters too long to be keys: a 400 naming them, not a database error', async () => {
    const long = 'x'.repeat(4000);
    await expect400(await p.call('GET', `/api/admin/flags/${long}`, { token: p.tokens.admin }), 'name');
    await expect400(await p.call('GET', `/api/admin/experiments/${long}`, { token: p.tokens.admin }), 'key');
    await expect400(
      await p.call('GET', `/api/admin/environments/${long}/audit`, { token: p.tokens.admin }),
      'env',
    );
  });
});
