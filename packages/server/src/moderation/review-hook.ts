/**
 * The pre-send review hook: an operator's service that sees a message before it is accepted and allows it
 * (optionally rewritten) or denies it, like Amazon IVS Chat's message review handler. One folder per adapter
 * under adapters/; the send check (send-checks.ts) holds the hard deadline and the fail-open or fail-closed rule,
 * so no adapter can stall a send past it.
 */
import type { AuthorRole } from '@lightstick/protocol';

export interface ReviewRequest {
  communityId: string;
  room: string;
  /** The client's id for the message (the server id is given on acceptance). */
  cid: string;
  sender: { id: string; name: string; role: AuthorRole };
  text: string;
}

export type ReviewVerdict = { result: 'allow'; text?: string } | { result: 'deny'; reason?: string };

export interface ReviewHook {
  /**
   * Resolves with the verdict; rejects when the service fails or answers something else than a verdict.
   * Must stop its request when `signal` aborts (the deadline passed).
   */
  review(req: ReviewRequest, signal: AbortSignal): Promise<ReviewVerdict>;
}

export interface ReviewPolicy {
  hook: ReviewHook;
  /** The hard deadline (default 200 ms). */
  deadlineMs: number;
  /** `open`: a late or failed review lets the message through; `closed`: refuses it (unavailable). */
  failMode: 'open' | 'closed';
}
