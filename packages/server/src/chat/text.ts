/** Validation of what a person typed: the rules every send passes before anything else looks at it. */
import { Limits, graphemeLength } from '@lightstick/protocol';
import { AppError } from '../errors.ts';

export interface TextLimits {
  maxMessageChars: number;
  maxMessageBytes: number;
  maxClientIdChars: number;
}

// Control characters other than newline: they corrupt logs and other people's screens.
const CONTROL = /(?!\n)\p{Cc}/u;
// A lone UTF-16 surrogate is not text: stored as U+FFFD, it would be archived other than acknowledged (issue 8).
const LONE_SURROGATE = /\p{Cs}/u;

/** Returns the text as stored: line endings unified, NFC, trimmed. Throws validation_failed or message_too_long. */
export function normaliseText(raw: string, limits: TextLimits = Limits): string {
  // Cheap bound first, so a huge string is never segmented (NFC never grows text more than 3x).
  if (raw.length > limits.maxMessageBytes * 3) {
    throw new AppError('message_too_long', `A message has at most ${limits.maxMessageChars} characters`);
  }
  if (LONE_SURROGATE.test(raw))
    throw new AppError('validation_failed', 'The message is not well-formed text');
  const text = raw.replace(/\r\n?/g, '\n').normalize('NFC').trim();
  if (text.length === 0) throw new AppError('validation_failed', 'The message is empty');
  if (CONTROL.test(text)) throw new AppError('validation_failed', 'The message contains control characters');
  if (Buffer.byteLength(text, 'utf8') > limits.maxMessageBytes) {
    throw new AppError('message_too_long', `A message has at most ${limits.maxMessageBytes} bytes`);
  }
  if (graphemeLength(text) > limits.maxMessageChars) {
    throw new AppError('message_too_long', `A message has at most ${limits.maxMessageChars} characters`);
  }
  return text;
}

/** A client message id: 1..maxClientIdChars characters, no control characters. */
export function validateClientId(cid: string, limits: TextLimits = Limits): string {
  if (
    cid.length === 0 ||
    cid.length > limits.maxClientIdChars ||
    /\p{Cc}/u.test(cid) ||
    LONE_SURROGATE.test(cid)
  ) {
    throw new AppError(
      'validation_failed',
      `cid must be 1 to ${limits.maxClientIdChars} printable characters`,
    );
  }
  return cid;
}
