/**
 * Sends not yet acknowledged. Each keeps its client id (`cid`) for its whole life, so a resend
 * after a reconnect is recognised by the server and acknowledged again instead of stored twice.
 */
import type { Position } from '@lightstick/protocol';

export interface SendResult {
  cid: string;
  /** Server message id. */
  mid: string;
  pos: Position;
  /** The server had already stored this `cid` (a resend): nothing was doubled. */
  duplicate: boolean;
}

export interface PendingSend {
  cid: string;
  room: string;
  text: string;
  /** The message this one answers (`send.replyTo`). */
  replyTo?: string;
  /** Request id of the copy in flight on the current connection. */
  reqId: number | undefined;
  /** Waiting out a `rate_limited` answer. */
  retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** How often the server answered `not_joined`: bounded so a confused server cannot loop us. */
  notJoined: number;
  /** How often the server answered `unavailable` in a row: resent with backoff, then given up. */
  unavailable: number;
  resolve(result: SendResult): void;
  reject(err: Error): void;
}

export class Outbox {
  private readonly byCid = new Map<string, PendingSend>();
  private readonly byReq = new Map<number, PendingSend>();

  get size(): number {
    return this.byCid.size;
  }

  /** Sends written on the current connection and not yet answered. */
  get inFlight(): number {
    return this.byReq.size;
  }

  add(p: PendingSend): void {
    this.byCid.set(p.cid, p);
  }

  /** Sends ready to go out (not in flight, not waiting out a rate limit or backoff), oldest first. */
  ready(): PendingSend[] {
    return [...this.byCid.values()].filter((p) => p.reqId === undefined && p.retryTimer === undefined);
  }

  markSent(p: PendingSend, reqId: number): void {
    p.reqId = reqId;
    this.byReq.set(reqId, p);
  }

  /** The send that request `id` carried, if it is still pending. */
  byRequest(id: number | undefined): PendingSend | undefined {
    return id === undefined ? undefined : this.byReq.get(id);
  }

  /** The request failed or the answer will never come: the send waits to go out again. */
  unsend(p: PendingSend): void {
    if (p.reqId !== undefined) this.byReq.delete(p.reqId);
    p.reqId = undefined;
  }

  resolve(p: PendingSend, result: SendResult): void {
    this.drop(p);
    p.resolve(result);
  }

  reject(p: PendingSend, err: Error): void {
    this.drop(p);
    p.reject(err);
  }

  /** The connection is gone: nothing is in flight any more, everything unacked goes again. */
  resetInFlight(): void {
    for (const p of this.byCid.values()) p.reqId = undefined;
    this.byReq.clear();
  }

  rejectWhere(match: (p: PendingSend) => boolean, err: Error): void {
    for (const p of [...this.byCid.values()]) if (match(p)) this.reject(p, err);
  }

  private drop(p: PendingSend): void {
    this.unsend(p);
    if (p.retryTimer !== undefined) clearTimeout(p.retryTimer);
    p.retryTimer = undefined;
    this.byCid.delete(p.cid);
  }
}
