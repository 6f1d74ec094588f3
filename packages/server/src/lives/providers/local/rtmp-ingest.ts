/**
 * RTMP ingest of the local provider: rtmp://<host>:<port>/live/<streamKey>. Lightstick owns the TCP listener
 * (ephemeral ports, limits, errors that never exit the process) and node-media-server speaks RTMP on each
 * socket. A publish is gated: the stream key is checked (asynchronously, against the store) before the
 * publish takes its broadcast, and the packets that arrive meanwhile (metadata, codec headers) are held and
 * replayed, so the packager sees a complete stream. Wrong, rotated or revoked keys, other applications than
 * `live`, and RTMP playback (viewers watch HLS, behind playback tokens) are refused by closing the socket.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../../../observability/logger.ts';
import {
  createRtmpSession,
  createSubscriber,
  routeLibraryLogs,
  type AvPacket,
  type ConnectRequest,
  type RtmpSession,
} from './nms.ts';

/** An accepted publish: a channel, its FLV bytes for subscribers, and a way to stop it. */
export interface Publish {
  readonly id: string;
  readonly channelId: string;
  /** The key this publish was accepted with (compared with the channel's current key while it runs). */
  readonly streamKey: string;
  /** Subscribes to the stream as FLV (header, cached codec headers, then every tag). Returns unsubscribe. */
  subscribe(write: (flv: Buffer) => void): () => void;
  /** Drops the publisher's connection at once. */
  stop(): void;
}

export interface RtmpIngestOptions {
  host: string;
  port: number;
  logger: Logger;
  /** The channel a stream key opens now, or undefined (wrong, rotated or revoked key). */
  authorise(streamKey: string): Promise<string | undefined>;
  /** A publish was accepted; called before its first packet reaches subscribers. */
  onPublish(publish: Publish): void;
  /** The publisher went away (closed, dropped or stopped). */
  onPublishEnd(publish: Publish): void;
  /** Connections held at once (default 64). */
  maxConnections?: number;
  /** A connection that has not started publishing after this long is closed (default 10 s). */
  publishTimeoutMs?: number;
  /** Packets held while a key is checked; past it the publish is refused (default 2000). */
  maxHeldPackets?: number;
}

const APP = 'live';

export class RtmpIngest {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly publishes = new Map<string, Publish>();
  private listening = false;

  constructor(private readonly opts: RtmpIngestOptions) {
    routeLibraryLogs(opts.logger);
  }

  /** Listens; resolves with the port (an ephemeral one when configured with 0). */
  async listen(): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    server.maxConnections = this.opts.maxConnections ?? 64;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.opts.logger.error({ err }, 'RTMP listener error'));
    this.listening = true;
    const address = server.address();
    return typeof address === 'object' && address ? address.port : this.opts.port;
  }

  ready(): boolean {
    return this.listening;
  }

  /** The publishes running now, by channel. */
  active(): ReadonlyMap<string, Publish> {
    return this.publishes;
  }

  /** Stops the channel's publish, if one runs here. */
  kick(channelId: string): boolean {
    const p = this.publishes.get(channelId);
    p?.stop();
    return p !== undefined;
  }

  async close(): Promise<void> {
    this.listening = false;
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => {}); // the close handler below does the bookkeeping
    const deadline = setTimeout(() => socket.destroy(), this.opts.publishTimeoutMs ?? 10_000);
    deadline.unref();
    let session: RtmpSession;
    try {
      session = createRtmpSession(socket);
    } catch (err) {
      this.opts.logger.warn({ err }, 'RTMP session could not start');
      socket.destroy();
      return;
    }
    let request: ConnectRequest | undefined;
    let publish: Publish | undefined;
    const { rtmp } = session;
    rtmp.onConnectCallback = (req) => void (request = req);
    rtmp.onPlayCallback = () => socket.destroy();
    rtmp.onPushCallback = () => {
      clearTimeout(deadline);
      void this.gate(session, request).then((p) => (publish = p));
    };
    socket.on('close', () => {
      clearTimeout(deadline);
      this.sockets.delete(socket);
      if (publish === undefined) return;
      if (this.publishes.get(publish.channelId) === publish) this.publishes.delete(publish.channelId);
      this.opts.onPublishEnd(publish);
    });
  }

  /** Checks the key while holding packets; on success takes the broadcast and replays what was held. */
  private async gate(
    session: RtmpSession,
    request: ConnectRequest | undefined,
  ): Promise<Publish | undefined> {
    const { socket, rtmp } = session;
    const held: AvPacket[] = [];
    const max = this.opts.maxHeldPackets ?? 2000;
    rtmp.onPacketCallback = (p) => {
      if (held.push(p) > max) socket.destroy();
    };
    const key = request?.name ?? '';
    let channelId: string | undefined;
    try {
      channelId = request?.app === APP && key !== '' ? await this.opts.authorise(key) : undefined;
    } catch (err) {
      this.opts.logger.error({ err }, 'RTMP publish could not be authorised');
    }
    if (socket.destroyed) return undefined;
    if (channelId === undefined || this.publishes.has(channelId)) {
      this.opts.logger.info({ component: 'rtmp', accepted: false }, 'RTMP publish refused');
      socket.destroy();
      return undefined;
    }
    session.onConnect({ ...request!, name: channelId, query: {} });
    session.broadcast.publishGraceMs = 0;
    session.onPush();
    if (!session.isPublisher) {
      socket.destroy();
      return undefined;
    }
    const broadcast = session.broadcast;
    const publish: Publish = {
      id: session.id,
      channelId,
      streamKey: key,
      subscribe(write) {
        const sub = createSubscriber(write);
        broadcast.postPlay(sub);
        return () => broadcast.donePlay(sub);
      },
      stop: () => socket.destroy(),
    };
    this.publishes.set(channelId, publish);
    this.opts.logger.info({ component: 'rtmp', channel: channelId }, 'RTMP publish accepted');
    this.opts.onPublish(publish);
    for (const p of held) session.onPacket(p);
    rtmp.onPacketCallback = (p) => session.onPacket(p);
    return publish;
  }
}
