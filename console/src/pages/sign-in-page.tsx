/** The sign-in page: a form for an API token, which the app checks before it opens a session. */

import { useState } from 'preact/hooks';
import type { Translate } from '../i18n';

export function SignInPage(props: {
  t: Translate;
  error: string | null;
  busy: boolean;
  onSubmit(token: string): void;
}) {
  const { t } = props;
  const [token, setToken] = useState('');
  return (
    <section class="sign-in card" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{t('signIn.title')}</h1>
      <p class="muted">{t('signIn.intro')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (token.trim() !== '') props.onSubmit(token.trim());
        }}
      >
        <label class="field">
          <span class="field-label">{t('signIn.token')}</span>
          <input
            type="password"
            name="token"
            autocomplete="off"
            required
            value={token}
            aria-invalid={props.error ? true : undefined}
            aria-describedby={props.error ? 'sign-in-error' : undefined}
            onInput={(e) => setToken(e.currentTarget.value)}
          />
        </label>
        {props.error && (
          <p id="sign-in-error" class="alert alert-error" role="alert">
            {props.error}
          </p>
        )}
        <button type="submit" class="button button-primary" disabled={props.busy}>
          {t('signIn.submit')}
        </button>
      </form>
    </section>
  );
}
