/**
 * Sign up (/signup) and log in (/login): separate screens, so the log-in form never shows the display-name
 * field. After either, the fan goes to `next` (the page they opened while signed out) or home.
 */
import { AccountLimits } from '@lightstick/protocol';
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { safeNext } from '../state/nav.ts';
import { t } from '../i18n/i18n.ts';
import { session } from '../state/session.ts';
import { errorText } from '../ui/errors.ts';
import { Page } from '../ui/page.tsx';

export function AuthScreen({ mode }: { mode: 'login' | 'register' }) {
  const { query, route } = useLocation();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const register = mode === 'register';
  const next = safeNext(query.next);
  const nextQs = query.next ? `?next=${encodeURIComponent(next)}` : '';

  if (session.user.value) {
    queueMicrotask(() => route(next, true));
    return null;
  }

  const submit = (ev: Event) => {
    ev.preventDefault();
    const data = new FormData(ev.currentTarget as HTMLFormElement);
    const username = String(data.get('username') ?? '').trim();
    const password = String(data.get('password') ?? '');
    const displayName = String(data.get('displayName') ?? '').trim();
    setBusy(true);
    setError('');
    session
      .signIn(mode, { username, password, ...(register && displayName ? { displayName } : {}) })
      .then(() => route(next, true))
      .catch((err: unknown) => {
        setError(errorText(err));
        setBusy(false);
      });
  };

  const title = register ? t('auth.registerTitle') : t('auth.loginTitle');
  return (
    <Page title={title} class="page center">
      <form class="card auth" data-testid="auth-form" data-mode={mode} onSubmit={submit}>
        {query.next ? <p class="muted">{t('auth.continueTo')}</p> : null}
        <label class="field">
          {t('auth.username')}
          <input
            name="username"
            data-testid="username"
            required
            autocomplete="username"
            autocapitalize="none"
            minLength={AccountLimits.usernameMinChars}
            maxLength={AccountLimits.usernameMaxChars}
            aria-describedby={register ? 'username-hint' : undefined}
          />
          {register ? (
            <small id="username-hint" class="muted">
              {t('auth.usernameHint', {
                min: AccountLimits.usernameMinChars,
                max: AccountLimits.usernameMaxChars,
              })}
            </small>
          ) : null}
        </label>
        <label class="field">
          {t('auth.password')}
          <input
            name="password"
            type="password"
            data-testid="password"
            required
            autocomplete={register ? 'new-password' : 'current-password'}
            minLength={AccountLimits.passwordMinChars}
            aria-describedby={register ? 'password-hint' : undefined}
          />
          {register ? (
            <small id="password-hint" class="muted">
              {t('auth.passwordHint', { n: AccountLimits.passwordMinChars })}
            </small>
          ) : null}
        </label>
        {register ? (
          <label class="field">
            {t('auth.displayName')}
            <input
              name="displayName"
              data-testid="display-name"
              maxLength={AccountLimits.displayNameMaxChars}
              autocomplete="nickname"
            />
          </label>
        ) : null}
        <p class="error" role="alert" data-testid="auth-error">
          {error}
        </p>
        <button type="submit" class="primary" data-testid="submit" disabled={busy}>
          {register ? t('auth.submitRegister') : t('auth.submitLogin')}
        </button>
        <a class="link" data-testid="auth-toggle" href={`${register ? '/login' : '/signup'}${nextQs}`}>
          {register ? t('auth.toLogin') : t('auth.toRegister')}
        </a>
      </form>
    </Page>
  );
}
