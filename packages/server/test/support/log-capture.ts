/** A pino logger whose lines the test reads back as one text (what a start logged, and what it did not). */
import { Writable } from 'node:stream';
import pino from 'pino';

export function captureLog(level: pino.Level = 'info') {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { logger: pino({ level }, sink), text: () => text };
}
