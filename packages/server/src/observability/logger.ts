/** Structured JSON logs. Secrets are redacted by path so a careless log line cannot leak them. */
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { isoUtc } from '../utc-time.ts';

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

/** `destination`: where the lines go (default stdout; tests read them back). */
export function createLogger(opts: {
  level: string;
  nodeId: string;
  destination?: DestinationStream;
}): Logger {
  const options: LoggerOptions = {
    level: opts.level,
    base: { node: opts.nodeId },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // pino's isoTime, printed without Date#toISOString (utc-time.ts says why).
    timestamp: () => `,"time":"${isoUtc(Date.now())}"`,
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

export type { Logger };
