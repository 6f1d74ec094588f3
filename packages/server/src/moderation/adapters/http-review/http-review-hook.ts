/**
 * The review hook as an HTTP callback: POSTs the message as JSON to the operator's URL and reads
 * `{ "result": "allow" | "deny", "text"?: string, "reason"?: string }` (docs/moderation.md). When a secret is
 * configured the body is signed: `X-Lightstick-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with
 * `X-Lightstick-Timestamp` (ms), so the operator can check the call is ours and fresh.
 */
import { createHmac } from 'node:crypto';
import type { ReviewHook, ReviewRequest, ReviewVerdict } from '../../review-hook.ts';

export interface HttpReviewHookOptions {
  url: string;
  secret?: string;
  now?: () => number;
}

/** Longest text of a verdict we accept (a rewritten message is validated again by the length rules). */
const MAX_ANSWER_BYTES = 64 * 1024;

export class HttpReviewHook implements ReviewHook {
  constructor(private readonly opts: HttpReviewHookOptions) {}

  async review(req: ReviewRequest, signal: AbortSignal): Promise<ReviewVerdict> {
    const body = JSON.stringify(req);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.opts.secret) {
      const ts = String((this.opts.now ?? Date.now)());
      headers['x-lightstick-timestamp'] = ts;
      headers['x-lightstick-signature'] =
        'sha256=' + createHmac('sha256', this.opts.secret).update(`${ts}.${body}`).digest('hex');
    }
    const res = await fetch(this.opts.url, { method: 'POST', headers, body, signal, redirect: 'error' });
    const text = await res.text();
    if (!res.ok) throw new Error(`review hook answered HTTP ${res.status}`);
    if (text.length > MAX_ANSWER_BYTES) throw new Error('review hook answer too large');
    return parseVerdict(JSON.parse(text) as unknown);
  }
}

export function parseVerdict(v: unknown): ReviewVerdict {
  if (typeof v !== 'object' || v === null) throw new Error('review hook answer is not an object');
  const o = v as { result?: unknown; text?: unknown; reason?: unknown };
  const result = typeof o.result === 'string' ? o.result.toLowerCase() : '';
  if (result === 'allow') {
    return typeof o.text === 'string' ? { result: 'allow', text: o.text } : { result: 'allow' };
  }
  if (result === 'deny') {
    return typeof o.reason === 'string'
      ? { result: 'deny', reason: o.reason.slice(0, 300) }
      : { result: 'deny' };
  }
  throw new Error('review hook answer has no result of allow or deny');
}
