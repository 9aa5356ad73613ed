/**
 * `memoryStorage`: SDK storage in a Map, for processes without persistent storage, and the model of a
 * storage adapter.
 */
import type { StorageLike } from './types';

/** Storage for a process that has none (Node servers, tests); also shows what an adapter must do. */
export function memoryStorage(
  initial?: Record<string, string>,
): StorageLike & { readonly data: Map<string, string> } {
  const data = new Map(Object.entries(initial ?? {}));
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => {
      data.set(key, value);
    },
    removeItem: (key) => {
      data.delete(key);
    },
  };
}
