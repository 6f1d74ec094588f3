/**
 * Counts the messages a ws client receives compressed (permessage-deflate): ws hands each one's payload to its
 * extension's `decompress`, the last fragment with `fin` set. Call once the client is open.
 */
import type WebSocket from 'ws';

type Decompress = (data: Buffer, fin: boolean, cb: (err: Error | null, out?: Buffer) => void) => void;

export function countCompressed(ws: WebSocket): () => number {
  let n = 0;
  const ext = (ws as unknown as { _extensions: Record<string, { decompress: Decompress } | undefined> })
    ._extensions['permessage-deflate'];
  if (ext !== undefined) {
    const own = ext.decompress.bind(ext);
    ext.decompress = (data, fin, cb) => {
      if (fin) n++;
      own(data, fin, cb);
    };
  }
  return () => n;
}
