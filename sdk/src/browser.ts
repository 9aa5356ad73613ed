/** `@omnilab/sdk/browser`: `localStorage` as the client's storage, or none where the browser refuses it. */
import type { StorageLike } from './index';

/**
 * `window.localStorage` as SDK storage, or undefined where it is missing or refused (Safari's
 * private mode, sandboxed iframes, cookies blocked): the client then simply runs without persistence.
 */
export function localStorageAdapter(storage?: Storage): StorageLike | undefined {
  try {
    const s = storage ?? (globalThis as { localStorage?: Storage }).localStorage;
    if (!s) return undefined;
    const probe = '__omnilab_probe__';
    s.setItem(probe, '1');
    s.removeItem(probe);
    return {
      getItem: (key) => s.getItem(key),
      setItem: (key, value) => s.setItem(key, value),
      removeItem: (key) => s.removeItem(key),
    };
  } catch {
    return undefined;
  }
}
