/**
 * Security events as structured log lines (issue 8): one `security` field naming the event (failed login,
 * lockout, refresh reuse, session ended, forbidden, rate limited) with user id, client address and code.
 * Never a secret: callers pass ids, addresses and codes only, and the logger's redaction stays on.
 */
import type { Logger } from './logger.ts';

export type SecurityEvent =
  | 'login_failed'
  | 'login_throttled'
  | 'refresh_reused'
  | 'session_ended'
  | 'password_changed'
  | 'forbidden'
  | 'rate_limited'
  | 'connection_refused';

export function securityEvent(logger: Logger, event: SecurityEvent, fields: Record<string, unknown>): void {
  logger.warn({ security: event, ...fields }, `security: ${event}`);
}
