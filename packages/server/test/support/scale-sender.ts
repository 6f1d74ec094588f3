/**
 * A sender on the raw protocol for the Redis fault tests: it sees every refusal itself (the SDK would hide
 * them), resends under the same client id (so a send that did go through is never stored twice), and
 * reconnects over the gateway URLs in turn when its connection drops.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AckFrame, ErrorFrame, ServerFrame } from '@lightstick/protocol';
import { WsTestClient } from './ws-client.ts';

/** 'ack', 'timeout', 'closed' or the error code the server answered (e.g. 'unavailable'). */
export type Outcome = string;

export class RawSender {
  refused = 0;
  timeouts = 0;
  reconnects = 0;
  private ws: WsTestClient | undefined;
  private ids = 100;
  private next = 0;
  private lastAck: AckFrame | undefined;

  constructor(
    private readonly urls: string[],
    private readonly token: () => Promise<string>,
    private readonly room: string,
    /** Called with every acknowledgement. */
    private readonly onAck: (ack: AckFrame) => void,
  ) {}

  /** One attempt: the answer within `waitMs`, or 'timeout' / 'closed'. */
  async tryOnce(cid: string, text: string, waitMs: number): Promise<Outcome> {
    const ws = await this.connected(waitMs);
    if (!ws) return 'closed';
    const id = ++this.ids;
    ws.send({ op: 'send', id, room: this.room, cid, text });
    let f: ServerFrame;
    try {
      f = await ws.next((x) => 'id' in x && x.id === id, waitMs);
    } catch {
      if (ws.closed) return 'closed';
      this.timeouts++;
      return 'timeout';
    }
    if (f.t === 'ack') {
      this.lastAck = f as AckFrame;
      this.onAck(f as AckFrame);
      return 'ack';
    }
    const code = (f as ErrorFrame).code;
    if (code === 'unavailable') this.refused++;
    return code;
  }

  /** Sends until acknowledged (same `cid` each time), within 60 s. */
  async sendUntilAcked(cid: string, text: string): Promise<AckFrame> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const outcome = await this.tryOnce(cid, text, 5000);
      if (outcome === 'ack') return this.lastAck as AckFrame;
      if (
        outcome !== 'unavailable' &&
        outcome !== 'timeout' &&
        outcome !== 'closed' &&
        outcome !== 'rate_limited'
      )
        throw new Error(`send ${cid} refused with ${outcome}`);
      await sleep(200);
    }
    throw new Error(`send ${cid} not acknowledged within 60 s`);
  }

  close(): void {
    this.ws?.close();
  }

  /** The open, authenticated connection joined to the room; connects (next URL first) when needed. */
  private async connected(withinMs: number): Promise<WsTestClient | undefined> {
    if (this.ws && !this.ws.closed) return this.ws;
    if (this.ws) this.reconnects++;
    this.ws = undefined;
    const deadline = Date.now() + withinMs;
    while (Date.now() < deadline) {
      const url = this.urls[this.next++ % this.urls.length] as string;
      try {
        const ws = await WsTestClient.authed(url, await this.token());
        const joined = await ws.request({ op: 'join', id: ++this.ids, room: this.room });
        if (joined.t === 'joined') return (this.ws = ws);
        ws.close();
      } catch {
        // That gateway is down or refused: try the next one.
      }
      await sleep(200);
    }
    return undefined;
  }
}
