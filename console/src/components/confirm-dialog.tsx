/**
 * Production changes and the kill switch are confirmed in a modal `<dialog>`: the browser traps
 * focus, Escape cancels, and focus returns to the control that asked.
 */

import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Translate } from '../i18n';

export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel: string;
  danger?: boolean;
}

interface Pending extends ConfirmRequest {
  resolve(ok: boolean): void;
}

function ConfirmDialog({ request, t, done }: { request: Pending; t: Translate; done(ok: boolean): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const confirmed = useRef(false);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      class="dialog"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-message"
      onClose={() => done(confirmed.current)}
    >
      <form method="dialog">
        <h2 id="confirm-title">{request.title}</h2>
        <p id="confirm-message">{request.message}</p>
        <div class="dialog-actions">
          <button type="submit" class="button" value="cancel" autofocus>
            {t('common.cancel')}
          </button>
          <button
            type="submit"
            class={`button ${request.danger ? 'button-danger' : 'button-primary'}`}
            value="confirm"
            onClick={() => {
              confirmed.current = true;
            }}
          >
            {request.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}

export function useConfirm(
  t: Translate,
): [JSX.Element | null, (request: ConfirmRequest) => Promise<boolean>] {
  const [pending, setPending] = useState<Pending | null>(null);
  const ask = (request: ConfirmRequest) =>
    new Promise<boolean>((resolve) => setPending({ ...request, resolve }));
  const element = pending ? (
    <ConfirmDialog
      request={pending}
      t={t}
      done={(ok) => {
        setPending(null);
        pending.resolve(ok);
      }}
    />
  ) : null;
  return [element, ask];
}
