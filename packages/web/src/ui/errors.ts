/** A user-facing sentence for a failure: a known code in the fan's language, else the server's message. */
import type { MessageKey } from '../i18n/en.ts';
import { en } from '../i18n/en.ts';
import { lang, t } from '../i18n/i18n.ts';

export function errorText(err: unknown): string {
  const code = err && typeof err === 'object' && 'code' in err ? String(err.code) : '';
  const key = `error.${code}` as MessageKey;
  if (code && key in en) return t(key);
  if (err && typeof err === 'object' && 'message' in err && typeof err.message === 'string' && err.message)
    return err.message;
  return t('error.generic');
}

/**
 * A refused creation of a community or a room: a creation quota says how long to wait (`rate_limited`, the
 * wait in `details.retryAfterMs`) or that no wait helps (`quota_exceeded`, the limit in `details.limit`);
 * anything else as errorText.
 */
export function creationErrorText(err: unknown, what: 'community' | 'room'): string {
  const code = err && typeof err === 'object' && 'code' in err ? String(err.code) : '';
  const details = (err && typeof err === 'object' && 'details' in err ? err.details : undefined) as
    { retryAfterMs?: unknown; limit?: unknown } | undefined;
  if (code === 'rate_limited' && typeof details?.retryAfterMs === 'number') {
    const when = inWords(details.retryAfterMs);
    return what === 'community' ? t('communities.tooSoon', { when }) : t('community.roomsTooSoon', { when });
  }
  if (code === 'quota_exceeded') {
    const limit = typeof details?.limit === 'number' ? details.limit : '';
    return what === 'community'
      ? t('communities.quotaExceeded', { limit })
      : t('community.roomQuotaExceeded', { limit });
  }
  return errorText(err);
}

/** "in 50 minutes", "50분 후", "50 分後": minutes below two hours, hours above, rounded up. */
function inWords(ms: number): string {
  const f = new Intl.RelativeTimeFormat(lang.value, { numeric: 'auto' });
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  return minutes < 120 ? f.format(minutes, 'minute') : f.format(Math.ceil(minutes / 60), 'hour');
}
