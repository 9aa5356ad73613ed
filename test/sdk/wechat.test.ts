/**
 * The WeChat mini program adapters from the built bundle, on a fake `wx`: wx.request with ETag, wx
 * storage when offline, and a missing wx reported through onError.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSdk } from '../../sdk/build';
import type * as Sdk from '../../sdk/src';
import type * as Wechat from '../../sdk/src/wechat';
import { FlagServer, sampleDocument, sleep, until } from './flag-server';

/**
 * A stand-in for the mini program's `wx` with WeChat's semantics: callbacks instead of promises,
 * `statusCode`, response headers in the server's case, `data` as text unless dataType is 'json',
 * `fail({ errMsg })` on a network error, and '' from getStorageSync for a missing key. Requests
 * really go over HTTP.
 */
function fakeWx() {
  const storage = new Map<string, unknown>();
  const calls: { url: string; method?: string; dataType?: string }[] = [];
  const state = { offline: false };
  const wx: Wechat.WxLike = {
    request(o) {
      calls.push({ url: o.url, method: o.method, dataType: o.dataType });
      if (state.offline) {
        setTimeout(() => o.fail?.({ errMsg: 'request:fail net::ERR_INTERNET_DISCONNECTED' }), 1);
        return { abort: () => undefined };
      }
      fetch(o.url, { method: o.method, headers: o.header, body: o.data }).then(
        async (res) => {
          const text = await res.text();
          const header: Record<string, string> = {};
          res.headers.forEach((v, k) => {
            header[k === 'etag' ? 'ETag' : k === 'retry-after' ? 'Retry-After' : k] = v;
          });
          o.success?.({
            statusCode: res.status,
            header,
            data: o.dataType === 'json' ? JSON.parse(text) : text,
          });
        },
        (e: Error) => o.fail?.({ errMsg: `request:fail ${e.message}` }),
      );
      return { abort: () => undefined };
    },
    getStorageSync: (key) => (storage.has(key) ? storage.get(key) : ''),
    setStorageSync: (key, value) => {
      storage.set(key, value);
    },
    removeStorageSync: (key) => {
      storage.delete(key);
    },
  };
  return { wx, storage, calls, state };
}

describe('the WeChat mini program adapters, from the built bundle', () => {
  let sdk: typeof Sdk;
  let wechat: typeof Wechat;
  let server: FlagServer;

  beforeAll(async () => {
    const { outdir } = await buildSdk(join(process.cwd(), 'test-artifacts', 'sdk-wechat-dist'));
    sdk = await import(pathToFileURL(join(outdir, 'index.js')).href);
    wechat = await import(pathToFileURL(join(outdir, 'wechat.js')).href);
    server = await new FlagServer(sampleDocument()).start();
  });

  afterAll(async () => {
    await server.stop();
  });

  it('fetches flags with wx.request, revalidates with the ETag and stores with wx.setStorageSync', async () => {
    const { wx, storage, calls } = fakeWx();
    const errors: Sdk.SdkError[] = [];
    const client = sdk.createClient({
      url: server.url,
      clientKey: 'client-key',
      appName: 'mini-program',
      channel: 'wechat',
      fetch: wechat.wxFetch(wx),
      storage: wechat.wxStorage(wx),
      refreshIntervalMs: 50,
      onError: (e) => errors.push(e),
    });
    await client.ready();
    expect(client.isEnabled('new-checkout', { userId: 'c1' })).toBe(false);
    expect(client.isEnabled('new-checkout', { userId: 'c1', channel: 'web' })).toBe(true);
    expect(calls[0]).toMatchObject({ method: 'GET', dataType: 'text' });
    await until(() => server.requestsTo('/api/client/features').some((r) => r.status === 304), 'a 304');
    expect(typeof storage.get('omnilab:default:mini-program:config')).toBe('string');

    client.getVariant('transfer-button', { userId: 'c1' });
    client.track('mini_program_opened', 1, { userId: 'c1' });
    await client.flush();
    client.close();
    const mine = [...server.accepted.values()].filter((e) => e.appName === 'mini-program');
    expect(mine.map((e) => [e.type, e.channel])).toEqual([
      ['exposure', 'wechat'],
      ['metric', 'wechat'],
    ]);
    expect(errors).toEqual([]);
  });

  it('serves from wx storage when the network fails, and keeps events there', async () => {
    const { wx, storage, state } = fakeWx();
    const online = sdk.createClient({
      url: server.url,
      clientKey: 'client-key',
      appName: 'mini-program-2',
      channel: 'wechat',
      fetch: wechat.wxFetch(wx),
      storage: wechat.wxStorage(wx),
      refreshIntervalMs: 0,
    });
    await online.ready();
    online.close();
    state.offline = true;

    const errors: Sdk.SdkError[] = [];
    const offline = sdk.createClient({
      url: server.url,
      clientKey: 'client-key',
      appName: 'mini-program-2',
      channel: 'wechat',
      fetch: wechat.wxFetch(wx),
      storage: wechat.wxStorage(wx),
      refreshIntervalMs: 0,
      onError: (e) => errors.push(e),
    });
    await offline.ready();
    expect(offline.isEnabled('new-checkout', { userId: 'c2', channel: 'mobile' })).toBe(true);
    expect(errors[0]).toMatchObject({ code: 'FETCH_FAILED' });
    expect(errors[0].message).toContain('request:fail');
    offline.track('tap', 1, { userId: 'c2' });
    await offline.flush();
    offline.close();
    await sleep(10);
    expect(JSON.parse(storage.get('omnilab:default:mini-program-2:events') as string)).toHaveLength(1);
  });

  it('reports a missing wx through onError instead of throwing', async () => {
    const errors: Sdk.SdkError[] = [];
    const client = sdk.createClient({
      url: server.url,
      appName: 'no-wx',
      fetch: wechat.wxFetch(),
      storage: wechat.wxStorage(),
      refreshIntervalMs: 0,
      onError: (e) => errors.push(e),
    });
    await client.ready();
    expect(client.isEnabled('new-checkout', { userId: 'c' }, true)).toBe(true);
    expect(new Set(errors.map((e) => e.code))).toEqual(new Set(['STORAGE_FAILED', 'FETCH_FAILED']));
    client.close();
  });
});
