/**
 * Answers written straight to node:http, for the listeners that need no router, validation or plugins: the
 * metrics port (metrics-listener.ts) and a gateway-only process's public port (gateway-front.ts). Errors keep the
 * one JSON shape of every HTTP answer, `{ error: { code, message } }` (errors.ts).
 */
import type { ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

/**
 * Every plain answer is JSON or metrics text, never a page: nothing may run, embed or frame it, and no cache
 * keeps it (readiness and metrics change every second).
 */
const PLAIN_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
} as const;

const JSON_TYPE = 'application/json; charset=utf-8';

/** Node leaves the body out of an answer to HEAD by itself. */
export function sendPlain(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    ...PLAIN_HEADERS,
    'content-type': type,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendPlain(res, status, JSON_TYPE, JSON.stringify(body));
}

export function sendJsonError(
  res: ServerResponse,
  status: number,
  error: { code: string; message: string },
): void {
  sendJson(res, status, { error });
}

/** The process's Prometheus registry in the text exposition format. */
export async function sendMetrics(res: ServerResponse, registry: Registry): Promise<void> {
  const text = await registry.metrics();
  sendPlain(res, 200, registry.contentType, text);
}
