/**
 * The one admin API client of the CLI and the console, against a local HTTP server: a 503 then a
 * 200 gives the 200's body, a 429's Retry-After is waited, the retries stop at RETRIES, a 400
 * names its field (in the console's wording and the CLI's), and the console retries reads only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, createAdminClient, RETRIES } from '../../admin-api/admin-api-client';
import { createApiClient } from '../../cli/api-client';
import { createApi } from '../../console/src/api';

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

let server: Server;
let base = '';
/** The answers still to give, in order; then 200 `{ ok: true }`. */
let script: Answer[] = [];
let seen: { method: string; url: string; authorization: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: String(req.headers.authorization),
        body,
      });
      const answer = script.shift() ?? { status: 200, body: { ok: true } };
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  script = [];
  seen = [];
});

function client() {
  const slept: number[] = [];
  const c = createAdminClient({
    baseUrl: base,
    token: 'admin:platform.abc',
    sleep: async (ms) => {
      slept.push(ms);
    },
  });
  return { c, slept };
}

const BAD_NAME = {
  status: 400,
  body: { code: 'BAD_REQUEST', message: 'name: must not be empty', field: 'name' },
};

describe('the admin API client of the CLI and the console', () => {
  it('a 503 then a 200: the 200 is what the caller gets, after one wait', async () => {
    const { c, slept } = client();
    script = [
      { status: 503, body: { code: 'UNAVAILABLE', message: 'busy' } },
      { status: 200, body: { flags: [] } },
    ];
    const res = await c.request('PUT', '/api/admin/flags/banner', { enabled: true });
    expect(await res.json()).toEqual({ flags: [] });
    expect(slept).toEqual([500]);
    // Sent twice, alike, with the token.
    expect(seen).toEqual([
      {
        method: 'PUT',
        url: '/api/admin/flags/banner',
        authorization: 'admin:platform.abc',
        body: '{"enabled":true}',
      },
      {
        method: 'PUT',
        url: '/api/admin/flags/banner',
        authorization: 'admin:platform.abc',
        body: '{"enabled":true}',
      },
    ]);
  });

  it("a 429's Retry-After seconds are waited, doubled on each further attempt", async () => {
    const { c, slept } = client();
    script = [
      { status: 429, headers: { 'retry-after': '2' } },
      { status: 429, headers: { 'retry-after': '2' } },
    ];
    expect(await (await c.request('GET', '/api/admin/flags')).json()).toEqual({ ok: true });
    expect(slept).toEqual([2000, 4000]);
  });

  it('a 503 that stays gives its error after RETRIES retries', async () => {
    const { c, slept } = client();
    script = Array.from({ length: 10 }, () => ({
      status: 503,
      body: { code: 'UNAVAILABLE', message: 'busy' },
    }));
    const error = await c.request('GET', '/api/admin/flags').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 503, code: 'UNAVAILABLE', message: 'busy' });
    expect(seen).toHaveLength(RETRIES + 1);
    expect(slept).toEqual([500, 1000, 2000, 4000, 8000]);
  });

  it('a 400 names its field: the console shows it by the field, the CLI after the request', async () => {
    script = [BAD_NAME, BAD_NAME];
    const consoleError = await createApi(base, 'admin:platform.abc')
      .send('POST', '/api/admin/segments', { name: '' })
      .catch((e: unknown) => e);
    expect(consoleError).toBeInstanceOf(ApiError);
    expect(consoleError).toMatchObject({
      status: 400,
      code: 'BAD_REQUEST',
      field: 'name',
      message: 'name: name: must not be empty',
    });
    const cliError = await createApiClient({ url: `${base}/`, token: 'admin:platform.abc' })
      .post('/api/admin/segments', { name: '' })
      .catch((e: unknown) => e);
    expect(cliError).toBeInstanceOf(ApiError);
    expect(cliError).toMatchObject({
      status: 400,
      code: 'BAD_REQUEST',
      field: 'name',
      message: 'POST /api/admin/segments: name: must not be empty',
    });
    // Nothing retried: a 400 is the caller's to fix.
    expect(seen).toHaveLength(2);
  });

  it('the console retries a read, and leaves a write to the person who clicked', async () => {
    const api = createApi(base, 'admin:platform.abc');
    script = [{ status: 503, body: { code: 'UNAVAILABLE', message: 'busy' } }];
    expect(await api.get('/api/admin/flags')).toEqual({ ok: true });
    expect(seen.map((s) => s.method)).toEqual(['GET', 'GET']);
    seen = [];
    script = [{ status: 503, body: { code: 'UNAVAILABLE', message: 'the database is busy: retry' } }];
    const error = await api.send('POST', '/api/admin/segments', { name: 's' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, message: 'the database is busy: retry' });
    expect(seen.map((s) => s.method)).toEqual(['POST']);
  });

  it('the CLI says how to fix a missing token and an API it cannot reach', async () => {
    script = [{ status: 401, body: { code: 'UNAUTHORIZED', message: 'a valid token is required' } }];
    const cli = createApiClient({ url: base, token: '' });
    await expect(cli.get('/api/admin/flags')).rejects.toThrow(
      'GET /api/admin/flags: a valid token is required (pass an admin token with --token',
    );
    const closed = createApiClient({ url: 'http://127.0.0.1:1', token: 't' });
    await expect(closed.get('/api/admin/flags')).rejects.toMatchObject({
      status: 0,
      code: 'UNREACHABLE',
      message: expect.stringContaining('is it running? Start it with `npm start`, or pass --url'),
    });
  });
});
