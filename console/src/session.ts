/**
 * The signed-in token lives in session storage: it is gone when the tab closes, and other tabs
 * and other sites' scripts never see it. Rights decide which actions the console shows; the API
 * still checks every call.
 */
import { type Api, ApiError, path } from './api';
import { mayWriteFor } from './rights';
import type { Flag, Principal } from './types';

const TOKEN_KEY = 'omnilab.token';

export function storedToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string | null): void {
  try {
    if (token === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Without storage the session lasts until the page reloads.
  }
}

/** The signed-in principal; a token the admin API refuses throws an ApiError (401/403). */
export async function whoAmI(api: Api): Promise<Principal> {
  return api.get<Principal>(path`/api/admin/me`);
}

export function isRejected(e: unknown): boolean {
  return e instanceof ApiError && (e.status === 401 || e.status === 403);
}

/** May change the flag: the API's ownership right (shared/rights/ownership.ts), as every flag write checks it. */
export function canChangeFlag(me: Principal, flag: Pick<Flag, 'squad'>): boolean {
  return mayWriteFor(me, flag.squad);
}
