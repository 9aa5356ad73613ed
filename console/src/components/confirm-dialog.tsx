/**
 * Production changes and the kill switch are confirmed in a modal `<dialog>`: the browser traps
 * focus, Escape cancels, and focus returns to the control that asked. A change that would be held
 * for approval may offer break-glass: declared an emergency, with its reason, it applies at once
 * and waits for a second person's review.
 */

import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Translate } from '../i18n';

export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel: string;
  danger?: boolean;
  /** Offer to apply at once as a declared emergency (header `omnilab-emergency`). */
  offerEmergency?: boolean;
}

export interface Decision {
  ok: boolean;
  /** The emergency's reason, when the person declared one. */
  emergency?: string;
}

interface Pending extends ConfirmRequest {
  resolve(decision: Decision): void;
}

function ConfirmDialog({ request, t, done }: { request: Pending; t: Translate; done(d: Decision): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const confirmed = useRef(false);
  const [emergency, setEmergency] = useState(false);
  const [reason, setReason] = useState('');
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  const blank = emergency && reason.trim() === '';
  return (
    <dialog
      ref={ref}
      class="dialog"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-message"
      onClose={() =>
        done(
          confirmed.current
            ? { ok: true, ...(emergency ? { emergency: reason.trim() } : {}) }
            : { ok: false },
        )
      }
    >
      <form method="dialog">
        <h2 id="confirm-title">{request.title}</h2>
        <p id="confirm-message">{request.message}</p>
        {request.offerEmergency && (
          <div class="emergency">
            <label class="check">
              <input
                type="checkbox"
                checked={emergency}
                onChange={(e) => setEmergency(e.currentTarget.checked)}
              />
              {t('emergency.declare')}
            </label>
            {emergency && <p class="emergency-instead">{t('emergency.instead')}</p>}
            {emergency && (
              <label class="field">
                <span class="field-label">{t('emergency.reason')}</span>
                <textarea
                  rows={2}
                  maxLength={500}
                  value={reason}
                  required
                  onInput={(e) => setReason(e.currentTarget.value)}
                />
                <span class="field-help muted">{t('emergency.help')}</span>
              </label>
            )}
          </div>
        )}
        <div class="dialog-actions">
          <button type="submit" class="button" value="cancel" autofocus>
            {t('common.cancel')}
          </button>
          <button
            type="submit"
            class={`button ${request.danger || emergency ? 'button-danger' : 'button-primary'}`}
            value="confirm"
            disabled={blank}
            onClick={() => {
              confirmed.current = true;
            }}
          >
            {emergency ? t('emergency.apply') : request.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}

export function useDecision(
  t: Translate,
): [JSX.Element | null, (request: ConfirmRequest) => Promise<Decision>] {
  const [pending, setPending] = useState<Pending | null>(null);
  const ask = (request: ConfirmRequest) =>
    new Promise<Decision>((resolve) => setPending({ ...request, resolve }));
  const element = pending ? (
    <ConfirmDialog
      request={pending}
      t={t}
      done={(d) => {
        setPending(null);
        pending.resolve(d);
      }}
    />
  ) : null;
  return [element, ask];
}

export function useConfirm(
  t: Translate,
): [JSX.Element | null, (request: ConfirmRequest) => Promise<boolean>] {
  const [element, decide] = useDecision(t);
  return [element, async (request) => (await decide(request)).ok];
}
