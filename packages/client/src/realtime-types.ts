/** The public shapes of RealtimeClient (its events and options), and the emit function its parts share. */
import type {
  AuthedFrame,
  ChatMessage,
  DeletedFrame,
  HeldFrame,
  LiveView,
  ModeFrame,
  PinnedFrame,
  Position,
  RoleFrame,
  SpotlightFrame,
  StatsFrame,
} from '@lightstick/protocol';
import type { BackoffOptions } from './backoff.ts';
import type { WebSocketCtor } from './connection.ts';
import type { RealtimeError } from './errors.ts';
import type { ConnectionState } from './link.ts';

export type { ConnectionState };

export interface RealtimeEvents {
  state: ConnectionState;
  /** Every `authed`: `first` once per connection, false after a re-auth on the same socket. */
  authed: { user: AuthedFrame['user']; exp: number; first: boolean };
  joined: { room: string; pos: Position; reload: boolean };
  /**
   * New messages of a room, in order, each once. `replay` when they came from a resume. A message already
   * given by `ahead` is not given again (its position still counts).
   */
  messages: { room: string; messages: ChatMessage[]; skipped: number; replay: boolean };
  /**
   * A staff message shown before its turn: the room's fan delay still holds fan messages sent before it, and
   * staff messages are never delayed. Show it now; `messages` leaves it out when its position comes.
   */
  ahead: { room: string; message: ChatMessage };
  /** The held position could not be resumed: reload the archive; live messages continue after `pos`. */
  reload: { room: string; pos: Position };
  /** A send was rate limited; the client resends it by itself after `retryAfterMs`. */
  throttled: { room: string; cid: string; retryAfterMs: number };
  /**
   * The server could not store a send now (`unavailable`: e.g. its Redis is down); the client resends it
   * under the same `cid` after `retryAfterMs` (backoff), so it is stored once whether or not it went through.
   */
  retrying: { room: string; cid: string; code: string; attempt: number; retryAfterMs: number };
  /**
   * A live of a joined room's community changed state (`live`, `reconnecting`, `ended`). Arrives once per
   * joined room of that community (`room`); apply by `live.id`. Not replayed after a reconnect: read lives
   * over HTTP then.
   */
  live: { room: string; live: LiveView };
  /** A joined room's viewer count and hearts, merged over every gateway (at most once a second). */
  stats: StatsFrame;
  /** A joined room's modes: on join and on every change. */
  mode: ModeFrame;
  /** Messages of a joined room were deleted: remove them from the screen. */
  deleted: DeletedFrame;
  /** A joined room's pinned message (null: none): on join and on every change. */
  pinned: PinnedFrame;
  /** An artist spoke: show the message above the chat until `until`. */
  spotlight: SpotlightFrame;
  /** Moderators: a fan message the room's fan delay holds (delete it before `releaseAt`). */
  held: HeldFrame;
  /**
   * Your own role in a community changed (null: you left it), or a ban on you there was lifted: show or hide
   * what the role allows. Rooms you may no longer read arrive as `removed`. Not replayed after a reconnect.
   */
  role: RoleFrame;
  /**
   * The server ended this connection's membership of a room on its own (a ban, a demotion, leaving the
   * community): the client forgot the room and will not join it again by itself.
   */
  removed: { room: string; error: RealtimeError };
  /** `fatal`: the client stopped (auth failed, session ended) and will not reconnect by itself. */
  error: { error: RealtimeError; fatal: boolean };
}

export interface RealtimeOptions {
  /**
   * WebSocket URL, e.g. 'ws://127.0.0.1:8080/ws', or the URLs of several gateways: the client starts on
   * the first and moves to the next on each reconnect (shuffle the list to spread clients).
   */
  url: string | readonly string[];
  /** A valid access token; `forceRefresh` when the current one expired or a re-auth is due. */
  getToken: (opts: { forceRefresh: boolean }) => Promise<string>;
  /** Default `globalThis.WebSocket`; in Node 20 pass `WebSocket` from the `ws` package. */
  WebSocket?: WebSocketCtor;
  /** Reconnect delays (default base 500 ms, cap 15 s, full jitter). */
  backoff?: BackoffOptions;
  /** Silence longer than this means the link is dead. Default: the server's `hello` value. */
  idleTimeoutMs?: number;
  now?: () => number;
  /** Client message ids; default `crypto.randomUUID`. */
  newCid?: () => string;
}

export interface JoinResult {
  pos: Position;
  reload: boolean;
}

/** RealtimeClient's (protected) emit, handed to the parts that report events. */
export type Emit = <K extends keyof RealtimeEvents>(event: K, payload: RealtimeEvents[K]) => void;
