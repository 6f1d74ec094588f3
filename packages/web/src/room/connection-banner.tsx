/**
 * The connection as the fan should see it, where they look (above the messages): "Reconnecting" with a
 * "Retry now" button while the link is down, and a short "caught up" note once it is back.
 */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/i18n.ts';
import { session } from '../state/session.ts';

const RESUMED_SHOWN_MS = 4_000;

export function ConnectionBanner() {
  const conn = session.conn.value;
  const resumed = session.resumed.value;
  const [showResumed, setShowResumed] = useState(false);
  useEffect(() => {
    if (resumed === 0) return;
    setShowResumed(true);
    const timer = setTimeout(() => setShowResumed(false), RESUMED_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [resumed]);

  if (conn === 'reconnecting' || conn === 'offline' || conn === 'closed') {
    return (
      <div class="notice-bar warn" data-testid="conn-banner" data-state={conn} role="status">
        <span>{conn === 'offline' ? t('conn.offline') : t('conn.lost')}</span>
        <button type="button" class="small" data-testid="retry-now" onClick={() => session.retryNow()}>
          {t('conn.retryNow')}
        </button>
      </div>
    );
  }
  if (showResumed) {
    return (
      <div class="notice-bar ok" data-testid="resumed-notice" role="status">
        {t('conn.resumed')}
      </div>
    );
  }
  return null;
}
