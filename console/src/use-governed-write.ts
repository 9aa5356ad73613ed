/**
 * Every console write goes through here: it says what actually happened, from the API's answer
 * rather than from what was asked. 200/201 applied now; 202 held as a change request (the pending
 * markers refresh); with an emergency declared, applied now and left for review. A refusal is
 * reported with the field the API names.
 */
import { ApiError } from './api';
import { useApp } from './app-context';
import type { ChangeRequest } from './change-view';
import { EMERGENCY_HEADER } from './emergency';

export type WriteOutcome<T> =
  | { kind: 'applied'; body: T; status: number }
  | { kind: 'held'; changeRequest: ChangeRequest }
  | { kind: 'refused'; error: ApiError | Error };

export interface WriteOptions {
  /** What the notices name: the flag, segment, metric or experiment. */
  what: string;
  /** The notice when it applied now; none when omitted. */
  applied?: string;
  emergency?: string;
  /** Report a refusal as a notice (default); editors that show it on the field pass false. */
  notifyRefusal?: boolean;
}

export function useGovernedWrite() {
  const app = useApp();
  const { t } = app;
  return async function write<T>(
    method: 'POST' | 'PUT',
    url: string,
    body: unknown,
    options: WriteOptions,
  ): Promise<WriteOutcome<T>> {
    try {
      const headers = options.emergency ? { [EMERGENCY_HEADER]: options.emergency } : undefined;
      const res = await app.api.send<T>(method, url, body, headers);
      if (res.status === 202) {
        const held = (res.body as { changeRequest?: ChangeRequest } | null)?.changeRequest;
        void app.refreshPending();
        if (held) {
          app.notify('info', t('notice.changeRequest', { name: options.what, id: held.id }));
          return { kind: 'held', changeRequest: held };
        }
        app.notify('info', t('notice.heldPlan', { name: options.what }));
        return { kind: 'applied', body: res.body, status: res.status };
      }
      if (options.emergency) {
        void app.refreshPending();
        app.notify('info', t('notice.emergency', { name: options.what }));
      } else if (options.applied) app.notify('success', options.applied);
      return { kind: 'applied', body: res.body, status: res.status };
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      if (options.notifyRefusal !== false)
        app.notify(
          'error',
          error instanceof ApiError && error.status === 409
            ? t('error.conflict', { name: options.what })
            : t('error.generic', { message: error.message }),
        );
      return { kind: 'refused', error };
    }
  };
}
