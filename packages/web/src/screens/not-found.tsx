/** Any path the app does not know. */
import { t } from '../i18n/i18n.ts';
import { Page } from '../ui/page.tsx';

export function NotFound() {
  return (
    <Page title={t('notFound.title')}>
      <p>{t('notFound.body')}</p>
      <a href="/">{t('nav.home')}</a>
    </Page>
  );
}
