/**
 * The SDK's wrapper around the caller's storage: JSON in and out, every failure reported to onError
 * instead of thrown.
 */
import type { SdkError, StorageLike } from './types';

/**
 * Storage that never throws and is always awaited: localStorage throws on a full quota or in
 * some private modes, AsyncStorage rejects, wx.getStorageSync throws on a corrupt entry.
 */
export class SafeStorage {
  constructor(
    private readonly storage_: StorageLike | undefined,
    private readonly report_: (error: SdkError) => void,
  ) {}

  get available_(): boolean {
    return this.storage_ !== undefined;
  }

  async read<T>(key: string): Promise<T | undefined> {
    if (!this.storage_) return undefined;
    try {
      const text = await this.storage_.getItem(key);
      if (typeof text !== 'string' || text === '') return undefined;
      return JSON.parse(text) as T;
    } catch (cause) {
      this.report_({ code: 'STORAGE_FAILED', message: `could not read ${key}`, cause });
      return undefined;
    }
  }

  async write(key: string, value: unknown): Promise<void> {
    if (!this.storage_) return;
    try {
      await this.storage_.setItem(key, JSON.stringify(value));
    } catch (cause) {
      this.report_({ code: 'STORAGE_FAILED', message: `could not write ${key}`, cause });
    }
  }
}
