/** A raw WebSocket test client: sends frames, waits for the frames it expects, records how it closed. */
import WebSocket from 'ws';
import type { ServerFrame } from '@lightstick/protocol';

/** How long a test waits for a frame or a close that must come (not a timing assertion). */
export const FRAME_DEADLINE_MS = 20_000;

export class WsTestClient {
  readonly frames: ServerFrame[] = [];
  closed: { code: number; reason: string } | undefined;
  private waiters: { pred: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }[] = [];
  private closeWaiters: ((c: { code: number; reason: string }) => void)[] = [];
  private seen = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => (w.pred(frame) ? (w.resolve(frame), false) : true));
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const w of this.closeWaiters) w(this.closed);
    });
    ws.on('error', () => {});
  }

  static async connect(url: string): Promise<WsTestClient> {
    const ws = new WebSocket(url);
    const client = new WsTestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await client.next((f) => f.t === 'hello');
    return client;
  }

  /** Connects and authenticates. */
  static async authed(url: string, token: string): Promise<WsTestClient> {
    const c = await WsTestClient.connect(url);
    c.send({ op: 'auth', id: 0, token });
    const f = await c.next((x) => x.t === 'authed' || x.t === 'error');
    if (f.t !== 'authed') throw new Error(`auth failed: ${JSON.stringify(f)}`);
    return c;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /**
   * The next frame (not yet taken by an earlier `next`) that matches, waiting up to `timeoutMs`: a deadline
   * for a frame that must come, generous because a loaded machine (two test files, Redis and PostgreSQL on
   * two cores) was seen to take over 5 s to answer a send across gateways.
   */
  next<T extends ServerFrame = ServerFrame>(
    pred: (f: ServerFrame) => boolean,
    timeoutMs = FRAME_DEADLINE_MS,
  ): Promise<T> {
    for (let i = this.seen; i < this.frames.length; i++) {
      const f = this.frames[i] as ServerFrame;
      if (pred(f)) {
        this.seen = i + 1;
        return Promise.resolve(f as T);
      }
    }
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`no matching frame in ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5))}`),
          ),
        timeoutMs,
      );
      this.waiters.push({
        pred,
        resolve: (f) => {
          clearTimeout(timer);
          this.seen = this.frames.length;
          resolve(f as T);
        },
      });
    });
  }

  /** Sends a frame with `id` and waits for the answer carrying the same id. */
  async request<T extends ServerFrame = ServerFrame>(
    frame: { id: number } & Record<string, unknown>,
  ): Promise<T> {
    this.send(frame);
    return this.next<T>((f) => 'id' in f && f.id === frame.id);
  }

  waitClose(timeoutMs = FRAME_DEADLINE_MS): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not closed in ${timeoutMs} ms`)), timeoutMs);
      this.closeWaiters.push((c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
  }

  close(): void {
    this.ws.close();
  }
}
