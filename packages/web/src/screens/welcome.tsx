/** The first screen for a visitor: what Lightstick is, and sign-up first. */
import { t } from '../i18n/i18n.ts';
import { Page } from '../ui/page.tsx';

export function WelcomeScreen() {
  return (
    <Page title={t('welcome.title')} class="page welcome" testid="welcome">
      <p class="lead">{t('welcome.lead')}</p>
      <ul class="points">
        <li>{t('welcome.point1')}</li>
        <li>{t('welcome.point2')}</li>
        <li>{t('welcome.point3')}</li>
      </ul>
      <div class="actions">
        <a class="button primary" href="/signup" data-testid="welcome-signup">
          {t('welcome.signUp')}
        </a>
        <a class="button" href="/login" data-testid="welcome-login">
          {t('welcome.logIn')}
        </a>
      </div>
    </Page>
  );
}
