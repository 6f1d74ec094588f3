/**
 * The media role of the local provider: RTMP ingest, one ffmpeg packager per publish, and the bookkeeping
 * that keeps them honest. Every `heartbeatMs` it reports its running publishes to the store (the provider's
 * status() reads that), stops any publish whose key was rotated or revoked meanwhile (by any process), and
 * removes the HLS folders of channels that are revoked or gone (disk is cleaned after a live ends). Its
 * events (`started` once the first segment is playable, `stopped` when the publisher or ffmpeg goes) go to
 * the live service directly.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../../observability/logger.ts';
import type { Runtime } from '../../../runtime.ts';
import type { LocalChannelsRepo } from '../../../storage/lives-repositories.ts';
import type { ProviderEvent } from '../stream-provider.ts';
import { HlsPackager } from './hls-packager.ts';
import { RtmpIngest, type Publish } from './rtmp-ingest.ts';
import { CHANNEL_ID } from './hls-names.ts';

export interface LocalMediaOptions {
  channels: LocalChannelsRepo;
  runtime: Runtime;
  logger: Logger;
  rtmpHost: string;
  rtmpPort: number;
  hlsDir: string;
  segmentSec: number;
  listSize: number;
  heartbeatMs: number;
  ffmpegPath: string;
  /** Applies an event of this provider (the live service). Failures are logged. */
  onEvent(event: ProviderEvent): Promise<unknown>;
}

export class LocalMedia {
  readonly ingest: RtmpIngest;
  private readonly packagers = new Map<string, HlsPackager>();
  /** Packagers finishing their last segment: the next publish of the channel waits for them. */
  private readonly finishing = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private port = 0;

  constructor(private readonly opts: LocalMediaOptions) {
    this.ingest = new RtmpIngest({
      host: opts.rtmpHost,
      port: opts.rtmpPort,
      logger: opts.logger.child({ component: 'media' }),
      authorise: async (key) => (await opts.channels.byStreamKey(key))?.id,
      onPublish: (p) => this.started(p),
      onPublishEnd: (p) => this.ended(p),
    });
  }

  /** Listens for RTMP; resolves with the port. */
  async start(): Promise<number> {
    this.port = await this.ingest.listen();
    this.timer = setInterval(() => void this.tick(), this.opts.heartbeatMs);
    this.timer.unref();
    void this.tick();
    return this.port;
  }

  rtmpPort(): number {
    return this.port;
  }

  ready(): boolean {
    return this.ingest.ready();
  }

  /**
   * The channel's key changed or was revoked in this process: its publish (with the old key) stops at once.
   * Keys changed by other processes are found at the next tick.
   */
  keyChanged(channelId: string): void {
    this.ingest.kick(channelId);
    void this.tick();
  }

  /** ffmpeg's process id for a channel's running publish (tests stop it to simulate a crash). */
  packagerPid(channelId: string): number | undefined {
    return this.packagers.get(channelId)?.pid();
  }

  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
    await this.ingest.close();
    await Promise.allSettled([...this.packagers.values()].map((p) => p.stop()));
    await Promise.allSettled([...this.finishing.values()]);
  }

  /** One pass; passes never overlap. */
  tick(): Promise<void> {
    this.ticking ??= this.check()
      .catch((err: unknown) => this.opts.logger.warn({ err }, 'media bookkeeping failed; retrying'))
      .finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async check(): Promise<void> {
    const { channels, runtime } = this.opts;
    const active = [...this.ingest.active().values()];
    const rows = new Map((await channels.byIds(active.map((p) => p.channelId))).map((c) => [c.id, c]));
    const alive: string[] = [];
    for (const p of active) {
      // A rotated or revoked key stops the publish that used it.
      if (rows.get(p.channelId)?.streamKey !== p.streamKey) {
        this.opts.logger.info({ channel: p.channelId }, 'stream key changed: publish stopped');
        p.stop();
      } else alive.push(p.channelId);
    }
    await channels.heartbeat(alive, runtime.now());
    await this.cleanFolders();
  }

  /** Removes the folders of channels that are revoked or gone and have no publish here. */
  private async cleanFolders(): Promise<void> {
    const names = (await readdir(this.opts.hlsDir).catch(() => [] as string[])).filter((n) =>
      CHANNEL_ID.test(n),
    );
    const busy = (n: string) => this.ingest.active().has(n) || this.packagers.has(n) || this.finishing.has(n);
    const idle = names.filter((n) => !busy(n));
    if (idle.length === 0) return;
    const open = new Set(
      (await this.opts.channels.byIds(idle)).filter((c) => c.revokedAt === null).map((c) => c.id),
    );
    for (const n of idle.filter((id) => !open.has(id))) {
      await rm(path.join(this.opts.hlsDir, n), { recursive: true, force: true });
      this.opts.logger.debug({ channel: n }, 'HLS folder removed');
    }
  }

  private started(publish: Publish): void {
    const { opts } = this;
    const log = opts.logger.child({ component: 'media', channel: publish.channelId });
    const packager = new HlsPackager(publish, {
      ffmpegPath: opts.ffmpegPath,
      dir: path.join(opts.hlsDir, publish.channelId),
      segmentSec: opts.segmentSec,
      listSize: opts.listSize,
      logger: log,
      onPlayable: () => this.emit(publish.channelId, 'started'),
      // ffmpeg gone: the publish cannot reach viewers, so it stops too (the live goes `reconnecting`; a
      // publisher that reconnects gets a new packager).
      onFailed: () => publish.stop(),
    });
    this.packagers.set(publish.channelId, packager);
    opts.channels
      .heartbeat([publish.channelId], opts.runtime.now())
      .catch((err: unknown) => log.warn({ err }, 'heartbeat failed'));
    const previous = this.finishing.get(publish.channelId) ?? Promise.resolve();
    // Late subscription is fine: the broadcast replays its cached metadata, codec headers and GOP.
    previous
      .then(() => packager.start())
      .catch((err: unknown) => {
        log.error({ err }, 'packager did not start');
        publish.stop();
      });
  }

  private ended(publish: Publish): void {
    const packager = this.packagers.get(publish.channelId);
    this.packagers.delete(publish.channelId);
    if (packager !== undefined) {
      const done = packager.stop().finally(() => {
        if (this.finishing.get(publish.channelId) === done) this.finishing.delete(publish.channelId);
      });
      this.finishing.set(publish.channelId, done);
    }
    this.opts.channels
      .idle(publish.channelId)
      .catch((err: unknown) => this.opts.logger.warn({ err }, 'channel idle mark failed'));
    this.emit(publish.channelId, 'stopped');
  }

  private emit(channelId: string, type: ProviderEvent['type']): void {
    const { runtime } = this.opts;
    const event: ProviderEvent = { id: `local:${runtime.id()}`, channelId, type, at: runtime.now() };
    this.opts.onEvent(event).catch((err: unknown) => {
      this.opts.logger.error({ err, channel: channelId, type }, 'local provider event not applied');
    });
  }
}
