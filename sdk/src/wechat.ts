/**
 * `@omnilab/sdk/wechat`: `wx.request` as the client's fetch and `wx` storage as its storage, for
 * WeChat mini programs.
 */
import type { FetchLike, FetchResponse, StorageLike } from './index';

/** The part of the mini program's `wx` global the adapters use. */
export interface WxLike {
  request(options: {
    url: string;
    method?: string;
    header?: Record<string, string>;
    data?: string;
    dataType?: string;
    responseType?: string;
    timeout?: number;
    success?: (res: { statusCode: number; header?: Record<string, string>; data: unknown }) => void;
    fail?: (err: { errMsg: string }) => void;
  }): { abort?: () => void } | undefined;
  getStorageSync(key: string): unknown;
  setStorageSync(key: string, value: unknown): void;
  removeStorageSync?(key: string): void;
}

/** Looked up per call, never at setup, so a missing `wx` is reported through onError instead of thrown. */
function wxGlobal(wx: WxLike | undefined): WxLike {
  const w = wx ?? (globalThis as { wx?: WxLike }).wx;
  if (!w) throw new Error('no wx: pass the mini program wx object');
  return w;
}

/** `wx.request` as the SDK's fetch. Headers are looked up case-insensitively: WeChat keeps the server's case. */
export function wxFetch(wx?: WxLike): FetchLike {
  return (url, init) =>
    new Promise<FetchResponse>((resolve, reject) => {
      const w = wxGlobal(wx);
      const task = w.request({
        url,
        method: init.method,
        header: init.headers,
        data: init.body,
        // Anything but 'json' leaves the body as text, for the SDK to parse and report on itself.
        dataType: 'text',
        responseType: 'text',
        success: (res) => {
          const header = res.header ?? {};
          const lower: Record<string, string> = {};
          for (const k in header) lower[k.toLowerCase()] = header[k];
          const body = typeof res.data === 'string' ? res.data : JSON.stringify(res.data ?? '');
          resolve({
            status: res.statusCode,
            headers: { get: (name) => lower[name.toLowerCase()] ?? null },
            text: () => Promise.resolve(body),
          });
        },
        fail: (err) => reject(new Error(err?.errMsg ?? 'wx.request failed')),
      });
      init.signal?.addEventListener?.('abort', () => task?.abort?.());
    });
}

/** `wx.getStorageSync` / `wx.setStorageSync` as SDK storage; a missing key reads as '' in WeChat. */
export function wxStorage(wx?: WxLike): StorageLike {
  return {
    getItem: (key) => {
      const v = wxGlobal(wx).getStorageSync(key);
      return typeof v === 'string' && v !== '' ? v : null;
    },
    setItem: (key, value) => wxGlobal(wx).setStorageSync(key, value),
    removeItem: (key) => wxGlobal(wx).removeStorageSync?.(key),
  };
}
