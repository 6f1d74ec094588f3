/** Structured JSON logs. Secrets are redacted by path so a careless log line cannot leak them. */
import { pino, type Logger } from 'pino';

export const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'streamKey',
  '*.streamKey',
  'privateJwk',
  '*.privateJwk',
];

export function createLogger(opts: { level: string; nodeId: string }): Logger {
  return pino({
    level: opts.level,
    base: { node: opts.nodeId },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

export type { Logger };
