/**
 * The header on every screen: brand (home), the connection state once signed in, the language and theme
 * switches, and the account. The connection pill is a status region so a change is announced politely.
 */
import { useLocation } from 'preact-iso';
import { LANG_NAMES, LANGS, lang, setLang, t, type Lang } from '../i18n/i18n.ts';
import { session } from '../state/session.ts';
import { setTheme, theme, type Theme } from './theme.ts';

export function Header() {
  const user = session.user.value;
  const { route } = useLocation();
  const conn = session.conn.value;
  return (
    <header class="topbar">
      <a class="brand" href="/">
        <span class="stick" aria-hidden="true" />
        {t('app.name')}
      </a>
      {user ? (
        <span class="conn" data-testid="connection-state" data-state={conn} role="status">
          {t(conn === 'offline' ? 'conn.closed' : `conn.${conn}`)}
        </span>
      ) : null}
      <span class="grow" />
      <label class="picker">
        <span class="sr-only">{t('nav.language')}</span>
        <select
          data-testid="lang-switch"
          value={lang.value}
          onChange={(e) => setLang((e.currentTarget as HTMLSelectElement).value as Lang)}
        >
          {LANGS.map((l) => (
            <option value={l} lang={l} key={l}>
              {LANG_NAMES[l]}
            </option>
          ))}
        </select>
      </label>
      <label class="picker">
        <span class="sr-only">{t('nav.theme')}</span>
        <select
          data-testid="theme-switch"
          value={theme.value}
          onChange={(e) => setTheme((e.currentTarget as HTMLSelectElement).value as Theme)}
        >
          {(['system', 'light', 'dark'] as const).map((th) => (
            <option value={th} key={th}>
              {t(`theme.${th}`)}
            </option>
          ))}
        </select>
      </label>
      {user ? (
        <span class="account">
          <span data-testid="me" title={t('account.signedInAs', { name: user.name })}>
            {user.displayName || user.name}
          </span>
          <button
            type="button"
            class="link"
            data-testid="sign-out"
            onClick={() => void session.signOut().then(() => route('/login'))}
          >
            {t('account.signOut')}
          </button>
        </span>
      ) : null}
    </header>
  );
}
