/**
 * Helpers for the client SDK tests: a WebSocket stand-in over the `ws` package that lets a test
 * cut the link, drop or repeat frames, and signed-in SDK clients against a real server.
 */
import { WebSocket } from 'ws';
import { ApiClient, RealtimeClient, type RealtimeEvents, type RealtimeOptions } from '@lightstick/client';
import type { ChatMessage, ServerFrame } from '@lightstick/protocol';
import { grantCreator, uniqueName } from './api.ts';

/** The client events a TestUser logs and `until` re-checks on. */
const LOGGED_EVENTS = [
  'authed',
  'joined',
  'messages',
  'reload',
  'throttled',
  'error',
  'live',
  'stats',
  'mode',
  'deleted',
  'pinned',
  'spotlight',
  'held',
  'ahead',
  'role',
  'removed',
] as const satisfies readonly (keyof RealtimeEvents)[];

/** What to do with one frame from the server: deliver it, drop it, or deliver it twice. */
export type Verdict = 'deliver' | 'drop' | 'twice';

/** A controllable network between an SDK client and the server. */
export class FlakyNet {
  readonly sockets: WebSocket[] = [];
  inbound: (frame: ServerFrame, net: FlakyNet) => Verdict = () => 'deliver';
  /** Every frame the client wrote, parsed, in order. */
  readonly outbound: Record<string, unknown>[] = [];
  /** Called with each frame the client writes, as it writes it. */
  onWrite: (frame: Record<string, unknown>) => void = () => {};
  readonly ctor: new (url: string) => object;

  constructor() {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const net = this;
    this.ctor = class ProxySocket {
      readonly ws: WebSocket;
      onopen: ((ev: unknown) => void) | null = null;
      onmessage: ((ev: { data: unknown }) => void) | null = null;
      onclose: ((ev: { code: number; reason: string }) => void) | null = null;
      onerror: ((ev: unknown) => void) | null = null;
      constructor(url: string) {
        this.ws = new WebSocket(url);
        net.sockets.push(this.ws);
        this.ws.onopen = (ev) => this.onopen?.(ev);
        this.ws.onerror = (ev) => this.onerror?.(ev);
        this.ws.onclose = (ev) => this.onclose?.({ code: ev.code, reason: ev.reason });
        this.ws.onmessage = (ev) => {
          const verdict = net.inbound(JSON.parse(String(ev.data)) as ServerFrame, net);
          if (verdict === 'drop') return;
          this.onmessage?.({ data: ev.data });
          if (verdict === 'twice') this.onmessage?.({ data: ev.data });
        };
      }
      get readyState(): number {
        return this.ws.readyState;
      }
      send(data: string): void {
        const frame = JSON.parse(data) as Record<string, unknown>;
        net.outbound.push(frame);
        this.ws.send(data);
        net.onWrite(frame);
      }
      close(code?: number, reason?: string): void {
        this.ws.close(code, reason);
      }
    };
  }

  /** Cuts the current connection without a closing handshake (the client sees 1006). */
  cut(): void {
    this.sockets.at(-1)?.terminate();
  }
}

export interface TestUser {
  api: ApiClient;
  rt: RealtimeClient;
  /** Gives this account the creator flag (an admin's grant): its communities are not fan-made, and as their
   * owner it sends at the staff rate. */
  makeCreator(): Promise<void>;
  /** Every message delivered to the app, in delivery order, per room. */
  received: Map<string, ChatMessage[]>;
  /** Every state the client went through. */
  states: string[];
  events<K extends keyof RealtimeEvents>(event: K): RealtimeEvents[K][];
}

/** Registers a user and makes (but does not connect) a realtime client that records what it delivers. */
export async function signedInUser(
  baseUrl: string,
  wsUrl: string,
  opts: Partial<RealtimeOptions> & { displayName?: string; net?: FlakyNet } = {},
): Promise<TestUser> {
  const { displayName, net, ...rtOpts } = opts;
  const api = new ApiClient({ baseUrl });
  const { user } = await api.register({
    username: uniqueName('sdk'),
    password: 'correct horse battery',
    ...(displayName ? { displayName } : {}),
  });
  const rt = new RealtimeClient({
    url: wsUrl,
    getToken: (o) => api.getAccessToken(o),
    WebSocket: net?.ctor ?? WebSocket,
    backoff: { baseMs: 50, capMs: 500 },
    ...rtOpts,
  });
  const received = new Map<string, ChatMessage[]>();
  const states: string[] = [];
  const log = new Map<string, unknown[]>();
  for (const name of LOGGED_EVENTS) {
    rt.on(name, (e) => log.set(name, [...(log.get(name) ?? []), e]));
  }
  rt.on('messages', (e) => received.set(e.room, [...(received.get(e.room) ?? []), ...e.messages]));
  rt.on('state', (s) => states.push(s));
  return {
    api,
    rt,
    received,
    states,
    makeCreator: () => grantCreator(baseUrl, user.id),
    events: (name) => (log.get(name) ?? []) as never,
  };
}

/**
 * Resolves when `check` holds, testing it on every event of the client; rejects after `ms`. Every event the
 * TestUser logs is one: `role`, `held`, `ahead` and `live` were missing, so a wait for one of them passed only
 * when the event came before the wait began or another event followed it (it timed out once a gateway's
 * replies were written a tick later, corked into one write).
 */
export function until(rt: RealtimeClient, check: () => boolean, what: string, ms = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const offs: (() => void)[] = [];
    const done = (err?: Error) => {
      clearTimeout(timer);
      for (const off of offs) off();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => done(new Error(`timed out waiting for: ${what}`)), ms);
    for (const name of ['state', ...LOGGED_EVENTS] as const) {
      offs.push(rt.on(name, () => check() && done()));
    }
  });
}

export const offsets = (msgs: ChatMessage[] | undefined) => (msgs ?? []).map((m) => m.pos.offset);
export const texts = (msgs: ChatMessage[] | undefined) => (msgs ?? []).map((m) => m.text);
