/**
 * The common part of the local HTTP servers that stand in for cloud video APIs in tests: listen on an
 * ephemeral port, read each request whole, record it, and collect every way a request breaks the documented
 * shape in `problems` (tests assert it stays empty), answering such requests 400 so the adapter fails too.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The body parsed as JSON, or undefined. */
  json: unknown;
}

export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A handler returns the answer, or a string naming a shape problem (answered 400). */
export type Handler = (req: SeenRequest) => Answer | string | Promise<Answer | string>;

export interface FakeHttp {
  url: string;
  requests: SeenRequest[];
  problems: string[];
  /** The next request whose path matches `pattern` gets this answer instead (an injected fault). */
  failNext(pattern: RegExp, answer: Answer): void;
  close(): Promise<void>;
}

export async function startFakeHttp(handler: Handler): Promise<FakeHttp> {
  const requests: SeenRequest[] = [];
  const problems: string[] = [];
  const faults: { pattern: RegExp; answer: Answer }[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void answerOne());
    const answerOne = async (): Promise<void> => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = body === '' ? undefined : JSON.parse(body);
      } catch {
        json = undefined;
      }
      const seen: SeenRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        json,
      };
      requests.push(seen);
      const fault = faults.findIndex((f) => f.pattern.test(seen.path));
      let answer: Answer | string;
      if (fault >= 0) {
        answer = faults[fault]!.answer;
        faults.splice(fault, 1);
      } else {
        try {
          answer = await handler(seen);
        } catch (err) {
          answer = `handler threw: ${(err as Error).message}`;
        }
      }
      if (typeof answer === 'string') {
        problems.push(`${seen.method} ${seen.path}: ${answer}`);
        answer = { status: 400, body: { message: answer } };
      }
      const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        ...(text !== '' ? { 'content-type': 'application/json' } : {}),
        ...answer.headers,
      });
      res.end(text);
    };
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    problems,
    failNext: (pattern, answer) => void faults.push({ pattern, answer }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A problem text when `value` lacks a field of the given type, else undefined. */
export function needField(
  value: unknown,
  field: string,
  type: 'string' | 'boolean' | 'object' | 'array',
): string | undefined {
  const v = (value as Record<string, unknown> | undefined)?.[field];
  const ok = type === 'array' ? Array.isArray(v) : typeof v === type && v !== null;
  return ok ? undefined : `body.${field} should be ${type === 'array' ? 'an array' : `a ${type}`}`;
}

/** A fake encoder's publish as the fake provider sees it. */
export interface FakePublish {
  key: string;
  channelId: string;
  active: boolean;
}
