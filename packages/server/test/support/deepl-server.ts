/**
 * A local HTTP server that answers as DeepL's documented API does (POST /v2/translate, DeepL-Auth-Key, JSON
 * `{ text: [...], target_lang, source_lang? }` -> `{ translations: [{ detected_source_language, text }] }`), and
 * records every request so tests can assert its shape and count upstream calls. Not a mock of our code: the
 * adapter under test speaks real HTTP to it.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface DeeplCall {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: { text: string[]; target_lang: string; source_lang?: string };
}

export interface FakeDeepl {
  url: string;
  calls: DeeplCall[];
  /** Status to answer next calls with (DeepL: 403 bad key, 456 quota, 429 too many). */
  failWith: number | undefined;
  /** Milliseconds to wait before answering. */
  delayMs: number;
  close(): Promise<void>;
}

export const DEEPL_KEY = 'test-key-1234:fx';

export async function fakeDeepl(): Promise<FakeDeepl> {
  const calls: DeeplCall[] = [];
  const state = { failWith: undefined as number | undefined, delayMs: 0 };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const answer = () => {
        if (res.writableEnded || res.destroyed) return;
        if (req.headers.authorization !== `DeepL-Auth-Key ${DEEPL_KEY}`) {
          res.writeHead(403, { 'content-type': 'application/json' }).end('{"message":"Wrong key"}');
          return;
        }
        if (req.method !== 'POST' || req.url !== '/v2/translate') {
          res.writeHead(404).end();
          return;
        }
        const body = JSON.parse(raw) as DeeplCall['body'];
        calls.push({ method: req.method, path: req.url, headers: req.headers, body });
        if (state.failWith !== undefined) {
          res.writeHead(state.failWith, { 'content-type': 'application/json' }).end('{"message":"refused"}');
          return;
        }
        const translations = body.text.map((t) => ({
          detected_source_language: body.source_lang ?? 'KO',
          text: `[${body.target_lang}] ${t}`,
        }));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ translations }));
      };
      if (state.delayMs > 0) {
        const t = setTimeout(answer, state.delayMs);
        res.on('close', () => clearTimeout(t));
      } else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    get failWith() {
      return state.failWith;
    },
    set failWith(v) {
      state.failWith = v;
    },
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(v) {
      state.delayMs = v;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
