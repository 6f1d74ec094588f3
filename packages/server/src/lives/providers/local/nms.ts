/**
 * The parts of node-media-server (v4, pinned) the local provider uses, typed: its RTMP session (handshake,
 * chunk stream, AMF commands, FLV tags) and its per-stream broadcast, which hands each packet to subscribers
 * as FLV bytes. Its top-level NodeMediaServer class is not used on purpose: it cannot listen on an ephemeral
 * port, exits the process when its port is taken, writes a JSON store under ./data and logs stream paths
 * (stream keys) to stdout. So Lightstick owns the TCP listener and hands each socket to an RtmpSession.
 * The library's own logger is routed to ours at debug level, with stream names redacted.
 */
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import type { Logger } from '../../../observability/logger.ts';

const require = createRequire(import.meta.url);

/** One audio, video or script packet as the RTMP parser hands it over. */
export type AvPacket = object;

export interface ConnectRequest {
  app: string;
  name: string;
  host: string;
  query: Record<string, unknown>;
}

/** The RTMP protocol state machine of one connection: its callbacks are replaced to gate the publish. */
export interface RtmpProtocol {
  onConnectCallback: (req: ConnectRequest) => void;
  onPlayCallback: () => void;
  onPushCallback: () => void;
  onPacketCallback: (packet: AvPacket) => void;
}

/** A subscriber of a broadcast: the library writes FLV bytes (header, then tags) to `sendBuffer`. */
export interface NmsSubscriber {
  id: string;
  ip: string;
  protocol: string;
  sendBuffer: (buffer: Buffer) => void;
}

export interface Broadcast {
  /** How long a dropped publisher keeps its slot for a resume; Lightstick owns that window, so 0. */
  publishGraceMs: number;
  /** Sends the FLV header and the cached headers to `sub`, then every later packet. */
  postPlay(sub: NmsSubscriber): string | null;
  donePlay(sub: NmsSubscriber): void;
}

export interface RtmpSession {
  id: string;
  socket: Socket;
  rtmp: RtmpProtocol & { streamApp: string; streamHost: string };
  broadcast: Broadcast;
  isPublisher: boolean;
  run(): void;
  /** Registers the session under /<app>/<name> (its broadcast). */
  onConnect(req: ConnectRequest): void;
  /** Takes the publisher slot of the broadcast, or ends the socket when another publisher holds it. */
  onPush(): void;
  onPacket(packet: AvPacket): void;
}

type RtmpSessionCtor = new (socket: Socket) => RtmpSession;
type BaseSessionCtor = new () => NmsSubscriber;
interface NmsLogger {
  log(message: string, level?: string): void;
}

const RtmpSessionClass = require('node-media-server/src/session/rtmp_session.js') as RtmpSessionCtor;
const BaseSessionClass = require('node-media-server/src/session/base_session.js') as BaseSessionCtor;
const nmsLogger = require('node-media-server/src/core/logger.js') as NmsLogger;

export function createRtmpSession(socket: Socket): RtmpSession {
  const session = new RtmpSessionClass(socket);
  session.run();
  return session;
}

/** An internal subscriber (no address: the library then emits no play events for it). */
export function createSubscriber(write: (buffer: Buffer) => void): NmsSubscriber {
  const sub = new BaseSessionClass();
  sub.ip = '';
  sub.protocol = 'flv';
  sub.sendBuffer = write;
  return sub;
}

/** Stream names (stream keys before authorisation) never reach a log line. */
const NAMES = /(name=|\/live\/)[^\s,]+/g;

export function routeLibraryLogs(logger: Logger): void {
  nmsLogger.log = (message: string) => {
    if (logger.isLevelEnabled('debug')) logger.debug({ component: 'rtmp' }, message.replace(NAMES, '$1…'));
  };
}
